import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether the key a caller of a bridge endpoint sent is the configured one. Digests are compared, so neither the
 * key's length nor its content shows in the time taken.
 */
export function sameKey(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
