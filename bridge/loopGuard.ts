import type { BridgeOrigin } from './cloudEvent';

export type CrossingDecision = { cross: true } | { cross: false; reason: string };

/** What the guard reads; any CloudEvent-shaped object (BridgeCloudEvent, IntegrationEvent) has it. */
export interface CrossingCandidate {
  readonly id?: unknown;
  readonly bridgeorigin?: unknown;
  readonly bridgehops?: unknown;
}

const CLOUD_NAMES: Record<BridgeOrigin, string> = { azure: 'Azure', aws: 'AWS' };

/**
 * Whether an event may cross to `destination`, decided on the event as it was received at the edge (before
 * markCrossing). It may not when it first came from there (an echo of our own crossing) or when it already crossed
 * `maxHops` times: with EventBridge rules and Service Bus subscriptions on both sides, an event that crossed once
 * can match a rule that sends it back, and neither cloud can see the round trip through the other.
 * An unreadable hop count is treated as "already crossed": failing closed drops one event, failing open may loop.
 */
export function crossingDecision(event: CrossingCandidate, destination: BridgeOrigin, maxHops = 1): CrossingDecision {
  const id = typeof event.id === 'string' ? `'${event.id}'` : '(without id)';
  const to = CLOUD_NAMES[destination];
  if (event.bridgeorigin === destination)
    return {
      cross: false,
      reason: `Event ${id} was first published in ${to} (bridgeorigin '${destination}'); sending it to ${to} would echo it back.`,
    };
  const hops = event.bridgehops;
  if (hops === undefined) return maxHops > 0 ? { cross: true } : hopLimitReached(id, to, 0, maxHops);
  const count = typeof hops === 'string' && /^[0-9]+$/.test(hops) ? Number(hops) : hops;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
    return {
      cross: false,
      reason: `Event ${id} has an unreadable bridgehops (${JSON.stringify(hops)}); not sending it to ${to} in case it is looping.`,
    };
  return count >= maxHops ? hopLimitReached(id, to, count, maxHops) : { cross: true };
}

function hopLimitReached(id: string, to: string, hops: number, maxHops: number): CrossingDecision {
  return {
    cross: false,
    reason:
      `Event ${id} has already crossed between the clouds ${hops} time(s) (bridgehops ${hops}, limit ${maxHops}); ` +
      `not sending it to ${to}, so it cannot loop.`,
  };
}
