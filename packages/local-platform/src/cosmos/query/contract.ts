/**
 * The types the query engine and the local Cosmos endpoint share (storage, paging, protocol on one side, parsing and
 * evaluation on the other). They live apart from index.ts so that the engine's own files can use them without an
 * import cycle; index.ts re-exports all of them.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface QueryParameter {
  /** With its `@`, as the SDK sends it: `@orderId`. */
  name: string;
  value: JsonValue;
}

/**
 * A condition every result document satisfies, which storage may use to avoid scanning the container (a partition
 * key or id lookup, an index range). `path` is the property names from the document root: `['id']`,
 * `['customer', 'id']`. Omitting a constraint is always correct; stating one that a result does not satisfy is not.
 */
export type PathConstraint =
  | { path: string[]; kind: 'equals'; values: JsonValue[] }
  | {
      path: string[];
      kind: 'range';
      min?: { value: number | string; inclusive: boolean };
      max?: { value: number | string; inclusive: boolean };
    };

/** What the query plan the SDK asks for reports about a query (`queryInfo`). */
export interface QueryInfo {
  distinctType: 'None' | 'Ordered' | 'Unordered';
  top?: number;
  offset?: number;
  limit?: number;
  orderBy: ('Ascending' | 'Descending')[];
  orderByExpressions: string[];
  groupByExpressions: string[];
  aggregates: string[];
  hasSelectValue: boolean;
}

export interface CompiledQuery {
  readonly constraints: readonly PathConstraint[];
  readonly info: QueryInfo;
  /**
   * Evaluates the query over candidate documents (a superset of the results, in any order) and returns the whole
   * result in order: ORDER BY, DISTINCT, aggregates, GROUP BY, OFFSET/LIMIT and TOP applied. Paging is the caller's.
   */
  run(documents: Iterable<Record<string, unknown>>): unknown[];
}

/** A query Cosmos DB would refuse (400 BadRequest), with the position and code the service reports. */
export class CosmosQueryError extends Error {
  constructor(
    message: string,
    /** Cosmos' error code for the problem, e.g. `SC1001` (syntax error), `SC2001` (unknown identifier). */
    readonly errorCode: string,
    /** Character offsets in the query text, when the problem has a place. */
    readonly location?: { start: number; end: number },
  ) {
    super(message);
    this.name = 'CosmosQueryError';
  }
}
