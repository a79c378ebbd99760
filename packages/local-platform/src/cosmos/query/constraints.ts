/**
 * Derives, from the WHERE clause, conditions that every result's document satisfies, for storage to narrow the
 * candidates (id or partition-key lookups, index ranges). Only what is provably implied is stated:
 *  - only conjuncts of the top-level AND chain (a condition under OR or NOT implies nothing on its own);
 *  - only paths of the FROM source's own document (not JOIN or IN variables, not computed expressions), and only
 *    through property names (an array position would be ambiguous as a path);
 *  - only comparisons with a literal or parameter: `=`, `IN` and `ARRAY_CONTAINS(@list, c.p)` (the usual way to
 *    pass a list of ids) with null, boolean, number or string values give `equals`; `<`, `<=`, `>`, `>=` and
 *    `BETWEEN` with a number or a string give `range` (Cosmos never compares across kinds, so `c.n > 5` also says
 *    c.n is a number).
 */
import type { JsonValue, PathConstraint } from './contract';
import type { Expression, FromSource } from './syntax';

type Bound = { value: number | string; inclusive: boolean };
type RangeConstraint = Extract<PathConstraint, { kind: 'range' }>;

const FLIPPED: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

export function extractConstraints(
  where: Expression | undefined,
  from: readonly FromSource[],
  parameters: ReadonlyMap<string, unknown>,
): PathConstraint[] {
  const source = from[0];
  if (where === undefined || source === undefined || source.iterate || source.alias === undefined) return [];
  const collection = source.collection;
  if (collection.kind !== 'path') return [];
  if (!collection.path.every((step): step is string => typeof step === 'string')) return [];
  const extractor = new ConstraintExtractor(source.alias, collection.path as string[], parameters);
  for (const conjunct of conjuncts(where)) extractor.add(conjunct);
  return extractor.constraints();
}

function conjuncts(expression: Expression): Expression[] {
  if (expression.kind === 'binary' && expression.operator === 'AND') {
    return [...conjuncts(expression.left), ...conjuncts(expression.right)];
  }
  return [expression];
}

class ConstraintExtractor {
  private readonly equalities: PathConstraint[] = [];
  private readonly ranges = new Map<string, RangeConstraint>();

  constructor(
    private readonly alias: string,
    private readonly prefix: readonly string[],
    private readonly parameters: ReadonlyMap<string, unknown>,
  ) {}

  add(condition: Expression): void {
    if (condition.kind === 'binary') this.addComparison(condition.operator, condition.left, condition.right);
    else if (condition.kind === 'in' && !condition.negated) this.addIn(condition.needle, condition.haystack);
    else if (condition.kind === 'between' && !condition.negated) this.addBetween(condition);
    else if (condition.kind === 'call' && condition.name.toUpperCase() === 'ARRAY_CONTAINS')
      this.addArrayContains(condition);
  }

  constraints(): PathConstraint[] {
    return [...this.equalities, ...this.ranges.values()];
  }

  private addComparison(operator: string, left: Expression, right: Expression): void {
    const leftPath = this.pathOf(left);
    const [path, other, op] = leftPath ? [leftPath, right, operator] : [this.pathOf(right), left, FLIPPED[operator]];
    if (path === undefined || op === undefined) return;
    const value = this.constantOf(other);
    if (op === '=') {
      if (isScalar(value)) this.equalities.push({ path, kind: 'equals', values: [value] });
      return;
    }
    if (!isRangeBound(value)) return;
    if (op === '>' || op === '>=') this.narrow(path, { value, inclusive: op === '>=' }, undefined);
    else if (op === '<' || op === '<=') this.narrow(path, undefined, { value, inclusive: op === '<=' });
  }

  private addIn(needle: Expression, haystack: readonly Expression[]): void {
    const path = this.pathOf(needle);
    if (path === undefined) return;
    const values: JsonValue[] = [];
    for (const item of haystack) {
      const value = this.constantOf(item);
      // An undefined item never matches and can be dropped; anything else non-scalar makes the set unusable.
      if (value === undefined && (item.kind === 'literal' || item.kind === 'parameter')) continue;
      if (!isScalar(value)) return;
      values.push(value);
    }
    this.equalities.push({ path, kind: 'equals', values });
  }

  /** `ARRAY_CONTAINS(list, c.p)` with a constant list of scalars and no partial match is `c.p IN (list...)`. */
  private addArrayContains(call: Expression & { kind: 'call' }): void {
    const [list, searched, partial] = call.args;
    if (partial !== undefined && !(partial.kind === 'literal' && partial.value === false)) return;
    const path = searched && this.pathOf(searched);
    const values = list && this.constantOf(list);
    if (path === undefined || !Array.isArray(values) || !values.every(isScalar)) return;
    this.equalities.push({ path, kind: 'equals', values });
  }

  private addBetween(condition: Expression & { kind: 'between' }): void {
    const path = this.pathOf(condition.value);
    const low = this.constantOf(condition.low);
    const high = this.constantOf(condition.high);
    if (path === undefined || !isRangeBound(low) || !isRangeBound(high) || typeof low !== typeof high) return;
    this.narrow(path, { value: low, inclusive: true }, { value: high, inclusive: true });
  }

  /** Merges bounds on one path of one kind; bounds of different kinds on a path stay separate constraints. */
  private narrow(path: string[], min: Bound | undefined, max: Bound | undefined): void {
    const kind = typeof (min ?? max)?.value;
    const key = `${kind}:${JSON.stringify(path)}`;
    const existing = this.ranges.get(key);
    const merged: RangeConstraint = { path, kind: 'range' };
    const lower = tighter(existing?.min, min, 1);
    const upper = tighter(existing?.max, max, -1);
    if (lower) merged.min = lower;
    if (upper) merged.max = upper;
    this.ranges.set(key, merged);
  }

  /** The document path an expression reads, when it is the FROM alias followed by property names. */
  private pathOf(expression: Expression): string[] | undefined {
    const names: string[] = [];
    let current = expression;
    for (;;) {
      if (current.kind === 'property') names.unshift(current.name);
      else if (
        current.kind === 'index' &&
        current.index.kind === 'literal' &&
        typeof current.index.value === 'string'
      ) {
        names.unshift(current.index.value);
      } else break;
      current = current.object;
    }
    if (current.kind !== 'identifier' || current.name !== this.alias) return undefined;
    const path = [...this.prefix, ...names];
    return path.length > 0 ? path : undefined;
  }

  /** A literal, a parameter's value, or an array of those; undefined for anything computed from the item. */
  private constantOf(expression: Expression): unknown {
    if (expression.kind === 'literal') return expression.value;
    if (expression.kind === 'parameter') return this.parameters.get(expression.name);
    if (expression.kind === 'array') {
      const items = expression.items.map((item) => this.constantOf(item));
      return items.every((item) => item !== undefined) ? items : undefined;
    }
    return undefined;
  }
}

function isScalar(value: unknown): value is null | boolean | string | number {
  if (typeof value === 'number') return Number.isFinite(value);
  return value === null || typeof value === 'boolean' || typeof value === 'string';
}

function isRangeBound(value: unknown): value is number | string {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** The stricter of two bounds: the larger minimum (direction 1) or the smaller maximum (direction -1). */
function tighter(a: Bound | undefined, b: Bound | undefined, direction: 1 | -1): Bound | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.value === b.value) return { value: a.value, inclusive: a.inclusive && b.inclusive };
  return (a.value > b.value ? 1 : -1) === direction ? a : b;
}
