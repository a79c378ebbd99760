import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError } from './errors';
import type { PropertyValue, ReceivedMessage, ServiceBusMessageInput } from './message';

/**
 * The Service Bus REST protocol's message mapping: the `BrokerProperties` header (JSON) carries system
 * properties, and every other non-standard header is an application property ("custom property").
 */

type Settable = Omit<ServiceBusMessageInput, 'body' | 'applicationProperties'>;

const STRING_FIELDS: Record<string, keyof Settable> = {
  MessageId: 'messageId',
  CorrelationId: 'correlationId',
  SessionId: 'sessionId',
  Label: 'subject',
  To: 'to',
  ReplyTo: 'replyTo',
  ReplyToSessionId: 'replyToSessionId',
  PartitionKey: 'partitionKey',
  ContentType: 'contentType',
};

/** Fields a client may echo back from a received message; the broker owns them, so they are ignored. */
const IGNORED_FIELDS = [
  'ViaPartitionKey',
  'ForcePersistence',
  'DeliveryCount',
  'EnqueuedSequenceNumber',
  'EnqueuedTimeUtc',
  'ExpiresAtUtc',
  'LockToken',
  'LockedUntilUtc',
  'SequenceNumber',
  'State',
  'Size',
  'DeadLetterSource',
  'DeadLetterReason',
  'DeadLetterErrorDescription',
];

/** TimeSpan.MaxValue in seconds: what the REST API reports as the TTL of a message that never expires. */
const NEVER_SECONDS = 922337203685.4775;

/** Reads BrokerProperties (the header's JSON, or a batch item's object) into message fields. */
export function parseBrokerProperties(value: unknown, where: string): Settable {
  if (value === undefined || value === null) return {};
  let obj = value;
  if (typeof value === 'string') {
    try {
      obj = JSON.parse(value);
    } catch (e) {
      throw new BadRequestError(
        `${where} is not valid JSON (${(e as Error).message}); send e.g. {"MessageId":"order-1","Label":"OrderPlaced"}.`,
      );
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw new BadRequestError(`${where} must be a JSON object such as {"MessageId":"order-1"}.`);
  const out: Settable = {};
  const known = [...Object.keys(STRING_FIELDS), 'TimeToLive', 'ScheduledEnqueueTimeUtc'];
  for (const [rawKey, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = [...known, ...IGNORED_FIELDS].find((k) => k.toLowerCase() === rawKey.toLowerCase());
    if (!key) throw new BadRequestError(`${where}.${rawKey} is not a broker property. Known: ${known.join(', ')}.`);
    if (IGNORED_FIELDS.includes(key) || v === null) continue;
    if (key in STRING_FIELDS) {
      if (typeof v !== 'string')
        throw new BadRequestError(`${where}.${key} must be a string, got ${JSON.stringify(v)}.`);
      (out as Record<string, unknown>)[STRING_FIELDS[key]] = v;
    } else if (key === 'TimeToLive') {
      if (typeof v !== 'number' || !(v > 0))
        throw new BadRequestError(
          `${where}.TimeToLive must be a positive number of seconds, got ${JSON.stringify(v)}.`,
        );
      out.timeToLive = v >= NEVER_SECONDS ? undefined : Math.round(v * 1000);
    } else {
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      if (Number.isNaN(ms))
        throw new BadRequestError(
          `${where}.ScheduledEnqueueTimeUtc must be a date such as "Sun, 06 Nov 1994 08:49:37 GMT", got ${JSON.stringify(v)}.`,
        );
      out.scheduledEnqueueTime = ms;
    }
  }
  return out;
}

/** Request headers that are HTTP or protocol plumbing, never custom properties. */
const STANDARD_HEADER =
  /^(authorization|servicebusauthorization|brokerproperties|content-(type|length|encoding|md5|language)|host|connection|keep-alive|user-agent|accept(-.*)?|date|transfer-encoding|expect|te|trailer|upgrade|via|origin|referer|cookie|cache-control|pragma|if-.*|range|proxy-.*|traceparent|tracestate|baggage|request-id|x-forwarded-.*|x-real-ip|x-ms-.*|x-functions-key|sec-.*|dnt|priority-hint)$/i;

/** A custom property header's value: "quoted" is a string, true/false a boolean, a number a number, else text. */
export function parseHeaderValue(raw: string): PropertyValue {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Not JSON-escaped: take the text between the quotes as written.
    }
    return v.slice(1, -1);
  }
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v);
  return v;
}

/**
 * Custom properties from request headers. Node lower-cases header names; `rawHeaders` (when the host passes
 * it) keeps the sender's spelling, which matters because filters and handlers see the names.
 */
export function customPropertiesFromHeaders(
  headers: IncomingHttpHeaders,
  rawHeaders?: string[],
): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (rawHeaders) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (!STANDARD_HEADER.test(rawHeaders[i])) out[rawHeaders[i]] = parseHeaderValue(rawHeaders[i + 1]);
    }
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || STANDARD_HEADER.test(name)) continue;
    out[name] = parseHeaderValue(Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

/** JSON text safe in an HTTP header: non-ASCII escaped as \uXXXX. */
function headerJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const rfc1123 = (d: Date): string => d.toUTCString();

/** The BrokerProperties header of a received message. */
export function brokerPropertiesHeader(m: ReceivedMessage): string {
  const props: Record<string, unknown> = {
    DeliveryCount: m.deliveryCount,
    EnqueuedSequenceNumber: m.sequenceNumber,
    EnqueuedTimeUtc: rfc1123(m.enqueuedTimeUtc),
    ExpiresAtUtc: rfc1123(m.expiresAtUtc),
    MessageId: m.messageId,
    SequenceNumber: m.sequenceNumber,
    State: m.state === 'active' ? 'Active' : m.state === 'deferred' ? 'Deferred' : 'Scheduled',
    TimeToLive: Number.isFinite(m.timeToLive) ? m.timeToLive / 1000 : NEVER_SECONDS,
  };
  if (m.lockToken) props.LockToken = m.lockToken;
  if (m.lockedUntilUtc) props.LockedUntilUtc = rfc1123(m.lockedUntilUtc);
  if (m.correlationId !== undefined) props.CorrelationId = m.correlationId;
  if (m.sessionId !== undefined) props.SessionId = m.sessionId;
  if (m.subject !== undefined) props.Label = m.subject;
  if (m.to !== undefined) props.To = m.to;
  if (m.replyTo !== undefined) props.ReplyTo = m.replyTo;
  if (m.replyToSessionId !== undefined) props.ReplyToSessionId = m.replyToSessionId;
  if (m.partitionKey !== undefined) props.PartitionKey = m.partitionKey;
  if (m.scheduledEnqueueTimeUtc) props.ScheduledEnqueueTimeUtc = rfc1123(m.scheduledEnqueueTimeUtc);
  if (m.deadLetterSource !== undefined) props.DeadLetterSource = m.deadLetterSource;
  // Azure carries these only as custom properties (headers, below); repeated here for convenience.
  if (m.deadLetterReason !== undefined) props.DeadLetterReason = m.deadLetterReason;
  if (m.deadLetterErrorDescription !== undefined) props.DeadLetterErrorDescription = m.deadLetterErrorDescription;
  return headerJson(props);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_RESPONSE =
  /^(content-.*|location|brokerproperties|date|connection|keep-alive|transfer-encoding|server)$/i;

/** Custom properties as response headers: strings (and dates) quoted, numbers and booleans bare. */
export function customPropertyHeaders(props: Record<string, PropertyValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    // A name that is not an HTTP token cannot travel as a header; peek (GET .../messages) still shows it.
    if (!TOKEN.test(name) || RESERVED_RESPONSE.test(name)) continue;
    if (value === null) out[name] = 'null';
    else if (value instanceof Date) out[name] = headerJson(rfc1123(value));
    else if (typeof value === 'string') out[name] = headerJson(value);
    else out[name] = String(value);
  }
  return out;
}
