import type { IntegrationEvent } from '../../saga/domain/events';

export interface OutboundMessage {
  /** Text, or bytes sent unchanged (a message set aside keeps its exact body). */
  body: string | Uint8Array;
  contentType: string;
  /** Service Bus duplicate detection keys on this. */
  messageId: string;
  subject?: string;
  correlationId?: string;
  applicationProperties?: Record<string, string | number | boolean>;
}

/**
 * A CloudEvent in structured mode (the whole event as the JSON body), with `type`, `source` and `subject`
 * copied to application properties so subscriptions can filter on them (`type = 'OrderPlaced'`), and the bridge
 * extensions so the loop guard can filter (`NOT EXISTS(bridgeorigin)`).
 */
export function toServiceBusMessage(event: IntegrationEvent): OutboundMessage {
  const properties: Record<string, string | number | boolean> = { type: event.type, source: event.source };
  if (event.subject) properties.subject = event.subject;
  if (event.bridgeorigin) properties.bridgeorigin = event.bridgeorigin;
  if (event.bridgehops !== undefined) properties.bridgehops = event.bridgehops;
  return {
    body: JSON.stringify(event),
    contentType: 'application/cloudevents+json; charset=utf-8',
    messageId: event.id,
    subject: event.type,
    correlationId: event.subject,
    applicationProperties: properties,
  };
}
