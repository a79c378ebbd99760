/**
 * Runs a compiled query over candidate documents, in the order of Cosmos' own reference interpreter (the .NET SDK's
 * OfflineEngine): FROM rows, WHERE (only `true` keeps a row), then ORDER BY over the rows, GROUP BY and aggregates,
 * the projection, DISTINCT, TOP, and OFFSET/LIMIT last.
 *
 * ORDER BY keeps rows whose sort value is undefined and sorts them first ascending, last descending ("Queries with
 * ORDER BY return all items, including items where the property in the ORDER BY clause isn't defined" - ORDER BY
 * page). Ties keep the candidates' order: the sort is stable.
 *
 * Without ORDER BY, DISTINCT or grouping, the run stops reading documents as soon as TOP/OFFSET+LIMIT is reached.
 */
import { type Accumulator, createAccumulator } from './aggregates';
import type { Evaluator } from './expressionCompiler';
import type { Grouping } from './projection';
import type { RowSource, RowVisitor } from './rowSource';
import { canonicalKey, compareValues } from './typeOrder';

export interface SortKey {
  readonly value: Evaluator;
  readonly descending: boolean;
}

export interface ExecutionPlan {
  /** Undefined without a FROM clause: the query is evaluated once, over no document. */
  readonly rows: RowSource | undefined;
  readonly where: Evaluator | undefined;
  readonly grouping: Grouping | undefined;
  readonly project: Evaluator;
  readonly orderBy: readonly SortKey[] | undefined;
  readonly distinct: boolean;
  readonly top: number | undefined;
  readonly offset: number | undefined;
  readonly limit: number | undefined;
}

interface Sortable {
  readonly keys: unknown[];
  readonly value: unknown;
}

interface Group {
  readonly keys: unknown[];
  readonly accumulators: Accumulator[];
}

/**
 * Runs the plan over candidate documents. A subquery runs over its enclosing row (`outerRow`), whose aliases it
 * reads, and the one undefined "document" that stands for it.
 */
export function execute(
  plan: ExecutionPlan,
  documents: Iterable<unknown>,
  outerRow: readonly unknown[] = [],
): unknown[] {
  const results = plan.grouping
    ? groupedResults(plan, plan.grouping, documents, outerRow)
    : rowResults(plan, documents, outerRow);
  return applyLimits(plan, plan.distinct ? distinctValues(results) : results);
}

/** Feeds every row that passes WHERE to `accept`, until it returns false. */
function forEachRow(
  plan: ExecutionPlan,
  documents: Iterable<unknown>,
  outerRow: readonly unknown[],
  accept: RowVisitor,
): void {
  const { where } = plan;
  const visit: RowVisitor = where ? (row) => where(row) !== true || accept(row) : accept;
  const row = [...outerRow];
  if (plan.rows === undefined) {
    visit(row);
    return;
  }
  const rows = plan.rows;
  for (const document of documents) if (!rows(document, row, visit)) return;
}

function rowResults(plan: ExecutionPlan, documents: Iterable<unknown>, outerRow: readonly unknown[]): unknown[] {
  const { project, orderBy } = plan;
  if (orderBy === undefined) {
    const needed = plan.distinct ? Infinity : resultsNeeded(plan);
    const values: unknown[] = [];
    if (needed === 0) return values;
    forEachRow(plan, documents, outerRow, (row) => {
      const value = project(row);
      if (value !== undefined) values.push(value);
      return values.length < needed;
    });
    return values;
  }
  const sortables: Sortable[] = [];
  forEachRow(plan, documents, outerRow, (row) => {
    const value = project(row);
    if (value !== undefined) sortables.push({ keys: orderBy.map((key) => key.value(row)), value });
    return true;
  });
  sortables.sort((a, b) => {
    for (let i = 0; i < orderBy.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      // Same-kind numbers and strings are nearly every comparison; skip the kind dispatch for them.
      const order =
        typeof x === typeof y && (typeof x === 'number' || typeof x === 'string')
          ? x < (y as typeof x)
            ? -1
            : x > (y as typeof x)
              ? 1
              : 0
          : compareValues(x, y);
      if (order !== 0) return orderBy[i].descending ? -order : order;
    }
    return 0;
  });
  return sortables.map((sortable) => sortable.value);
}

function groupedResults(
  plan: ExecutionPlan,
  grouping: Grouping,
  documents: Iterable<unknown>,
  outerRow: readonly unknown[],
): unknown[] {
  const groups = new Map<string, Group>();
  const newGroup = (keys: unknown[]): Group => ({
    keys,
    accumulators: grouping.aggregates.map((aggregate) => createAccumulator(aggregate.name)),
  });
  if (grouping.wholeInput) groups.set('', newGroup([]));
  forEachRow(plan, documents, outerRow, (row) => {
    const keys = grouping.keys.map((key) => key(row));
    const id = keys.map(canonicalKey).join('\u0000');
    let group = groups.get(id);
    if (group === undefined) {
      group = newGroup(keys);
      groups.set(id, group);
    }
    for (let i = 0; i < grouping.aggregates.length; i++) {
      group.accumulators[i].add(grouping.aggregates[i].argument(row));
    }
    return true;
  });
  const results: unknown[] = [];
  for (const group of groups.values()) {
    const value = plan.project([...group.keys, ...group.accumulators.map((accumulator) => accumulator.result())]);
    if (value !== undefined) results.push(value);
  }
  return results;
}

function distinctValues(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = canonicalKey(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function resultsNeeded(plan: ExecutionPlan): number {
  const { top, offset, limit } = plan;
  const pageEnd = limit === undefined ? Infinity : (offset ?? 0) + limit;
  return Math.min(top ?? Infinity, pageEnd);
}

function applyLimits(plan: ExecutionPlan, values: unknown[]): unknown[] {
  let result = plan.top === undefined ? values : values.slice(0, plan.top);
  if (plan.offset !== undefined || plan.limit !== undefined) {
    const start = plan.offset ?? 0;
    result = result.slice(start, plan.limit === undefined ? undefined : start + plan.limit);
  }
  return result;
}
