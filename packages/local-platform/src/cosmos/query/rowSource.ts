/**
 * The FROM clause: binds each alias to a slot and turns a document into the rows the rest of the query sees. A
 * source is the container (any name, or ROOT) or a path into it (`FROM c.address a`); `x IN path` yields one row
 * per array element; JOIN forms the cross product with a path from an alias bound earlier in the clause. A path
 * that is missing, or that `IN` finds not to be an array, yields no row for that document (the FROM page's
 * "that value is ignored and not processed further").
 */
import { elementOf } from './expressionCompiler';
import { duplicateAlias, unresolvedIdentifier } from './queryErrors';
import type { FromSource, PathStep } from './syntax';

/** Called with the row's alias values by slot; returns false to stop producing rows (TOP reached). */
export type RowVisitor = (row: unknown[]) => boolean;

/** Produces a document's rows into `row` (reused between rows) and returns false if the visitor stopped. */
export type RowSource = (document: unknown, row: unknown[], visit: RowVisitor) => boolean;

export interface BoundFrom {
  readonly aliases: ReadonlyMap<string, number>;
  readonly rows: RowSource;
}

export function bindFromClause(sources: readonly FromSource[]): BoundFrom {
  const aliases = new Map<string, number>();
  sources.forEach((source, slot) => {
    if (slot > 0 && !aliases.has(source.root)) throw unresolvedIdentifier(source.root, source.rootSpan);
    if (aliases.has(source.alias)) throw duplicateAlias(source.alias, source.span);
    aliases.set(source.alias, slot);
  });
  const only = sources[0];
  if (sources.length === 1 && only.path.length === 0 && !only.iterate) {
    return {
      aliases,
      rows: (document, row, visit) => {
        row[0] = document;
        return visit(row);
      },
    };
  }
  let rows: RowSource = (_document, row, visit) => visit(row);
  for (let slot = sources.length - 1; slot >= 0; slot--) {
    rows = bindSource(sources[slot], slot, slot === 0 ? -1 : (aliases.get(sources[slot].root) as number), rows);
  }
  return { aliases, rows };
}

function bindSource(source: FromSource, slot: number, rootSlot: number, next: RowSource): RowSource {
  const { path, iterate } = source;
  return (document, row, visit) => {
    const value = walk(rootSlot < 0 ? document : row[rootSlot], path);
    if (!iterate) {
      if (value === undefined) return true;
      row[slot] = value;
      return next(document, row, visit);
    }
    if (!Array.isArray(value)) return true;
    for (const element of value) {
      row[slot] = element;
      if (!next(document, row, visit)) return false;
    }
    return true;
  };
}

function walk(value: unknown, path: readonly PathStep[]): unknown {
  let current = value;
  for (const step of path) current = elementOf(current, step);
  return current;
}
