import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface KeySettings {
  /** Accepted for authLevel 'function'. */
  functionKeys: string[];
  /** Accepted for every level; the only key for 'admin'. */
  masterKey?: string;
}

/** Compares digests, so neither a key's length nor its content shows in the time taken. */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Checks the `code` query parameter or `x-functions-key` header as the Functions host does. With no keys
 * configured the platform behaves like `func start`, which does not enforce keys locally.
 */
export function authorize(
  level: AuthLevel,
  keys: KeySettings,
  presented: string | undefined,
): { ok: true } | { ok: false; message: string } {
  if (level === 'anonymous') return { ok: true };
  const accepted = level === 'admin' ? [keys.masterKey] : [...keys.functionKeys, keys.masterKey];
  const configured = accepted.filter((k): k is string => !!k);
  if (configured.length === 0) return { ok: true };
  if (presented && configured.some((k) => same(k, presented))) return { ok: true };
  return {
    ok: false,
    message: presented
      ? `The key presented is not valid for authLevel '${level}'.`
      : `This function has authLevel '${level}': pass a key as ?code=<key> or in the x-functions-key header (settings ${level === 'admin' ? 'LOCAL_MASTER_KEY' : 'LOCAL_FUNCTION_KEY or LOCAL_MASTER_KEY'}).`,
  };
}
