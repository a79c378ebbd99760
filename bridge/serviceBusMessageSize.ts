import { EventTooLargeError } from './errors';
import type { ServiceBusMessageShape } from './toServiceBusMessage';

/** Service Bus Standard: a message, payload and all properties, at most this many bytes. */
export const SERVICE_BUS_MAX_MESSAGE_BYTES = 262_144;
/** Service Bus: the whole header (application and system properties together) at most this many bytes. */
export const SERVICE_BUS_MAX_PROPERTIES_BYTES = 65_536;
/** Service Bus: one property at most this many bytes. */
export const SERVICE_BUS_MAX_PROPERTY_BYTES = 32_768;

export interface ServiceBusMessageSize {
  bodyBytes: number;
  /** Names and values: strings as UTF-8, numbers as 8 bytes (AMQP long/double), booleans as 1. */
  applicationPropertiesBytes: number;
  /** The system properties the bridge sets: messageId, contentType, subject and correlationId, as UTF-8. */
  systemPropertiesBytes: number;
  /** The largest single property (application: name and value; system: value). */
  largestProperty?: { name: string; bytes: number };
  totalBytes: number;
}

const utf8Bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/**
 * The size Service Bus counts against its limits, estimated from the message. Per the Service Bus quotas page,
 * the message size includes the payload and the system and user properties, and the 64 KB property limit applies
 * to the whole header (user and system properties). Service Bus publishes no exact formula (system properties it
 * adds, such as the sequence number, and AMQP framing add a little), so this is an estimate: good enough to
 * refuse an event that cannot fit with an actionable message instead of a broker exception.
 */
export function serviceBusMessageSize(message: ServiceBusMessageShape): ServiceBusMessageSize {
  const bodyBytes = typeof message.body === 'string' ? utf8Bytes(message.body) : message.body.byteLength;
  let largest: { name: string; bytes: number } | undefined;
  const track = (name: string, bytes: number): number => {
    if (!largest || bytes > largest.bytes) largest = { name, bytes };
    return bytes;
  };
  let applicationPropertiesBytes = 0;
  for (const [name, value] of Object.entries(message.applicationProperties ?? {})) {
    const valueBytes = typeof value === 'string' ? utf8Bytes(value) : typeof value === 'number' ? 8 : 1;
    applicationPropertiesBytes += track(name, utf8Bytes(name) + valueBytes);
  }
  const system = {
    messageId: message.messageId,
    contentType: message.contentType,
    subject: message.subject,
    correlationId: message.correlationId,
  };
  let systemPropertiesBytes = 0;
  for (const [name, value] of Object.entries(system)) systemPropertiesBytes += track(name, utf8Bytes(value));
  return {
    bodyBytes,
    applicationPropertiesBytes,
    systemPropertiesBytes,
    ...(largest ? { largestProperty: largest } : {}),
    totalBytes: bodyBytes + applicationPropertiesBytes + systemPropertiesBytes,
  };
}

/**
 * Throws EventTooLargeError when a message breaks a Service Bus limit: one property, all properties, or the whole
 * message (in that order, so the error names the most specific fix). `maxMessageBytes` is for Premium namespaces.
 */
export function assertServiceBusMessageFits(
  message: ServiceBusMessageShape,
  eventId?: string,
  maxMessageBytes: number = SERVICE_BUS_MAX_MESSAGE_BYTES,
): void {
  const size = serviceBusMessageSize(message);
  if (size.largestProperty && size.largestProperty.bytes > SERVICE_BUS_MAX_PROPERTY_BYTES)
    throw new EventTooLargeError(
      'ServiceBusProperty',
      SERVICE_BUS_MAX_PROPERTY_BYTES,
      size.largestProperty.bytes,
      eventId,
      size.largestProperty.name,
    );
  const propertiesBytes = size.applicationPropertiesBytes + size.systemPropertiesBytes;
  if (propertiesBytes > SERVICE_BUS_MAX_PROPERTIES_BYTES)
    throw new EventTooLargeError('ServiceBusProperties', SERVICE_BUS_MAX_PROPERTIES_BYTES, propertiesBytes, eventId);
  if (size.totalBytes > maxMessageBytes)
    throw new EventTooLargeError('ServiceBusMessage', maxMessageBytes, size.totalBytes, eventId);
}
