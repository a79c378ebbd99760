/**
 * The FROM clause: binds each alias to a slot of the row and turns a document into the rows the rest of the query
 * sees. A source is the container (any name, or ROOT), a path into it (`FROM c.address a`), or, after JOIN, a path
 * from an alias bound before it or a correlated subquery. `x IN ...` yields one row per array element, and JOIN
 * forms the cross product. A path that is missing, or that `IN` finds not to be an array, yields no row (the FROM
 * page: "that value is ignored and not processed further").
 *
 * A subquery's FROM continues the row of its enclosing query: the outer aliases keep their slots and the subquery's
 * own aliases take the next ones. Cosmos only runs correlated subqueries, so a subquery reads from an outer alias.
 */
import { type SubqueryCompiler, elementOf } from './expressionCompiler';
import { duplicateAlias, unresolvedIdentifier, unsupportedLocally } from './queryErrors';
import type { FromSource, PathStep } from './syntax';

/** Called with the row's alias values by slot; returns false to stop producing rows (TOP reached). */
export type RowVisitor = (row: unknown[]) => boolean;

/** Produces a document's rows into `row` (reused between rows) and returns false if the visitor stopped. */
export type RowSource = (document: unknown, row: unknown[], visit: RowVisitor) => boolean;

export interface FromScope {
  /** The aliases visible before this FROM clause (those of enclosing queries) and their slots. */
  readonly aliases: ReadonlyMap<string, number>;
  readonly slotCount: number;
  /** True for the outermost query, whose first source reads the container's documents. */
  readonly readsContainer: boolean;
}

export interface BoundFrom {
  readonly aliases: ReadonlyMap<string, number>;
  readonly slotCount: number;
  /** Undefined without a FROM clause: the query sees one row, its enclosing query's (or an empty one). */
  readonly rows: RowSource | undefined;
}

export function bindFromClause(
  sources: readonly FromSource[],
  scope: FromScope,
  subqueries: SubqueryCompiler,
): BoundFrom {
  const aliases = new Map(scope.aliases);
  const declared = new Set<string>();
  const bindings: { source: FromSource; slot: number; read: (document: unknown, row: unknown[]) => unknown }[] = [];
  sources.forEach((source, index) => {
    const slot = scope.slotCount + index;
    bindings.push({
      source,
      slot,
      read: reader(source, index === 0 && scope.readsContainer, aliases, slot, subqueries),
    });
    if (source.alias === undefined) return;
    if (declared.has(source.alias)) throw duplicateAlias(source.alias, source.span);
    declared.add(source.alias);
    aliases.set(source.alias, slot);
  });
  const slotCount = scope.slotCount + sources.length;
  if (sources.length === 0) return { aliases, slotCount, rows: undefined };

  const only = sources[0];
  const wholeDocuments = only.collection.kind === 'path' && only.collection.path.length === 0 && !only.iterate;
  if (sources.length === 1 && scope.readsContainer && wholeDocuments) {
    return {
      aliases,
      slotCount,
      rows: (document, row, visit) => {
        row[0] = document;
        return visit(row);
      },
    };
  }
  let rows: RowSource = (_document, row, visit) => visit(row);
  for (let i = bindings.length - 1; i >= 0; i--) rows = bindSource(bindings[i], rows);
  return { aliases, slotCount, rows };
}

/** How a source finds its value (or values, for a subquery) in a document or the row built so far. */
function reader(
  source: FromSource,
  readsContainer: boolean,
  aliases: ReadonlyMap<string, number>,
  slot: number,
  subqueries: SubqueryCompiler,
): (document: unknown, row: unknown[]) => unknown {
  const collection = source.collection;
  if (collection.kind === 'subquery') {
    if (readsContainer) throw unsupportedLocally('A subquery as the first source of FROM', collection.span);
    const results = subqueries(collection.query, aliases, slot);
    return (_document, row) => results(row);
  }
  const { path } = collection;
  if (readsContainer) return (document) => walk(document, path);
  const rootSlot = aliases.get(collection.root);
  if (rootSlot === undefined) throw unresolvedIdentifier(collection.root, collection.rootSpan);
  return (_document, row) => walk(row[rootSlot], path);
}

function bindSource(
  binding: { source: FromSource; slot: number; read: (document: unknown, row: unknown[]) => unknown },
  next: RowSource,
): RowSource {
  const { slot, read } = binding;
  const { iterate } = binding.source;
  const bindEach = (values: readonly unknown[], document: unknown, row: unknown[], visit: RowVisitor): boolean => {
    for (const value of values) {
      row[slot] = value;
      if (!next(document, row, visit)) return false;
    }
    return true;
  };
  if (binding.source.collection.kind === 'subquery') {
    // Each result is a row; with IN, each element of each array result is.
    return (document, row, visit) => {
      const results = read(document, row) as unknown[];
      if (!iterate) return bindEach(results, document, row, visit);
      for (const result of results) if (Array.isArray(result) && !bindEach(result, document, row, visit)) return false;
      return true;
    };
  }
  return (document, row, visit) => {
    const value = read(document, row);
    if (iterate) return Array.isArray(value) ? bindEach(value, document, row, visit) : true;
    if (value === undefined) return true;
    row[slot] = value;
    return next(document, row, visit);
  };
}

function walk(value: unknown, path: readonly PathStep[]): unknown {
  let current = value;
  for (const step of path) current = elementOf(current, step);
  return current;
}
