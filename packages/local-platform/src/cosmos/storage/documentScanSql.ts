import type { ChangeFeedRequest, DocumentScope, PathFilter } from './cosmosStore';
import { LIVE_DOCUMENT } from './sqliteSchema';

type SqlValue = string | number | null;

export interface ScanSql {
  sql: string;
  params: SqlValue[];
}

/** More values than this in one IN list are not worth pushing down; the engine filters them anyway. */
const MAX_IN_VALUES = 500;
const COLUMNS = 'pk, id, rid, lsn, ts, body';

/** A JSON path SQLite's json_extract understands, or undefined for names it cannot quote. */
function jsonPath(path: readonly string[]): string | undefined {
  if (path.length === 0 || path.some((name) => /["\\]/.test(name))) return undefined;
  return `$${path.map((name) => `."${name}"`).join('')}`;
}

/**
 * A filter as SQL over `json_extract`, which answers JSON true/false as 1/0 and null or a missing property as NULL:
 * each condition keeps at least every document the filter describes (the query engine decides exactly).
 */
function filterSql(filter: PathFilter, params: SqlValue[]): string | undefined {
  const path = jsonPath(filter.path);
  if (!path) return undefined;
  const value = `json_extract(body, ?)`;
  const parts: string[] = [];
  if (filter.equals && filter.equals.length > 0 && filter.equals.length <= MAX_IN_VALUES) {
    const scalars = filter.equals.filter((v) => v !== null);
    const alternatives: string[] = [];
    if (scalars.length > 0) {
      params.push(path, ...scalars.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
      alternatives.push(`${value} IN (${scalars.map(() => '?').join(', ')})`);
    }
    if (scalars.length < filter.equals.length) {
      params.push(path);
      alternatives.push(`${value} IS NULL`);
    }
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  if (filter.min) {
    params.push(path, filter.min.value);
    parts.push(`${value} ${filter.min.inclusive ? '>=' : '>'} ?`);
  }
  if (filter.max) {
    params.push(path, filter.max.value);
    parts.push(`${value} ${filter.max.inclusive ? '<=' : '<'} ?`);
  }
  return parts.length ? parts.join(' AND ') : undefined;
}

function inList(column: string, values: readonly string[], params: SqlValue[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** A scan of one container's documents in scope, as they are at `nowSeconds` (none past its time to live). */
export function scanSql(containerRid: string, scope: DocumentScope, nowSeconds: number): ScanSql {
  const params: SqlValue[] = [containerRid, nowSeconds];
  const where = ['container_rid = ?', LIVE_DOCUMENT];
  if (scope.partitionKeys) {
    if (scope.partitionKeys.length === 0) where.push('0');
    else where.push(inList('pk', scope.partitionKeys, params));
  }
  if (scope.partitionKeyPrefix !== undefined) {
    // Canonical keys continue the prefix with ASCII (a quote, digit, letter or brace), all below U+10FFFF.
    params.push(scope.partitionKeyPrefix, `${scope.partitionKeyPrefix}\u{10FFFF}`);
    where.push('pk > ? AND pk < ?');
  }
  if (scope.ids) {
    if (scope.ids.length === 0) where.push('0');
    else if (scope.ids.length <= MAX_IN_VALUES) where.push(inList('id', scope.ids, params));
  }
  for (const filter of scope.filters ?? []) {
    const sql = filterSql(filter, params);
    if (sql) where.push(sql);
  }
  if (scope.after) {
    params.push(scope.after.pk, scope.after.id);
    where.push('(pk, id) > (?, ?)');
  }
  // Creation order (the row id) is the order Cosmos returns unsorted results in; keyset pages follow the key.
  const order = scope.order === 'key' ? 'pk, id' : 'rowid';
  let sql = `SELECT ${COLUMNS} FROM cosmos_documents WHERE ${where.join(' AND ')} ORDER BY ${order}`;
  if (scope.limit !== undefined) {
    params.push(scope.limit);
    sql += ' LIMIT ?';
  }
  return { sql, params };
}

/** The change feed's next page: latest versions written after an LSN, in LSN order. */
export function changesSql(containerRid: string, request: ChangeFeedRequest, nowSeconds: number): ScanSql {
  const params: SqlValue[] = [containerRid, request.afterLsn, nowSeconds];
  const where = ['container_rid = ?', 'lsn > ?', LIVE_DOCUMENT];
  if (request.partitionKey !== undefined) {
    params.push(request.partitionKey);
    where.push('pk = ?');
  }
  if (request.sinceTs !== undefined) {
    params.push(request.sinceTs);
    where.push('ts >= ?');
  }
  params.push(request.limit);
  return { sql: `SELECT ${COLUMNS} FROM cosmos_documents WHERE ${where.join(' AND ')} ORDER BY lsn LIMIT ?`, params };
}
