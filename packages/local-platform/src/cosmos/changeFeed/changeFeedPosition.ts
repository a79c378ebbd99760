import { BadRequestError } from '../errors';

/**
 * Where a change feed request starts, from its headers as the SDK sends them: no `If-None-Match` from the
 * beginning, `*` from now, an ETag this feed issued (the LSN it read up to) from there; `If-Modified-Since` from a
 * point in time. The ETag is the continuation: the SDK sends back the `etag` of the last response.
 */
export type ChangeFeedStart =
  | { kind: 'beginning' }
  | { kind: 'now' }
  | { kind: 'continuation'; afterLsn: number }
  | { kind: 'time'; sinceTs: number };

export function changeFeedStart(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined): ChangeFeedStart {
  if (ifNoneMatch === '*') return { kind: 'now' };
  if (ifNoneMatch !== undefined && ifNoneMatch !== '') {
    const lsn = Number(ifNoneMatch.replace(/^"|"$/g, ''));
    if (!Number.isSafeInteger(lsn) || lsn < 0)
      throw new BadRequestError(
        `The change feed continuation ${ifNoneMatch} was not issued by this container's change feed (an ETag such as "42", or * to start from now).`,
      );
    return { kind: 'continuation', afterLsn: lsn };
  }
  if (ifModifiedSince !== undefined) {
    const ms = Date.parse(ifModifiedSince);
    if (Number.isNaN(ms)) throw new BadRequestError(`If-Modified-Since '${ifModifiedSince}' is not an HTTP date.`);
    return { kind: 'time', sinceTs: Math.floor(ms / 1000) };
  }
  return { kind: 'beginning' };
}

/** The continuation a change feed response carries as its `etag`. */
export const changeFeedEtag = (lsn: number): string => `"${lsn}"`;
