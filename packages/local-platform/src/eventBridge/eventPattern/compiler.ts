// Parses and validates an event pattern the way event-ruler's JsonRuleCompiler does (same checks, same order, same
// messages), producing its "sub-rules": each $or alternative becomes a separate branch, a map from the dotted field
// path (nested objects joined with ".") to the OR-list of tests for that field. A later occurrence of a path replaces
// an earlier one, as in event-ruler.

import { parseCidr, singleAddressRange, looksLikeIpAddress } from './cidr';
import { InvalidEventPatternError, PatternArgumentError } from './errors';
import { caseAlternatives } from './ignoreCase';
import { JsonPullParser, type JsonToken } from './jsonPullParser';
import {
  checkedComparableNumber,
  greaterThan,
  greaterThanOrEqualTo,
  lessThan,
  lessThanOrEqualTo,
  numericRange,
  type NumericRange,
} from './numeric';
import { RuleCombinations } from './ruleCombinations';
import * as match from './valueMatchers';
import type { ValueMatcher } from './valueMatchers';
import { parseWildcard, type Wildcard } from './wildcard';

/** The tests of one field: it matches when absent (if `absent`) or when a value passes one of the matchers. */
export interface FieldPatterns {
  readonly absent: boolean;
  readonly matchers: readonly ValueMatcher[];
}

/** One alternative of the pattern: every field must match. */
export type Branch = Map<string, FieldPatterns>;

const OR = '$or';
const EQUALS_IGNORE_CASE = 'equals-ignore-case';

/** Names that may not be field names inside $or (event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  EQUALS_IGNORE_CASE,
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const isNumber = (token: JsonToken | null): boolean => token === 'VALUE_NUMBER_INT' || token === 'VALUE_NUMBER_FLOAT';

/** Compiles pattern JSON text into its branches; throws InvalidEventPatternError. */
export function compileBranches(text: string): Branch[] {
  try {
    const parser = new JsonPullParser(text);
    const branches: Branch[] = [];
    if (parser.nextToken() !== 'START_OBJECT') parser.fail('Filter is not an object');
    parseObject(branches, [], parser, false, new RuleCombinations());
    return branches;
  } catch (e) {
    if (e instanceof PatternArgumentError) throw new InvalidEventPatternError(e.message);
    throw e;
  }
}

function parseObject(
  branches: Branch[],
  path: string[],
  parser: JsonPullParser,
  insideOr: boolean,
  combinations: RuleCombinations,
): void {
  let fieldsPresent = false;
  while (parser.nextToken() !== 'END_OBJECT') {
    fieldsPresent = true;
    const stepName = parser.currentName();
    if (stepName === OR) {
      parseOr(branches, path, parser, combinations);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(stepName)) {
      parser.fail(`${stepName} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    switch (parser.nextToken()) {
      case 'START_OBJECT':
        path.push(stepName);
        parseObject(branches, path, parser, insideOr, combinations);
        path.pop();
        break;
      case 'START_ARRAY':
        writeField(branches, extendedName(path, stepName), parser);
        break;
      default:
        parser.fail(`"${stepName}" must be an object or an array`);
    }
  }
  if (!fieldsPresent) parser.fail('Empty objects are not allowed');
}

/** event-ruler's Path.extendedName: a step under an empty base path is not prefixed with '.'. */
function extendedName(path: readonly string[], step: string): string {
  const base = path.join('.');
  return base === '' ? step : `${base}.${step}`;
}

/**
 * `"$or": [ {...}, {...} ]`: each object extends a copy of the branches built so far. The rule combinations are
 * counted before each copy is made, so that a pattern over the cap is rejected before its branches multiply.
 */
function parseOr(branches: Branch[], path: string[], parser: JsonPullParser, combinations: RuleCombinations): void {
  const before = branches.map((b) => new Map(b));
  branches.length = 0;
  if (parser.nextToken() !== 'START_ARRAY') parser.fail(`It must be an Array followed with ${OR}.`);
  const orArray = combinations.open(path.join('.'));
  let count = 0;
  let token: JsonToken | null;
  while ((token = parser.nextToken()) !== 'END_ARRAY') {
    count++;
    if (token !== 'START_OBJECT') parser.fail(`Only JSON object is allowed in array of ${OR} relationship.`);
    combinations.addAlternative(orArray);
    const alternative = before.map((b) => new Map(b));
    if (alternative.length === 0) alternative.push(new Map());
    parseObject(alternative, path, parser, true, combinations);
    branches.push(...alternative);
  }
  combinations.close(orArray);
  if (count < 2) parser.fail(`There must have at least 2 Objects in ${OR} relationship.`);
}

/** A field's value list `[ ... ]`, whose START_ARRAY has been read. */
function writeField(branches: Branch[], name: string, parser: JsonPullParser): void {
  const matchers: ValueMatcher[] = [];
  let absent = false;
  let count = 0;
  let token: JsonToken | null;
  while ((token = parser.nextToken()) !== 'END_ARRAY') {
    count++;
    switch (token) {
      case 'START_OBJECT': {
        const expression = processMatchExpression(parser);
        if (expression === 'absent') absent = true;
        else matchers.push(expression);
        break;
      }
      case 'VALUE_STRING': {
        const text = parser.getText();
        const ip = looksLikeIpAddress(text) ? singleAddressRange(text) : undefined;
        matchers.push(ip ? match.ipAddress(ip) : match.exactString(text));
        break;
      }
      case 'VALUE_NUMBER_INT':
      case 'VALUE_NUMBER_FLOAT':
        matchers.push(match.exactNumber(Number(parser.getText())));
        break;
      case 'VALUE_TRUE':
        matchers.push(match.exactLiteral(true));
        break;
      case 'VALUE_FALSE':
        matchers.push(match.exactLiteral(false));
        break;
      case 'VALUE_NULL':
        matchers.push(match.exactLiteral(null));
        break;
      default:
        parser.fail('Match value must be String, number, true, false, or null');
    }
  }
  if (count === 0) parser.fail('Empty arrays are not allowed');
  if (branches.length === 0) branches.push(new Map());
  const field: FieldPatterns = { absent, matchers };
  for (const branch of branches) branch.set(name, field);
}

/** `{ "operator": operand }` inside a value list, whose START_OBJECT has been read. */
function processMatchExpression(parser: JsonPullParser): ValueMatcher | 'absent' {
  if (parser.nextToken() !== 'FIELD_NAME') parser.fail('Match expression name not found');
  const operator = parser.currentName();
  switch (operator) {
    case 'exactly':
      return singleString(parser, 'exact match pattern must be a string', match.exactString);
    case 'prefix':
      return parser.nextToken() === 'START_OBJECT'
        ? processIgnoreCaseModifier(parser, 'Prefix', (t) => match.prefixIgnoreCase(caseAlternatives(`"${t}`)))
        : stringOperand(parser, 'prefix match pattern must be a string', match.prefix);
    case 'suffix':
      return parser.nextToken() === 'START_OBJECT'
        ? processIgnoreCaseModifier(parser, 'Suffix', (t) => match.suffixIgnoreCase(caseAlternatives(`${t}"`)))
        : stringOperand(parser, 'suffix match pattern must be a string', match.suffix);
    case 'numeric': {
      if (parser.nextToken() !== 'START_ARRAY') parser.fail('Value of numeric must be an array.');
      const matcher = processNumericExpression(parser);
      if (parser.nextToken() !== 'END_OBJECT') tooManyElements(parser);
      return matcher;
    }
    case 'anything-but':
      return processAnythingBut(parser);
    case 'exists':
      return processExists(parser);
    case 'cidr': {
      // event-ruler's message for a non-string operand here really is the prefix one.
      if (parser.nextToken() !== 'VALUE_STRING') parser.fail('prefix match pattern must be a string');
      const range = parseCidr(parser.getText());
      if (parser.nextToken() !== 'END_OBJECT') parser.fail('Only one key allowed in match expression');
      return match.cidr(range);
    }
    case EQUALS_IGNORE_CASE:
      return singleString(parser, 'equals-ignore-case match pattern must be a string', (t) =>
        match.equalsIgnoreCase(caseAlternatives(`"${t}"`)),
      );
    case 'wildcard':
      return singleString(parser, 'wildcard match pattern must be a string', (t) =>
        match.wildcard(t, checkedWildcard(parser, t)),
      );
    default:
      return parser.fail(`Unrecognized match type ${operator}`);
  }
}

/** Reads the operand token, which must be a string, then the end of the expression. */
function singleString(parser: JsonPullParser, problem: string, make: (text: string) => ValueMatcher): ValueMatcher {
  parser.nextToken();
  return stringOperand(parser, problem, make);
}

/** The operand token has been read: it must be a string, and the expression must end after it. */
function stringOperand(parser: JsonPullParser, problem: string, make: (text: string) => ValueMatcher): ValueMatcher {
  if (!isCurrent(parser, 'VALUE_STRING')) parser.fail(problem);
  const matcher = make(parser.getText());
  if (parser.nextToken() !== 'END_OBJECT') parser.fail('Only one key allowed in match expression');
  return matcher;
}

/** `{"prefix": {"equals-ignore-case": "..."}}` (and suffix), the inner START_OBJECT read. */
function processIgnoreCaseModifier(
  parser: JsonPullParser,
  which: 'Prefix' | 'Suffix',
  make: (text: string) => ValueMatcher,
): ValueMatcher {
  if (parser.nextToken() !== 'FIELD_NAME') parser.fail(`${which} expression name not found`);
  const modifier = parser.currentName();
  if (modifier !== EQUALS_IGNORE_CASE) parser.fail(`Unsupported ${which.toLowerCase()} pattern: ${modifier}`);
  if (parser.nextToken() !== 'VALUE_STRING') parser.fail('equals-ignore-case match pattern must be a string');
  const matcher = make(parser.getText());
  if (parser.nextToken() !== 'END_OBJECT') parser.fail('Only one key allowed in match expression');
  if (parser.nextToken() !== 'END_OBJECT') parser.fail('Only one key allowed in match expression');
  return matcher;
}

function processExists(parser: JsonPullParser): ValueMatcher | 'absent' {
  const token = parser.nextToken();
  if (token !== 'VALUE_TRUE' && token !== 'VALUE_FALSE') {
    parser.fail('exists match pattern must be either true or false.');
  }
  if (parser.nextToken() !== 'END_OBJECT') parser.fail('Only one key allowed in match expression');
  return token === 'VALUE_TRUE' ? match.exists() : 'absent';
}

type AnythingButKind = 'values' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

function processAnythingBut(parser: JsonPullParser): ValueMatcher {
  let kind: AnythingButKind = 'values';
  let token = parser.nextToken();
  if (token === 'START_OBJECT') {
    if (parser.nextToken() !== 'FIELD_NAME') parser.fail('Anything-But expression name not found');
    const modifier = parser.currentName();
    if (modifier !== EQUALS_IGNORE_CASE && modifier !== 'prefix' && modifier !== 'suffix' && modifier !== 'wildcard') {
      parser.fail(`Unsupported anything-but pattern: ${modifier}`);
    }
    kind = modifier;
    token = parser.nextToken();
  }
  if (token !== 'START_ARRAY' && token !== 'VALUE_STRING' && !isNumber(token)) {
    parser.fail('Value of anything-but must be an array or single string/number value.');
  }
  let matcher: ValueMatcher;
  if (kind === 'values') {
    matcher = token === 'START_ARRAY' ? anythingButList(parser) : anythingButSingle(parser, token);
  } else {
    const values = token === 'START_ARRAY' ? anythingButStringList(parser, kind) : [anythingButString(parser, kind)];
    matcher = anythingButOf(parser, kind, values);
  }
  if (parser.nextToken() !== 'END_OBJECT') tooManyElements(parser);
  if (kind !== 'values' && parser.nextToken() !== 'END_OBJECT') tooManyElements(parser);
  return matcher;
}

function anythingButSingle(parser: JsonPullParser, token: JsonToken | null): ValueMatcher {
  if (token === 'VALUE_STRING') return match.anythingButStrings([parser.getText()]);
  // Not wrapped by event-ruler: an out-of-range number is reported without a location.
  return match.anythingButNumbers([checkedComparableNumber(Number(parser.getText()))]);
}

/**
 * Runs `body`, reporting its failures the way event-ruler's anything-but list readers do: they catch the parse
 * exception they raised themselves and raise it again with its message, which already ends with a location, so the
 * reason carries the location twice.
 */
function rethrowingWithLocation<T>(parser: JsonPullParser, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof InvalidEventPatternError) parser.fail(e.reason);
    if (e instanceof PatternArgumentError) parser.fail(e.message);
    throw e;
  }
}

function anythingButList(parser: JsonPullParser): ValueMatcher {
  const strings: string[] = [];
  const numbers: number[] = [];
  rethrowingWithLocation(parser, () => {
    let token: JsonToken | null;
    while ((token = parser.nextToken()) !== 'END_ARRAY') {
      if (token === 'VALUE_STRING') strings.push(parser.getText());
      else if (isNumber(token)) numbers.push(checkedComparableNumber(Number(parser.getText())));
      else parser.fail('Inside anything but list, start|null|boolean is not supported.');
    }
  });
  if (strings.length > 0 === numbers.length > 0) {
    parser.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return strings.length > 0 ? match.anythingButStrings(strings) : match.anythingButNumbers(numbers);
}

function anythingButTypeProblem(kind: AnythingButKind): string {
  if (kind === EQUALS_IGNORE_CASE) {
    return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
  }
  return kind === 'wildcard'
    ? 'wildcard match pattern must be a string'
    : 'prefix/suffix match pattern must be a string';
}

/** The current token is the single operand of anything-but's prefix/suffix/equals-ignore-case/wildcard. */
function anythingButString(parser: JsonPullParser, kind: AnythingButKind): string {
  if (!isCurrent(parser, 'VALUE_STRING')) parser.fail(anythingButTypeProblem(kind));
  const text = parser.getText();
  if ((kind === 'prefix' || kind === 'suffix') && text === '') parser.fail('Null prefix/suffix not allowed');
  return text;
}

function anythingButStringList(parser: JsonPullParser, kind: AnythingButKind): string[] {
  const values: string[] = [];
  rethrowingWithLocation(parser, () => {
    while (parser.nextToken() !== 'END_ARRAY') values.push(anythingButString(parser, kind));
  });
  return values;
}

function anythingButOf(parser: JsonPullParser, kind: AnythingButKind, values: string[]): ValueMatcher {
  // An empty list is accepted by the compiler, but event-ruler then fails on every value it sees: nothing matches.
  if (values.length === 0) return match.nothing(`anything-but-${kind}`);
  switch (kind) {
    case 'prefix':
      return match.anythingButPrefix(values);
    case 'suffix':
      return match.anythingButSuffix(values);
    case EQUALS_IGNORE_CASE:
      return match.anythingButIgnoreCase(values.map((v) => caseAlternatives(`"${v}"`)));
    default:
      return match.anythingButWildcard(
        values,
        values.map((v) => checkedWildcard(parser, v)),
      );
  }
}

function checkedWildcard(parser: JsonPullParser, text: string): Wildcard {
  try {
    return parseWildcard(text);
  } catch (e) {
    if (e instanceof PatternArgumentError) parser.fail(e.message);
    throw e;
  }
}

/** `"numeric": [ op, n (, op, n) ]`, the START_ARRAY read. */
function processNumericExpression(parser: JsonPullParser): ValueMatcher {
  let token = parser.nextToken();
  if (token !== 'VALUE_STRING') parser.fail(`Invalid member in numeric match: ${parser.getText()}`);
  const operator = parser.getText();
  token = parser.nextToken();
  try {
    switch (operator) {
      case '=': {
        if (!isNumber(token)) parser.fail('Value of equals must be numeric');
        const value = Number(parser.getText());
        if (parser.nextToken() !== 'END_ARRAY') tooManyElements(parser);
        return match.numericEquals(checkedComparableNumber(value));
      }
      case '>=':
      case '>': {
        if (!isNumber(token)) parser.fail(`Value of ${operator} must be numeric`);
        const bottom = Number(parser.getText());
        token = parser.nextToken();
        if (token === 'END_ARRAY') {
          return match.numericRange(operator === '>' ? greaterThan(bottom) : greaterThanOrEqualTo(bottom));
        }
        return match.numericRange(completeNumericRange(parser, token, bottom, operator === '>'));
      }
      case '<=':
      case '<': {
        if (!isNumber(token)) parser.fail(`Value of ${operator} must be numeric`);
        const top = Number(parser.getText());
        if (parser.nextToken() !== 'END_ARRAY') tooManyElements(parser);
        return match.numericRange(operator === '<' ? lessThan(top) : lessThanOrEqualTo(top));
      }
      default:
        return parser.fail(`Unrecognized numeric range operator: ${operator}`);
    }
  } catch (e) {
    if (e instanceof PatternArgumentError) parser.fail(e.message);
    throw e;
  }
}

function completeNumericRange(
  parser: JsonPullParser,
  token: JsonToken | null,
  bottom: number,
  openBottom: boolean,
): NumericRange {
  if (token !== 'VALUE_STRING') parser.fail(`Bad value in numeric range: ${parser.getText()}`);
  const operator = parser.getText();
  if (operator !== '<' && operator !== '<=') parser.fail(`Bad numeric range operator: ${operator}`);
  if (!isNumber(parser.nextToken())) parser.fail(`Value of ${operator} must be numeric`);
  const top = Number(parser.getText());
  if (parser.nextToken() !== 'END_ARRAY') parser.fail('Too many terms in numeric range expression');
  return numericRange(bottom, openBottom, top, operator === '<');
}

function tooManyElements(parser: JsonPullParser): never {
  return parser.fail('Too many elements in numeric expression');
}

function isCurrent(parser: JsonPullParser, token: JsonToken): boolean {
  return parser.currentToken() === token;
}
