import { BadRequestError } from '../errors';
import type { QueryResultCache } from './queryResultCache';

/** The largest response page Cosmos DB sends (4 MB); a page ends before it, however many items were asked for. */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export interface QueryPage {
  /** Each result as JSON text. */
  readonly items: string[];
  readonly continuation?: string;
}

interface Continuation {
  token: string;
  offset: number;
}

function parseContinuation(raw: string | undefined): Continuation | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Continuation;
    if (typeof parsed.token === 'string' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) return parsed;
  } catch {
    // Answered below.
  }
  throw new BadRequestError(`The continuation token ${raw} was not issued for this query.`);
}

/**
 * One page of a query's result: the whole result is computed on the first page (ORDER BY, aggregates and the rest
 * need all of it) and kept for the next ones; the continuation token names it and the position reached.
 */
export function queryPage(
  cache: QueryResultCache,
  queryKey: string,
  compute: () => readonly unknown[],
  pageSize: number,
  rawContinuation: string | undefined,
): QueryPage {
  const continuation = parseContinuation(rawContinuation);
  const cached = continuation ? cache.get(continuation.token, queryKey) : undefined;
  const results = cached ?? compute();
  const start = continuation?.offset ?? 0;
  const items: string[] = [];
  let bytes = 0;
  for (let i = start; i < results.length && items.length < pageSize; i++) {
    const text = JSON.stringify(results[i]) ?? 'null';
    if (items.length > 0 && bytes + text.length > MAX_PAGE_BYTES) break;
    items.push(text);
    bytes += text.length + 1;
  }
  const next = start + items.length;
  if (next >= results.length) {
    if (continuation) cache.release(continuation.token);
    return { items };
  }
  const token = cached ? continuation!.token : cache.keep(queryKey, results);
  return { items, continuation: JSON.stringify({ token, offset: next }) };
}
