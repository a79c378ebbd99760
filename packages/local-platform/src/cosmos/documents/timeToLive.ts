import { BadRequestError } from '../errors';
import type { ContainerRecord } from '../storage/cosmosStore';

/** Cosmos DB's largest time to live, in seconds (about 68 years). */
export const MAX_TTL_SECONDS = 2_147_483_647;

const isTtl = (value: unknown): value is number =>
  value === -1 || (Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_TTL_SECONDS);

/** A container's `defaultTtl` as Cosmos DB reads it: absent or null turns time to live off for its items. */
export function containerDefaultTtl(settings: Record<string, unknown>): number | undefined {
  const value = settings.defaultTtl;
  return isTtl(value) ? value : undefined;
}

/**
 * When a version written at `ts` (epoch seconds) expires, or null when it never does. As Cosmos DB: an item's own
 * `ttl` counts only where its container's `defaultTtl` is set (-1: items never expire unless they say so; n: they
 * expire n seconds after their last write unless their own `ttl` says otherwise); without it, `ttl` is just data.
 */
export function expiryOf(container: ContainerRecord, doc: Record<string, unknown>, ts: number): number | null {
  if (container.defaultTtl === undefined) return null;
  const own = doc.ttl;
  if (own !== undefined) {
    if (!isTtl(own))
      throw new BadRequestError(
        `The document's 'ttl' is ${JSON.stringify(own)}; time to live is -1 (never expires) or a whole number of seconds from 1 to ${MAX_TTL_SECONDS}. Leave 'ttl' out to use container '${container.id}''s defaultTtl.`,
      );
    return own === -1 ? null : ts + own;
  }
  return container.defaultTtl === -1 ? null : ts + container.defaultTtl;
}
