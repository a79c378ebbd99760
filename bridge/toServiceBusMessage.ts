import { createHash } from 'node:crypto';
import { type CloudEventInput, parseCloudEvent } from './cloudEvent';

/**
 * A message to send to Service Bus. Same fields and types as the app's OutboundMessage
 * (adapters/serviceBus/outboundMessage.ts), so the edge passes it to the existing senders unchanged; the bridge
 * must not import adapters, hence the copy.
 */
export interface ServiceBusMessageShape {
  body: string | Uint8Array;
  contentType: string;
  /** Service Bus duplicate detection keys on this. */
  messageId: string;
  subject?: string;
  correlationId?: string;
  applicationProperties?: Record<string, string | number | boolean>;
}

export const CLOUDEVENTS_JSON_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
/** Service Bus refuses a longer messageId. */
export const SERVICE_BUS_MAX_MESSAGE_ID_LENGTH = 128;

/**
 * The event id, or for an id longer than Service Bus accepts, `sha256:<hex>` of it: stable, so a redelivered
 * event gets the same messageId and duplicate detection still drops it. The body keeps the real id.
 */
export function serviceBusMessageId(eventId: string): string {
  if (eventId.length <= SERVICE_BUS_MAX_MESSAGE_ID_LENGTH) return eventId;
  return `sha256:${createHash('sha256').update(eventId, 'utf8').digest('hex')}`;
}

/**
 * A CloudEvent as a Service Bus message in structured mode (the whole event is the JSON body). The attributes
 * subscriptions filter on are copied to application properties (`type = 'OrderPlaced'`,
 * `NOT EXISTS(bridgeorigin)`), and the traceparent also as `Diagnostic-Id`, the property Azure's tracing reads.
 * The event is sent as given: the EventBridge edge has already marked the crossing (fromEventBridgeEvent).
 *
 * Throws MalformedCloudEventError for an invalid event. Size is checked by assertServiceBusMessageFits.
 */
export function toServiceBusMessage(event: CloudEventInput): ServiceBusMessageShape {
  const id = typeof event?.id === 'string' ? ` '${event.id}'` : '';
  const ce = parseCloudEvent(event, `event${id} bound for Service Bus`);
  const properties: Record<string, string | number | boolean> = { type: ce.type, source: ce.source };
  if (ce.subject !== undefined) properties.subject = ce.subject;
  if (ce.bridgeorigin !== undefined) properties.bridgeorigin = ce.bridgeorigin;
  if (ce.bridgehops !== undefined) properties.bridgehops = ce.bridgehops;
  if (ce.traceparent !== undefined) {
    properties.traceparent = ce.traceparent;
    properties['Diagnostic-Id'] = ce.traceparent;
  }
  const message: ServiceBusMessageShape = {
    body: JSON.stringify(ce),
    contentType: CLOUDEVENTS_JSON_CONTENT_TYPE,
    messageId: serviceBusMessageId(ce.id),
    subject: ce.type,
    applicationProperties: properties,
  };
  if (ce.subject !== undefined) message.correlationId = ce.subject;
  return message;
}
