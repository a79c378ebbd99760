import { InvalidToken, validationError } from './errors';

/**
 * Opaque `nextToken`s. A token remembers the request it continues (the `scope`: machine, filter, order) so that
 * reusing it with other arguments is rejected as AWS does, instead of silently paging something else.
 */
export function encodePageToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ s: scope, p: position }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, scope: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { s?: unknown; p?: unknown } | undefined;
  if (!t || typeof t.p !== 'number' || typeof t.s !== 'string')
    throw new InvalidToken(`Invalid Token: '${token}' is not a nextToken returned by this API.`);
  if (t.s !== scope)
    throw new InvalidToken(
      'Invalid Token: the nextToken belongs to a request with other arguments; repeat the arguments of the call that returned it.',
    );
  return t.p;
}

/** maxResults: 0 or absent means the default (100); otherwise 1..1000. */
export function pageSize(maxResults: unknown): number {
  if (maxResults === undefined || maxResults === null || maxResults === 0) return 100;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000)
    throw validationError('maxResults', 'Member must have value less than or equal to 1000', String(maxResults));
  return maxResults;
}
