/**
 * Turns expressions into closures once per query, so that evaluating a document is calls and property reads, never
 * a walk over the syntax tree. Compiling is also where Cosmos' semantic refusals surface: unknown identifiers,
 * parameters and functions, wrong argument counts, aggregates where they are not allowed, and (in a grouped SELECT)
 * references to anything that is neither grouped nor aggregated.
 *
 * An evaluator reads a "frame": the values of the FROM aliases by slot when it evaluates a row, or the group's key
 * values followed by its aggregate results when it evaluates a grouped SELECT.
 */
import { type AggregateName, aggregateName } from './aggregates';
import { findBuiltinFunction, isKnownButNotImplemented } from './builtinFunctions';
import { expressionText } from './expressionText';
import type { QueryClock } from './functionDefinition';
import { likeToRegExp } from './likePattern';
import { type ValueOperator, applyBinary, applyUnary, logicalAnd } from './operators';
import {
  aggregateNotAllowed,
  nestedAggregate,
  notGroupedInSelect,
  subqueryInGroupedSelect,
  undefinedParameter,
  unknownFunction,
  unresolvedIdentifier,
  unsupportedLocally,
  wrongArgumentCount,
} from './queryErrors';
import type { BinaryOperator, Expression, QuerySyntax } from './syntax';
import { deepEquals, isJsonObject } from './typeOrder';

export type Frame = readonly unknown[];
export type Evaluator = (frame: Frame) => unknown;

/**
 * How a compilation treats aggregate calls: refuse them (naming the clause), refuse them as nested in another
 * aggregate's argument, or hand them to the grouping, which answers where the result will be in the group frame.
 */
export type AggregatePolicy =
  | { readonly kind: 'refuse'; readonly place: string }
  | { readonly kind: 'nested' }
  | { readonly kind: 'collect'; readonly register: (name: AggregateName, argument: Expression) => number };

/**
 * Plans a correlated subquery that sees `aliases` (slots below `slotCount`) and returns what runs it for one row
 * frame of the enclosing query. Supplied by the query planner, which itself compiles expressions.
 */
export type SubqueryCompiler = (
  query: QuerySyntax,
  aliases: ReadonlyMap<string, number>,
  slotCount: number,
) => (frame: Frame) => unknown[];

export interface CompileEnvironment {
  /** FROM aliases (this query's and its enclosing queries') and their slots in a row frame. */
  readonly aliases: ReadonlyMap<string, number>;
  readonly slotCount: number;
  readonly subqueries: SubqueryCompiler;
  readonly parameters: ReadonlyMap<string, unknown>;
  readonly clock: QueryClock;
  readonly aggregates: AggregatePolicy;
  /**
   * In a grouped SELECT: the frame index of each GROUP BY expression by its canonical text. Anything else that
   * reads the row is refused.
   */
  readonly groupKeys?: ReadonlyMap<string, number>;
}

/** Names every JavaScript object inherits; a document's own property of that name must be read with care. */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

export function propertyOf(value: unknown, name: string): unknown {
  if (!isJsonObject(value)) return undefined;
  return INHERITED_NAMES.has(name) && !Object.prototype.hasOwnProperty.call(value, name) ? undefined : value[name];
}

/** Sets a property of a result object; `__proto__` must become a property, as JSON has it, not the prototype. */
export function assignProperty(object: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  else object[name] = value;
}

export function elementOf(value: unknown, index: unknown): unknown {
  if (Array.isArray(value)) {
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? value[index] : undefined;
  }
  return typeof index === 'string' ? propertyOf(value, index) : undefined;
}

export function compileExpression(expression: Expression, env: CompileEnvironment): Evaluator {
  if (env.groupKeys !== undefined) {
    const keyIndex = env.groupKeys.get(expressionText(expression));
    if (keyIndex !== undefined) return (frame) => frame[keyIndex];
    if (isRowReference(expression)) throw notGroupedInSelect(expressionText(expression), expression.span);
  }
  switch (expression.kind) {
    case 'literal': {
      const value = expression.value;
      return () => value;
    }
    case 'parameter': {
      if (!env.parameters.has(expression.name)) throw undefinedParameter(expression.name, expression.span);
      const value = env.parameters.get(expression.name);
      return () => value;
    }
    case 'identifier': {
      const slot = env.aliases.get(expression.name);
      if (slot === undefined) throw unresolvedIdentifier(expression.name, expression.span);
      return (frame) => frame[slot];
    }
    case 'property':
      return compileProperty(expression.object, expression.name, env);
    case 'index': {
      const object = compileExpression(expression.object, env);
      const index = compileExpression(expression.index, env);
      return (frame) => elementOf(object(frame), index(frame));
    }
    case 'array': {
      const items = expression.items.map((item) => compileExpression(item, env));
      return (frame) => {
        const array: unknown[] = [];
        for (const item of items) {
          const value = item(frame);
          if (value !== undefined) array.push(value);
        }
        return array;
      };
    }
    case 'object': {
      const names = expression.properties.map((p) => p.name);
      const values = expression.properties.map((p) => compileExpression(p.value, env));
      return (frame) => {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) {
          const value = values[i](frame);
          if (value !== undefined) assignProperty(object, names[i], value);
        }
        return object;
      };
    }
    case 'unary': {
      const operand = compileExpression(expression.operand, env);
      const operator = expression.operator;
      return (frame) => applyUnary(operator, operand(frame));
    }
    case 'binary':
      return compileBinary(expression.operator, expression.left, expression.right, env);
    case 'in':
      return compileIn(expression, env);
    case 'like':
      return compileLike(expression, env);
    case 'between': {
      const value = compileExpression(expression.value, env);
      const low = compileExpression(expression.low, env);
      const high = compileExpression(expression.high, env);
      const negated = expression.negated;
      return (frame) => {
        const v = value(frame);
        const within = logicalAnd(applyBinary('>=', v, low(frame)), applyBinary('<=', v, high(frame)));
        return negated ? applyUnary('NOT', within) : within;
      };
    }
    case 'conditional': {
      const condition = compileExpression(expression.condition, env);
      const whenTrue = compileExpression(expression.whenTrue, env);
      const whenFalse = compileExpression(expression.whenFalse, env);
      return (frame) => (condition(frame) === true ? whenTrue(frame) : whenFalse(frame));
    }
    case 'coalesce': {
      const left = compileExpression(expression.left, env);
      const right = compileExpression(expression.right, env);
      return (frame) => {
        const value = left(frame);
        return value !== undefined ? value : right(frame);
      };
    }
    case 'call':
      return compileCall(expression, env);
    case 'subquery':
      return compileSubquery(expression, env);
  }
}

/** An identifier, or a property or element of one: what reads the row rather than computing. */
function isRowReference(expression: Expression): boolean {
  let current = expression;
  while (current.kind === 'property' || current.kind === 'index') current = current.object;
  return current.kind === 'identifier';
}

/** `c.a.b.c` reads one slot and walks names known at compile time, the common case of every WHERE and SELECT. */
function compileProperty(object: Expression, name: string, env: CompileEnvironment): Evaluator {
  const names = [name];
  let root = object;
  while (root.kind === 'property' && env.groupKeys === undefined) {
    names.unshift(root.name);
    root = root.object;
  }
  const safe = names.some((n) => INHERITED_NAMES.has(n));
  if (root.kind === 'identifier' && env.groupKeys === undefined && !safe) {
    const slot = env.aliases.get(root.name);
    if (slot === undefined) throw unresolvedIdentifier(root.name, root.span);
    if (names.length === 1) {
      const [first] = names;
      return (frame) => {
        const value = frame[slot];
        return isJsonObject(value) ? value[first] : undefined;
      };
    }
    return (frame) => {
      let value = frame[slot];
      for (const n of names) {
        if (!isJsonObject(value)) return undefined;
        value = value[n];
      }
      return value;
    };
  }
  const base = compileExpression(root, env);
  return (frame) => {
    let value = base(frame);
    for (const n of names) value = propertyOf(value, n);
    return value;
  };
}

function compileBinary(
  operator: BinaryOperator,
  leftExpression: Expression,
  rightExpression: Expression,
  env: CompileEnvironment,
): Evaluator {
  const left = compileExpression(leftExpression, env);
  const right = compileExpression(rightExpression, env);
  if (operator === 'AND') {
    return (frame) => {
      const l = left(frame);
      if (l === false) return false;
      const r = right(frame);
      if (r === false) return false;
      return l === true && r === true ? true : undefined;
    };
  }
  if (operator === 'OR') {
    return (frame) => {
      const l = left(frame);
      if (l === true) return true;
      const r = right(frame);
      if (r === true) return true;
      return l === false && r === false ? false : undefined;
    };
  }
  const valueOperator: ValueOperator = operator;
  if (rightExpression.kind === 'literal' || rightExpression.kind === 'parameter') {
    const constant = right(EMPTY_FRAME);
    if (
      operator === '=' &&
      (typeof constant === 'string' || typeof constant === 'number' || typeof constant === 'boolean')
    ) {
      // The commonest filter, `c.p = 'x'`: equal when identical, undefined when the kinds differ.
      const kind = typeof constant;
      return (frame) => {
        const l = left(frame);
        return l === constant ? true : typeof l === kind ? false : undefined;
      };
    }
    return (frame) => applyBinary(valueOperator, left(frame), constant);
  }
  return (frame) => applyBinary(valueOperator, left(frame), right(frame));
}

const EMPTY_FRAME: Frame = [];

function compileIn(expression: Expression & { kind: 'in' }, env: CompileEnvironment): Evaluator {
  const needle = compileExpression(expression.needle, env);
  const haystack = expression.haystack.map((item) => compileExpression(item, env));
  const negated = expression.negated;
  const constant = expression.haystack.every((item) => item.kind === 'literal' || item.kind === 'parameter');
  if (constant) {
    const values = haystack.map((item) => item(EMPTY_FRAME)).filter((value) => value !== undefined);
    const primitives = new Set(values.filter((value) => typeof value !== 'object' || value === null));
    const composites = values.filter((value) => typeof value === 'object' && value !== null);
    return (frame) => {
      const value = needle(frame);
      if (value === undefined) return undefined;
      const found =
        typeof value === 'object' && value !== null
          ? composites.some((candidate) => deepEquals(value, candidate))
          : primitives.has(value);
      return found !== negated;
    };
  }
  return (frame) => {
    const value = needle(frame);
    if (value === undefined) return undefined;
    const found = haystack.some((item) => deepEquals(value, item(frame)));
    return found !== negated;
  };
}

function compileLike(expression: Expression & { kind: 'like' }, env: CompileEnvironment): Evaluator {
  const value = compileExpression(expression.value, env);
  const pattern = compileExpression(expression.pattern, env);
  const { escape, negated } = expression;
  const matchWith = (regex: RegExp, text: unknown): boolean | undefined =>
    typeof text === 'string' ? regex.test(text) !== negated : undefined;
  if (expression.pattern.kind === 'literal' || expression.pattern.kind === 'parameter') {
    const constant = pattern(EMPTY_FRAME);
    if (typeof constant !== 'string') return () => undefined;
    const regex = likeToRegExp(constant, escape);
    return (frame) => matchWith(regex, value(frame));
  }
  return (frame) => {
    const p = pattern(frame);
    return typeof p === 'string' ? matchWith(likeToRegExp(p, escape), value(frame)) : undefined;
  };
}

/**
 * EXISTS is whether the subquery has a result (`SELECT VALUE undefined` has none), ARRAY is its results, and a scalar
 * subquery is its first result or undefined. In a grouped SELECT the row is gone, so there is nothing to correlate.
 */
function compileSubquery(expression: Expression & { kind: 'subquery' }, env: CompileEnvironment): Evaluator {
  if (env.groupKeys !== undefined) throw subqueryInGroupedSelect(expression.span);
  const results = env.subqueries(expression.query, env.aliases, env.slotCount);
  switch (expression.form) {
    case 'EXISTS':
      return (frame) => results(frame).length > 0;
    case 'ARRAY':
      return results;
    case 'scalar':
      return (frame) => results(frame)[0];
  }
}

function compileCall(expression: Expression & { kind: 'call' }, env: CompileEnvironment): Evaluator {
  const aggregate = aggregateName(expression.name);
  if (aggregate !== undefined) {
    if (expression.args.length !== 1) throw wrongArgumentCount(aggregate, 1, 1, expression.span);
    if (env.aggregates.kind === 'nested') throw nestedAggregate(expression.span);
    if (env.aggregates.kind === 'refuse') throw aggregateNotAllowed(aggregate, env.aggregates.place, expression.span);
    const index = env.aggregates.register(aggregate, expression.args[0]);
    return (frame) => frame[index];
  }
  if (expression.name.startsWith('udf.')) {
    throw unsupportedLocally(`The user-defined function ${expression.name}`, expression.span);
  }
  const fn = findBuiltinFunction(expression.name);
  if (fn === undefined) {
    if (isKnownButNotImplemented(expression.name)) {
      throw unsupportedLocally(`The system function ${expression.name.toUpperCase()}`, expression.span);
    }
    throw unknownFunction(expression.name, expression.span);
  }
  if (expression.args.length < fn.minArgs || expression.args.length > fn.maxArgs) {
    throw wrongArgumentCount(fn.name, fn.minArgs, fn.maxArgs, expression.span);
  }
  const args = expression.args.map((arg) => compileExpression(arg, env));
  const clock = env.clock;
  const evaluate = fn.evaluate;
  return (frame) => {
    const values = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) values[i] = args[i](frame);
    return evaluate(values, clock);
  };
}
