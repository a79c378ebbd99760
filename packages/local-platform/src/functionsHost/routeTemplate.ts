// The Azure Functions host hands HTTP trigger routes to ASP.NET Core routing, so templates are parsed and matched
// with ASP.NET Core's rules here: a function then answers the same URLs in this embedded host as under `func start`
// or in Azure, and a template Azure would reject at startup is rejected here too instead of silently never matching.

export class InvalidRouteTemplateError extends Error {
  override readonly name = 'InvalidRouteTemplateError';

  constructor(
    readonly template: string,
    problem: string,
    fix: string,
  ) {
    super(`Invalid route template '${template}': ${problem}. ${fix}`);
  }
}

export interface CompiledRoute {
  readonly template: string;
  readonly parameterNames: readonly string[];
  /**
   * ASP.NET Core's inbound precedence: one digit per segment (literal 1, complex or constrained parameter 2,
   * parameter 3, constrained catch-all 4, catch-all 5), the first segment weighing most. Lower is more specific.
   */
  readonly precedence: number;
  /** `path` is relative to the route prefix, without leading slash or query string, e.g. `orders/42`. */
  match(path: string): Record<string, string> | null;
}

type Fail = (problem: string, fix: string) => never;
type Check = (value: string) => boolean;

interface Literal {
  readonly kind: 'literal';
  readonly text: string;
}

interface Parameter {
  readonly kind: 'parameter';
  readonly name: string;
  readonly optional: boolean;
  readonly catchAll: boolean;
  readonly defaultValue: string | undefined;
  readonly constraints: readonly Constraint[];
}

interface Constraint {
  readonly text: string;
  readonly check: Check;
}

type Part = Literal | Parameter;

interface Segment {
  readonly text: string;
  readonly parts: readonly Part[];
}

type SegmentMatcher =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'parameter'; readonly parameter: Parameter }
  | { readonly kind: 'catchAll'; readonly parameter: Parameter }
  | { readonly kind: 'complex'; readonly parts: readonly Part[] };

export function compileRoute(template: string): CompiledRoute {
  const fail: Fail = (problem, fix) => {
    throw new InvalidRouteTemplateError(template, problem, fix);
  };
  const segments = parseTemplate(template, fail);
  validateTemplate(segments, fail);

  const parameters = segments.flatMap((segment) => segment.parts.filter(isParameter));
  const matchers = segments.map(compileSegment);
  const digits = segments.map(precedenceDigit);
  // Built from decimal text so equal digit sequences always yield the identical number.
  const precedence = digits.length === 0 ? 0 : Number(`${digits[0]}.${digits.slice(1).join('')}`);

  return Object.freeze({
    template,
    parameterNames: Object.freeze(parameters.map((parameter) => parameter.name)),
    precedence,
    match: (path: string) => matchSegments(matchers, path),
  });
}

/** Most specific first, as ASP.NET orders candidates; equal precedence falls back to the template text. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  if (a.precedence !== b.precedence) return a.precedence < b.precedence ? -1 : 1;
  return compareText(a.template.toLowerCase(), b.template.toLowerCase()) || compareText(a.template, b.template);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isParameter(part: Part): part is Parameter {
  return part.kind === 'parameter';
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

function parseTemplate(template: string, fail: Fail): Segment[] {
  // ASP.NET treats application-relative ('~/') and rooted ('/') templates as the same route.
  let pos = template.startsWith('~/') ? 2 : template.startsWith('/') ? 1 : 0;
  const segments: Segment[] = [];
  if (pos === template.length) return segments;

  for (;;) {
    const start = pos;
    const parts: Part[] = [];
    let literal = '';
    while (pos < template.length && template[pos] !== '/') {
      const c = template[pos];
      if (c === '{' && template[pos + 1] !== '{') {
        if (literal !== '') parts.push({ kind: 'literal', text: literal });
        literal = '';
        const { text, end } = readParameterText(template, pos, fail);
        parts.push(parseParameter(template.slice(pos, end + 1), text, fail));
        pos = end + 1;
      } else if (c === '{' || c === '}') {
        if (template[pos + 1] !== c) {
          fail(`'}' at offset ${pos} has no matching '{'`, `Remove it, or write '}}' for a literal '}'.`);
        }
        literal += c;
        pos += 2;
      } else if (c === '?') {
        // A request path never contains '?' (it starts the query string), so such a literal could never match.
        fail(
          `literal text '${template.slice(start, pos + 1)}' contains '?'`,
          `To make a parameter optional put the '?' inside its braces, e.g. '{id?}'.`,
        );
      } else {
        literal += c;
        pos++;
      }
    }
    if (literal !== '') parts.push({ kind: 'literal', text: literal });

    if (parts.length === 0) {
      fail(`it contains an empty segment ('//') at offset ${pos}`, `Remove the extra '/'.`);
    }
    const segment = { text: template.slice(start, pos), parts };
    validateSegment(segment, fail);
    segments.push(segment);

    if (pos >= template.length) break;
    pos++;
    // A trailing '/' is accepted, as ASP.NET does.
    if (pos === template.length) break;
  }
  return segments;
}

/** Reads from the '{' at `open` to its closing '}', undoing the '{{' / '}}' escapes a regex constraint needs. */
function readParameterText(template: string, open: number, fail: Fail): { text: string; end: number } {
  let text = '';
  for (let i = open + 1; i < template.length; i++) {
    const c = template[i];
    if (c === '{') {
      if (template[i + 1] !== '{') {
        fail(
          `the parameter starting at offset ${open} contains an unescaped '{' at offset ${i}`,
          `Parameters cannot be nested; inside a constraint write '{{' and '}}' for literal braces, ` +
            `e.g. '{code:regex(^\\d{{3}}$)}'.`,
        );
      }
      text += c;
      i++;
    } else if (c === '}') {
      if (template[i + 1] !== '}') return { text, end: i };
      text += c;
      i++;
    } else {
      text += c;
    }
  }
  return fail(
    `'{' at offset ${open} has no matching '}'`,
    `Close the parameter with '}', or write '{{' for a literal '{'.`,
  );
}

function parseParameter(source: string, raw: string, fail: Fail): Parameter {
  let text = raw;
  // '?' can only ever be the optional marker at the very end: inside a constraint it would precede ')' or ':'.
  const optional = text.endsWith('?');
  if (optional) text = text.slice(0, -1);
  const stars = text.startsWith('**') ? 2 : text.startsWith('*') ? 1 : 0;
  const catchAll = stars > 0;

  let pos = stars;
  while (pos < text.length && text[pos] !== ':' && text[pos] !== '=') pos++;
  const name = text.slice(stars, pos);
  if (name === '') {
    fail(`the parameter '${source}' has an empty name`, `Name it, e.g. '{id}', '{id:int}' or '{*rest}'.`);
  }
  const invalid = /[/{}?*]/.exec(name);
  if (invalid) {
    fail(
      `the parameter name '${name}' in '${source}' contains '${invalid[0]}'`,
      `Parameter names cannot contain '/', '{', '}', '?' or '*': '?' may only end a parameter ('{id?}') and ` +
        `'*' may only start one ('{*rest}').`,
    );
  }

  const constraints: Constraint[] = [];
  while (text[pos] === ':') {
    const start = ++pos;
    while (pos < text.length && text[pos] !== '(' && text[pos] !== ':' && text[pos] !== '=') pos++;
    const constraintName = text.slice(start, pos);
    let args: string | undefined;
    if (text[pos] === '(') {
      // As in ASP.NET, only a ')' that ends the parameter or precedes the next constraint or default closes the
      // argument list, so regex arguments may contain parentheses freely.
      let close = pos + 1;
      while (
        close < text.length &&
        !(text[close] === ')' && (close + 1 === text.length || ':='.includes(text[close + 1])))
      ) {
        close++;
      }
      if (close >= text.length) {
        fail(
          `the argument list of constraint '${text.slice(start)}' on parameter '${name}' is not closed`,
          `End it with ')', e.g. '{${name}:${constraintName}(...)}'.`,
        );
      }
      args = text.slice(pos + 1, close);
      pos = close + 1;
    }
    constraints.push(createConstraint(name, constraintName, args, fail));
  }

  const defaultValue = text[pos] === '=' ? text.slice(pos + 1) : undefined;
  if (defaultValue === '') {
    fail(`the parameter '${name}' has an empty default value`, `Give a value after '=', or remove the '='.`);
  }

  if (catchAll && optional) {
    fail(
      `the catch-all parameter '${name}' is marked optional`,
      `Remove the '?': a catch-all already matches an empty remainder.`,
    );
  }
  if (optional && defaultValue !== undefined) {
    fail(
      `the parameter '${name}' is both optional and has a default value`,
      `Use either '{${name}?}' or '{${name}=${defaultValue}}'.`,
    );
  }
  if (defaultValue !== undefined) {
    const violated = constraints.find((constraint) => !constraint.check(defaultValue));
    if (violated) {
      fail(
        `the default value '${defaultValue}' of parameter '${name}' does not satisfy its constraint '${violated.text}'`,
        `Change the default value or the constraint.`,
      );
    }
  }
  return { kind: 'parameter', name, optional, catchAll, defaultValue, constraints };
}

function validateSegment(segment: Segment, fail: Fail): void {
  const { parts, text } = segment;
  parts.forEach((part, index) => {
    if (part.kind !== 'parameter') return;
    if (part.catchAll && parts.length > 1) {
      fail(
        `the catch-all parameter '${part.name}' shares the segment '${text}' with other text`,
        `Give it a segment of its own, e.g. 'files/{*${part.name}}'.`,
      );
    }
    const next = parts[index + 1];
    if (next?.kind === 'parameter') {
      // Nothing would tell where one value ends and the next begins.
      fail(
        `the segment '${text}' has two consecutive parameters '${part.name}' and '${next.name}'`,
        `Separate them with literal text or '/', e.g. '{${part.name}}-{${next.name}}'.`,
      );
    }
    if (part.optional && parts.length > 1) {
      if (next) {
        fail(
          `the optional parameter '${part.name}' in segment '${text}' is followed by '${next.text}'`,
          `An optional parameter must end its segment; move it to the end or remove the '?'.`,
        );
      }
      // Consecutive parameters were rejected above, so literal text precedes it.
      const previous = parts[index - 1] as Literal;
      if (previous.text !== '.') {
        fail(
          `the optional parameter '${part.name}' in segment '${text}' is preceded by '${previous.text}'`,
          `Only a period can precede an optional parameter within a segment, e.g. '{name}.{${part.name}?}'.`,
        );
      }
    }
  });
}

function validateTemplate(segments: readonly Segment[], fail: Fail): void {
  const seen = new Map<string, string>();
  segments.forEach((segment, index) => {
    const rest = segments.slice(index + 1);
    for (const part of segment.parts) {
      if (part.kind !== 'parameter') continue;
      // Names are case-insensitive in ASP.NET route values.
      const key = part.name.toLowerCase();
      const previous = seen.get(key);
      if (previous !== undefined) {
        fail(
          `the parameter name '${part.name}' appears more than once` +
            (previous === part.name ? '' : ` (as '${previous}'; names are case-insensitive)`),
          `Rename one of them.`,
        );
      }
      seen.set(key, part.name);

      if (part.catchAll && rest.length > 0) {
        fail(
          `the catch-all parameter '${part.name}' is followed by '${rest.map((s) => s.text).join('/')}'`,
          `A catch-all must be the last segment; move it to the end of the template.`,
        );
      }
      if (part.optional && segment.parts.length === 1) {
        const required = rest.find((next) => !isOmittable(next));
        if (required) {
          fail(
            `the optional parameter '${part.name}' is followed by the required segment '${required.text}'`,
            `Only trailing segments can be optional; move '${segment.text}' to the end or remove the '?'.`,
          );
        }
      }
    }
  });
}

function isOmittable(segment: Segment): boolean {
  const [part] = segment.parts;
  return (
    segment.parts.length === 1 &&
    part.kind === 'parameter' &&
    (part.optional || part.catchAll || part.defaultValue !== undefined)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Constraints: the semantics of ASP.NET Core's route constraints, which parse with the invariant culture.

interface ConstraintSpec {
  readonly usage: string;
  /** Allowed argument counts; 0 means the constraint takes no parentheses. */
  readonly arities: readonly number[];
  /** The whole text between the parentheses is one argument, as ASP.NET does for single-string constraints. */
  readonly whole?: boolean;
  create(args: readonly string[], bad: (problem: string, fix?: string) => never): Check;
}

const INT32: readonly [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
const INT64: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const DECIMAL_MAX = 79228162514264337593543950335n;
// .NET's NumberStyles white space is exactly these characters, not Unicode's.
const WS = '[\\t\\n\\v\\f\\r ]*';
const INTEGER = new RegExp(`^${WS}([+-]?\\d+)${WS}$`);
const UNSIGNED = '(?:\\d[\\d,]*(?:\\.\\d*)?|\\.\\d+)';
const DECIMAL = new RegExp(`^${WS}([+-]?)(${UNSIGNED})([+-]?)${WS}$`);
const DOUBLE = new RegExp(`^${WS}[+-]?(?:${UNSIGNED}(?:e[+-]?\\d+)?|infinity|∞|nan)${WS}$`, 'i');
const GUID_D = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const GUID_X = '\\{0x[0-9a-f]{1,8},0x[0-9a-f]{1,4},0x[0-9a-f]{1,4},\\{(?:0x[0-9a-f]{1,2},){7}0x[0-9a-f]{1,2}\\}\\}';
const GUID = new RegExp(`^(?:[0-9a-f]{32}|${GUID_D}|\\{${GUID_D}\\}|\\(${GUID_D}\\)|${GUID_X})$`, 'i');

function parseInteger(value: string, [min, max]: readonly [bigint, bigint]): bigint | undefined {
  const match = INTEGER.exec(value);
  if (!match) return undefined;
  const number = BigInt(match[1]);
  return number >= min && number <= max ? number : undefined;
}

const CONSTRAINTS = new Map<string, ConstraintSpec>([
  ['int', { usage: 'int', arities: [0], create: () => (value) => parseInteger(value, INT32) !== undefined }],
  ['long', { usage: 'long', arities: [0], create: () => (value) => parseInteger(value, INT64) !== undefined }],
  ['bool', { usage: 'bool', arities: [0], create: () => (value) => /^(?:true|false)$/i.test(value.trim()) }],
  ['alpha', { usage: 'alpha', arities: [0], create: () => (value) => /^[a-z]*$/i.test(value) }],
  ['guid', { usage: 'guid', arities: [0], create: () => (value) => GUID.test(value.trim()) }],
  ['datetime', { usage: 'datetime', arities: [0], create: () => isDateTime }],
  ['decimal', { usage: 'decimal', arities: [0], create: () => isDecimal }],
  ['double', { usage: 'double', arities: [0], create: () => (value) => DOUBLE.test(value) }],
  // .NET Core 3+ parses out-of-range floats to infinity rather than failing, so float accepts what double does.
  ['float', { usage: 'float', arities: [0], create: () => (value) => DOUBLE.test(value) }],
  ['required', { usage: 'required', arities: [0], create: () => (value) => value !== '' }],
  [
    'minlength',
    {
      usage: 'minlength(n)',
      arities: [1],
      create: ([n], bad) => {
        const min = lengthArgument(n, bad);
        return (value) => value.length >= min;
      },
    },
  ],
  [
    'maxlength',
    {
      usage: 'maxlength(n)',
      arities: [1],
      create: ([n], bad) => {
        const max = lengthArgument(n, bad);
        return (value) => value.length <= max;
      },
    },
  ],
  [
    'length',
    {
      usage: 'length(n) or length(min,max)',
      arities: [1, 2],
      create: (args, bad) => {
        const [min, max = min] = args.map((arg) => lengthArgument(arg, bad));
        if (min > max) bad(`its minimum ${min} is greater than its maximum ${max}`);
        return (value) => value.length >= min && value.length <= max;
      },
    },
  ],
  [
    'min',
    {
      usage: 'min(n)',
      arities: [1],
      create: ([n], bad) => {
        const min = integerArgument(n, bad);
        return (value) => {
          const number = parseInteger(value, INT64);
          return number !== undefined && number >= min;
        };
      },
    },
  ],
  [
    'max',
    {
      usage: 'max(n)',
      arities: [1],
      create: ([n], bad) => {
        const max = integerArgument(n, bad);
        return (value) => {
          const number = parseInteger(value, INT64);
          return number !== undefined && number <= max;
        };
      },
    },
  ],
  [
    'range',
    {
      usage: 'range(min,max)',
      arities: [2],
      create: (args, bad) => {
        const [min, max] = args.map((arg) => integerArgument(arg, bad));
        if (min > max) bad(`its minimum ${min} is greater than its maximum ${max}`);
        return (value) => {
          const number = parseInteger(value, INT64);
          return number !== undefined && number >= min && number <= max;
        };
      },
    },
  ],
  [
    'regex',
    {
      usage: 'regex(expr)',
      arities: [1],
      whole: true,
      create: ([expression], bad) => {
        if (expression === '') bad('its expression is empty');
        let pattern: RegExp;
        try {
          // ASP.NET matches case-insensitively; the anchors make the expression describe the whole value.
          pattern = new RegExp(`^(?:${expression})$`, 'i');
        } catch (error) {
          return bad(
            `'${expression}' is not a valid regular expression (${(error as Error).message})`,
            `Fix the expression; braces in it must be written '{{' and '}}', e.g. 'regex(^\\d{{3}}$)'.`,
          );
        }
        return (value) => pattern.test(value);
      },
    },
  ],
]);

function lengthArgument(text: string, bad: (problem: string) => never): number {
  if (!/^\d+$/.test(text)) bad(`'${text}' is not a non-negative whole number`);
  const number = Number(text);
  if (number > Number(INT32[1])) bad(`'${text}' is too large`);
  return number;
}

function integerArgument(text: string, bad: (problem: string) => never): bigint {
  if (!/^[+-]?\d+$/.test(text)) bad(`'${text}' is not a whole number`);
  const number = BigInt(text);
  if (number < INT64[0] || number > INT64[1]) bad(`'${text}' is outside the 64-bit integer range`);
  return number;
}

function createConstraint(parameter: string, name: string, args: string | undefined, fail: Fail): Constraint {
  const text = args === undefined ? name : `${name}(${args})`;
  if (name === '') {
    fail(
      `the parameter '${parameter}' has an empty constraint after ':'`,
      `Name a constraint, e.g. '{${parameter}:int}'.`,
    );
  }
  const spec = CONSTRAINTS.get(name.toLowerCase());
  if (!spec) {
    return fail(
      `the parameter '${parameter}' uses the unknown constraint '${name}'`,
      `Supported constraints: ${[...CONSTRAINTS.values()].map((s) => s.usage).join(', ')}.`,
    );
  }
  const bad = (problem: string, fix = `Write it as ${spec.usage}.`): never =>
    fail(`the constraint '${text}' on parameter '${parameter}' is invalid: ${problem}`, fix);

  let values: string[];
  if (args === undefined) values = [];
  else if (spec.whole) values = [args];
  else values = args.split(',').map((arg) => arg.trim());
  if (!spec.arities.includes(values.length)) {
    if (spec.arities.includes(0)) bad('it takes no arguments');
    bad(
      args === undefined
        ? 'it needs arguments'
        : `it takes ${spec.arities.join(' or ')} argument(s), not ${values.length}`,
    );
  }
  return { text, check: spec.create(values, bad) };
}

function isDecimal(value: string): boolean {
  const match = DECIMAL.exec(value);
  if (!match || (match[1] !== '' && match[3] !== '')) return false;
  const integerPart = match[2].replace(/,/g, '').split('.')[0];
  return BigInt(integerPart === '' ? '0' : integerPart) <= DECIMAL_MAX;
}

const DATE = /^(?:(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-/])(\d{1,2})\6(\d{4}|\d{2}))/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(?: ?([ap])m?)?/i;
const ZONE = /^(?:z|[+-](\d{2})(?::?(\d{2}))?)$/i;

/**
 * DateTime.TryParse with the invariant culture accepts a vast set of shapes; this covers the ones that occur in
 * URLs: ISO 8601 ('2016-12-31', '2016-12-31T07:32:00Z'), year-first with '/' or '.', invariant month-first
 * ('12/31/2016'), each with an optional time ('7:32pm', '19:32:05.123'), and a time on its own.
 */
function isDateTime(value: string): boolean {
  let rest = value.trim();
  const date = DATE.exec(rest);
  if (date) {
    const year = date[1] !== undefined ? Number(date[1]) : expandYear(date[8]);
    const month = Number(date[3] ?? date[5]);
    const day = Number(date[4] ?? date[7]);
    if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
    rest = rest.slice(date[0].length);
    if (rest === '') return true;
    const separator = /^(?:T|\s+)/i.exec(rest);
    if (!separator) return false;
    rest = rest.slice(separator[0].length);
  }
  const time = TIME.exec(rest);
  if (!time) return false;
  const hour = Number(time[1]);
  if (hour > (time[4] === undefined ? 23 : 12) || Number(time[2]) > 59 || Number(time[3] ?? 0) > 59) return false;
  rest = rest.slice(time[0].length).trim();
  if (rest === '') return true;
  const zone = ZONE.exec(rest);
  return zone !== null && Number(zone[1] ?? 0) <= 14 && Number(zone[2] ?? 0) <= 59;
}

function expandYear(text: string): number {
  const year = Number(text);
  // .NET's invariant calendar maps two-digit years onto 1950-2049.
  return text.length === 4 ? year : year < 50 ? 2000 + year : 1900 + year;
}

// ---------------------------------------------------------------------------------------------------------------
// Matching

function compileSegment(segment: Segment): SegmentMatcher {
  const { parts } = segment;
  const [first] = parts;
  if (parts.length > 1) return { kind: 'complex', parts };
  if (first.kind === 'literal') return { kind: 'literal', text: first.text };
  return first.catchAll ? { kind: 'catchAll', parameter: first } : { kind: 'parameter', parameter: first };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Kestrel leaves malformed percent-encoding as it is rather than rejecting the request.
    return segment;
  }
}

function satisfies(parameter: Parameter, value: string): boolean {
  return parameter.constraints.every((constraint) => constraint.check(value));
}

function matchSegments(matchers: readonly SegmentMatcher[], path: string): Record<string, string> | null {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const values: [string, string][] = [];

  for (let index = 0; index < matchers.length; index++) {
    const matcher = matchers[index];
    if (matcher.kind === 'catchAll') {
      const { parameter } = matcher;
      const rest = raw.slice(index).map(decodeSegment).join('/');
      if (rest !== '') {
        if (!satisfies(parameter, rest)) return null;
        values.push([parameter.name, rest]);
      } else if (parameter.defaultValue !== undefined) {
        values.push([parameter.name, parameter.defaultValue]);
      }
      return Object.fromEntries(values);
    }

    if (index >= raw.length) {
      if (matcher.kind !== 'parameter') return null;
      const { parameter } = matcher;
      if (parameter.defaultValue !== undefined) values.push([parameter.name, parameter.defaultValue]);
      else if (!parameter.optional) return null;
      continue;
    }

    // Matching the decoded text mirrors ASP.NET, whose request path is already decoded (except '/').
    const value = decodeSegment(raw[index]);
    // An empty segment ('orders//items') holds no literal and no parameter value.
    if (value === '') return null;
    switch (matcher.kind) {
      case 'literal':
        if (!equalsIgnoreCase(value, matcher.text)) return null;
        break;
      case 'parameter':
        if (!satisfies(matcher.parameter, value)) return null;
        values.push([matcher.parameter.name, value]);
        break;
      case 'complex': {
        const captured = matchComplex(matcher.parts, value);
        if (!captured) return null;
        values.push(...captured);
        break;
      }
    }
  }
  if (raw.length > matchers.length) return null;
  // fromEntries defines own properties, so a parameter named '__proto__' cannot reach the prototype.
  return Object.fromEntries(values);
}

function matchComplex(parts: readonly Part[], value: string): [string, string][] | null {
  const last = parts.length - 1;
  const tail = parts[last];
  let captured = matchComplexParts(parts, last, value);
  // '{name}.{ext?}': when no extension can be split off, the whole text is 'name', unless it ends with the period.
  if (!captured && tail.kind === 'parameter' && tail.optional) {
    const separator = (parts[last - 1] as Literal).text;
    if (equalsIgnoreCase(value.slice(-separator.length), separator)) return null;
    captured = matchComplexParts(parts, last - 2, value);
  }
  // Constraints are checked after the split, without trying another split, as ASP.NET does.
  if (!captured?.every(([parameter, text]) => satisfies(parameter, text))) return null;
  return captured.map(([parameter, text]) => [parameter.name, text]);
}

/**
 * ASP.NET Core's RoutePatternMatcher.MatchComplexSegmentCore: right to left, each literal is taken at its last
 * occurrence that leaves at least one character for the parameter after it, without backtracking. So
 * '{name}.{ext}' splits 'a.b.c' into 'a.b' and 'c', and no template can make matching backtrack exponentially.
 */
function matchComplexParts(parts: readonly Part[], lastPart: number, value: string): [Parameter, string][] | null {
  const captured: [Parameter, string][] = [];
  let end = value.length;
  let pending: Parameter | undefined;
  let lastLiteral: Literal | undefined;
  for (let index = lastPart; index >= 0; index--) {
    const part = parts[index];
    let newEnd = end;
    if (part.kind === 'parameter') {
      pending = part;
    } else {
      lastLiteral = part;
      const found = indexOfIgnoreCase(value, part.text, pending ? end - 1 : end);
      if (found < 0) return null;
      // A trailing literal must end the value: 'x.json' must not match 'x.jsonp'.
      if (index === lastPart && found + part.text.length !== value.length) return null;
      newEnd = found;
    }
    if (pending && ((lastLiteral && part.kind === 'literal') || index === 0)) {
      const start = lastLiteral && part.kind === 'literal' ? newEnd + lastLiteral.text.length : 0;
      if (start >= end) return null;
      captured.unshift([pending, value.slice(start, end)]);
      pending = undefined;
      lastLiteral = undefined;
    }
    end = newEnd;
  }
  // A leading literal must start the value: 'img-{id}' must not match 'ximg-3'.
  return end === 0 || parts[0].kind === 'parameter' ? captured : null;
}

/** The last index at which `literal` lies wholly before `before`, ignoring case as ASP.NET's OrdinalIgnoreCase. */
function indexOfIgnoreCase(value: string, literal: string, before: number): number {
  for (let start = before - literal.length; start >= 0; start--) {
    if (equalsIgnoreCase(value.slice(start, start + literal.length), literal)) return start;
  }
  return -1;
}

function equalsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // Per character, so that lengths never change the way whole-string case mapping can ('ß' -> 'SS').
    if (a[i] !== b[i] && a[i].toUpperCase() !== b[i].toUpperCase()) return false;
  }
  return true;
}

function precedenceDigit(segment: Segment): number {
  const [part] = segment.parts;
  if (segment.parts.length > 1) return 2;
  if (part.kind === 'literal') return 1;
  const digit = part.catchAll ? 5 : 3;
  return part.constraints.length > 0 ? digit - 1 : digit;
}
