import { invalidParameter, validationError } from './errors';
import { MAX_LIST_LIMIT } from './limits';

/**
 * Opaque `NextToken`s for the List operations. Lists are ordered by name, so a token records the last name
 * returned; it also records the request it continues (the `scope`: prefix, bus, filters) so that reusing it with
 * other arguments is refused instead of silently paging something else.
 */
export function encodePageToken(scope: string, lastName: string): string {
  return Buffer.from(JSON.stringify({ s: scope, n: lastName }), 'utf8').toString('base64url');
}

function decodePageToken(token: string, scope: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { s?: unknown; n?: unknown } | undefined;
  if (!t || typeof t.s !== 'string' || typeof t.n !== 'string')
    throw invalidParameter('NextToken', 'the token was not returned by this API.');
  if (t.s !== scope)
    throw invalidParameter('NextToken', 'the token belongs to a request with other arguments; repeat that request.');
  return t.n;
}

/** `Limit`: absent means all (up to 100); otherwise 1..100 as the API model says. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return MAX_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw validationError('limit', 'Member must have value greater than or equal to 1', String(limit));
  if (limit > MAX_LIST_LIMIT)
    throw validationError('limit', `Member must have value less than or equal to ${MAX_LIST_LIMIT}`, String(limit));
  return limit;
}

/** One page of `items` (any order in, name order out) after the token's position. */
export function page<T>(
  items: Iterable<T>,
  nameOf: (item: T) => string,
  scope: string,
  nextToken: string | undefined,
  limit: number | undefined,
): { items: T[]; nextToken?: string } {
  const size = pageLimit(limit);
  const after = nextToken ? decodePageToken(nextToken, scope) : undefined;
  const sorted = [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((i) => nameOf(i) > after);
  const out = rest.slice(0, size);
  return {
    items: out,
    ...(rest.length > size ? { nextToken: encodePageToken(scope, nameOf(out[out.length - 1])) } : {}),
  };
}
