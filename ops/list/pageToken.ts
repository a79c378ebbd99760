import { OpsValidationError } from '../errors';

/** Where a listing across engines stopped: the engine (index in the listing's order) and its own token. */
export interface ListPosition {
  e: number;
  t?: string;
}

export const encodePosition = (p: ListPosition): string => Buffer.from(JSON.stringify(p)).toString('base64url');

export function decodePosition(token: string | undefined): ListPosition {
  if (!token) return { e: 0 };
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ListPosition;
    if (Number.isInteger(p.e) && p.e >= 0 && (p.t === undefined || typeof p.t === 'string')) return p;
  } catch {
    // fall through
  }
  throw new OpsValidationError('continuationToken is not a token this tool issued; list again without it.');
}
