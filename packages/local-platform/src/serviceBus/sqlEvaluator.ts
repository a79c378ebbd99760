import { randomUUID } from 'node:crypto';
import { Expr, FilterMessage, PropertyRef, SqlValue, SYSTEM_PROPERTY_BY_LOWER } from './sqlAst';

/**
 * Evaluates a parsed filter with SQL three-valued logic, as the Service Bus docs define it: a missing
 * application property is "unknown" (here `undefined`), unknown propagates through comparisons, arithmetic and
 * LIKE, and AND/OR follow the truth tables. Operands whose types C# would not compare or combine (a string
 * against a number, say) also give unknown, so a filter never throws while messages flow.
 */
type Value = SqlValue | undefined;
type Truth = boolean | undefined;

function lookupUser(props: Record<string, SqlValue>, name: string): { found: boolean; value: Value } {
  if (Object.prototype.hasOwnProperty.call(props, name)) return { found: true, value: props[name] };
  // Property names are case-insensitive in filters; an exact match wins when two names differ only in case.
  const lower = name.toLowerCase();
  for (const key of Object.keys(props)) if (key.toLowerCase() === lower) return { found: true, value: props[key] };
  return { found: false, value: undefined };
}

function readProperty(ref: PropertyRef, m: FilterMessage): Value {
  if (ref.scope === 'sys') return m.system[ref.name as keyof FilterMessage['system']] ?? null;
  return lookupUser(m.properties, ref.name).value;
}

function exists(ref: PropertyRef, m: FilterMessage): boolean {
  if (ref.scope === 'sys') {
    const v = m.system[ref.name as keyof FilterMessage['system']];
    return v !== undefined && v !== null;
  }
  return lookupUser(m.properties, ref.name).found;
}

const isNumber = (v: Value): v is number => typeof v === 'number';

/** `=` semantics shared by comparisons and IN: same-kind values only, dates by instant. */
function equals(a: SqlValue, b: SqlValue): Truth {
  if (a === null || b === null) return undefined;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== typeof b || a instanceof Date || b instanceof Date) return undefined;
  return a === b;
}

function compare(op: string, a: Value, b: Value): Truth {
  if (a === undefined || b === undefined || a === null || b === null) return undefined;
  if (op === '=') return equals(a, b);
  if (op === '<>') {
    const eq = equals(a, b);
    return eq === undefined ? undefined : !eq;
  }
  let x: number;
  let y: number;
  if (isNumber(a) && isNumber(b)) [x, y] = [a, b];
  else if (a instanceof Date && b instanceof Date) [x, y] = [a.getTime(), b.getTime()];
  else return undefined; // C# has no ordering of strings or booleans through < and >.
  switch (op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    default:
      return x <= y;
  }
}

function text(v: SqlValue): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Whether an expression is typed as a double by its literals (`7.0`), whatever its runtime value. */
function isDoubleTyped(e: Expr): boolean {
  if (e.type === 'literal') return typeof e.value === 'number' && !e.integer;
  if (e.type === 'arithmetic') return isDoubleTyped(e.left) || isDoubleTyped(e.right);
  if (e.type === 'unary') return isDoubleTyped(e.operand);
  return false;
}

function arithmetic(e: Extract<Expr, { type: 'arithmetic' }>, a: Value, b: Value): Value {
  const op = e.op;
  if (a === undefined || b === undefined || a === null || b === null) return undefined;
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return text(a) + text(b);
  if (!isNumber(a) || !isNumber(b)) return undefined;
  // Integer operands follow Int64 semantics (truncating division, division by zero is an error → unknown).
  const integers = Number.isInteger(a) && Number.isInteger(b) && !isDoubleTyped(e);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (integers) return b === 0 ? undefined : Math.trunc(a / b);
      return a / b;
    default:
      if (integers && b === 0) return undefined;
      return a % b;
  }
}

const likeCache = new Map<string, RegExp>();

function likeRegex(pattern: string, escape: string | undefined): RegExp {
  const key = `${escape ?? ''}\u0000${pattern}`;
  let re = likeCache.get(key);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (escape !== undefined && c === escape && i + 1 < pattern.length) {
        source += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      } else if (c === '%') source += '.*';
      else if (c === '_') source += '.';
      else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, 's');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(key, re);
  }
  return re;
}

export function evaluateValue(e: Expr, m: FilterMessage): Value {
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'property':
      return readProperty(e, m);
    case 'newid':
      return randomUUID();
    case 'propertyFn': {
      const name = evaluateValue(e.name, m);
      if (typeof name !== 'string') return undefined;
      const dot = name.indexOf('.');
      const scope = dot > 0 ? name.slice(0, dot).toLowerCase() : '';
      if (scope === 'sys') {
        const canonical = SYSTEM_PROPERTY_BY_LOWER.get(name.slice(dot + 1).toLowerCase());
        return canonical ? readProperty({ type: 'property', scope: 'sys', name: canonical, pos: e.pos }, m) : undefined;
      }
      return lookupUser(m.properties, scope === 'user' ? name.slice(dot + 1) : name).value;
    }
    case 'unary': {
      const v = evaluateValue(e.operand, m);
      if (!isNumber(v)) return undefined;
      return e.op === '-' ? -v : v;
    }
    case 'arithmetic':
      return arithmetic(e, evaluateValue(e.left, m), evaluateValue(e.right, m));
    default:
      return evaluateCondition(e, m);
  }
}

export function evaluateCondition(e: Expr, m: FilterMessage): Truth {
  switch (e.type) {
    case 'literal':
      return typeof e.value === 'boolean' ? e.value : undefined;
    case 'compare':
      return compare(e.op, evaluateValue(e.left, m), evaluateValue(e.right, m));
    case 'and': {
      const l = evaluateCondition(e.left, m);
      if (l === false) return false;
      const r = evaluateCondition(e.right, m);
      if (r === false) return false;
      return l === true && r === true ? true : undefined;
    }
    case 'or': {
      const l = evaluateCondition(e.left, m);
      if (l === true) return true;
      const r = evaluateCondition(e.right, m);
      if (r === true) return true;
      return l === false && r === false ? false : undefined;
    }
    case 'not': {
      const v = evaluateCondition(e.operand, m);
      return v === undefined ? undefined : !v;
    }
    case 'isNull': {
      const v = evaluateValue(e.operand, m);
      const isNull = v === undefined || v === null;
      return e.negated ? !isNull : isNull;
    }
    case 'exists':
      return exists(e.property, m);
    case 'in': {
      const v = evaluateValue(e.operand, m);
      if (v === undefined || v === null) return undefined;
      const found = e.list.some((item) => {
        const x = evaluateValue(item, m);
        return x !== undefined && equals(v, x) === true;
      });
      return e.negated ? !found : found;
    }
    case 'like': {
      const v = evaluateValue(e.operand, m);
      const pattern = evaluateValue(e.pattern, m);
      const escape = e.escape ? evaluateValue(e.escape, m) : undefined;
      if (typeof v !== 'string' || typeof pattern !== 'string') return undefined;
      if (e.escape && (typeof escape !== 'string' || escape.length !== 1)) return undefined;
      const matched = likeRegex(pattern, escape as string | undefined).test(v);
      return e.negated ? !matched : matched;
    }
    default: {
      const v = evaluateValue(e, m);
      return typeof v === 'boolean' ? v : undefined;
    }
  }
}
