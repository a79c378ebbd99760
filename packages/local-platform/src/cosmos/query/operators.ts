/**
 * The operators' semantics, which are Cosmos DB's rather than JavaScript's: an operand of the wrong kind makes the
 * result `undefined` (and a WHERE that is not `true` drops the row), never a coercion.
 *  - `=` is defined only between values of one kind (deep for arrays and objects); `!=`, `<`, `<=`, `>`, `>=` also
 *    give undefined between two arrays or two objects ("Equality and comparison operators" in the Cosmos docs).
 *  - AND, OR and NOT follow the three-valued truth tables of the "Logical operators" page; anything that is not a
 *    boolean counts as undefined there.
 *  - Arithmetic and bitwise operators need numbers (bitwise ones work on 32-bit integers, as in JavaScript); `||`
 *    needs two strings.
 */
import type { BinaryOperator } from './syntax';
import { compareStrings, deepEquals, kindOf } from './typeOrder';

export type ValueOperator = Exclude<BinaryOperator, 'AND' | 'OR'>;

export function applyBinary(operator: ValueOperator, left: unknown, right: unknown): unknown {
  switch (operator) {
    case '=':
      return equalsOperator(left, right);
    case '!=': {
      const order = comparable(left, right, true);
      return order === undefined ? undefined : !deepEquals(left, right);
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return relational(operator, left, right);
    case '||':
      return typeof left === 'string' && typeof right === 'string' ? left + right : undefined;
    default:
      return typeof left === 'number' && typeof right === 'number' ? arithmetic(operator, left, right) : undefined;
  }
}

export function equalsOperator(left: unknown, right: unknown): boolean | undefined {
  if (left === undefined || right === undefined) return undefined;
  if (kindOf(left) !== kindOf(right)) return undefined;
  return deepEquals(left, right);
}

function relational(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean | undefined {
  const order = comparable(left, right, false);
  if (order === undefined) return undefined;
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** The order of two primitives of one kind, or undefined when Cosmos does not compare them. */
function comparable(left: unknown, right: unknown, equalityOnly: boolean): number | undefined {
  const kind = kindOf(left);
  if (kind !== kindOf(right)) return undefined;
  switch (kind) {
    case 'null':
      return 0;
    case 'boolean':
      return left === right ? 0 : left ? 1 : -1;
    case 'number':
      return (left as number) < (right as number) ? -1 : (left as number) > (right as number) ? 1 : 0;
    case 'string':
      return equalityOnly ? (left === right ? 0 : 1) : compareStrings(left as string, right as string);
    default:
      return undefined;
  }
}

function arithmetic(operator: ValueOperator, left: number, right: number): number | undefined {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
    case '&':
      return left & right;
    case '|':
      return left | right;
    case '^':
      return left ^ right;
    case '<<':
      return left << right;
    case '>>':
      return left >> right;
    case '>>>':
      return left >>> right;
    default:
      return undefined;
  }
}

export function applyUnary(operator: '-' | '+' | '~' | 'NOT', operand: unknown): unknown {
  if (operator === 'NOT') return typeof operand === 'boolean' ? !operand : undefined;
  if (typeof operand !== 'number') return undefined;
  return operator === '-' ? -operand : operator === '~' ? ~operand : operand;
}

/** AND's truth table: `false AND x` is false whatever x is; otherwise any non-boolean makes it undefined. */
export function logicalAnd(left: unknown, right: unknown): boolean | undefined {
  if (left === false || right === false) return false;
  return left === true && right === true ? true : undefined;
}

/** OR's truth table: `true OR x` is true whatever x is; otherwise any non-boolean makes it undefined. */
export function logicalOr(left: unknown, right: unknown): boolean | undefined {
  if (left === true || right === true) return true;
  return left === false && right === false ? false : undefined;
}
