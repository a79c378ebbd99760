import type { BridgeCloudEvent, BridgeOrigin } from './cloudEvent';

/**
 * Records one crossing: `bridgeorigin` keeps the cloud where the event was first published (an event that already
 * crossed keeps its origin), and `bridgehops` counts the crossing. Both edges' loop guards and the Service Bus
 * subscription filters (`NOT EXISTS(bridgeorigin)`) read these, so every crossing must go through here.
 */
export function markCrossing(event: BridgeCloudEvent, firstPublishedIn: BridgeOrigin): BridgeCloudEvent {
  return {
    ...event,
    bridgeorigin: event.bridgeorigin ?? firstPublishedIn,
    bridgehops: (event.bridgehops ?? 0) + 1,
  };
}
