import { randomUUID } from 'node:crypto';
import { InvalidMessageError, MessageSizeExceededError } from './errors';

/** Values an application property can hold (AMQP simple types as the SDKs expose them). */
export type PropertyValue = string | number | boolean | Date | null;

/** What a sender hands to `ServiceBusNamespace.send` (names as in `@azure/service-bus`'s ServiceBusMessage). */
export interface ServiceBusMessageInput {
  /** A Buffer/Uint8Array is sent as is, a string as UTF-8, anything else as JSON (content type application/json). */
  body: unknown;
  contentType?: string;
  /** Generated (a UUID without dashes, as the Service Bus SDKs do) when absent; at most 128 characters. */
  messageId?: string;
  correlationId?: string;
  subject?: string;
  /** The older name of `subject` (BrokeredMessage.Label); used when `subject` is absent. */
  label?: string;
  to?: string;
  replyTo?: string;
  replyToSessionId?: string;
  sessionId?: string;
  partitionKey?: string;
  /** Milliseconds; capped by the entity's DefaultMessageTimeToLive. */
  timeToLive?: number;
  /** The message becomes visible at this time (epoch ms or Date) on the namespace clock. */
  scheduledEnqueueTime?: Date | number;
  applicationProperties?: Record<string, PropertyValue>;
}

/** The sender-settable part of a message, normalised. */
export interface MessageContent {
  body: Buffer;
  contentType?: string;
  messageId: string;
  correlationId?: string;
  subject?: string;
  to?: string;
  replyTo?: string;
  replyToSessionId?: string;
  sessionId?: string;
  partitionKey?: string;
  /** As the sender set it (ms), before the entity caps it. */
  timeToLive?: number;
  scheduledEnqueueTime?: number;
  applicationProperties: Record<string, PropertyValue>;
}

export type MessageState = 'active' | 'deferred' | 'scheduled';

/** A message as an entity holds it. Mutable: the entity owns it. */
export interface StoredMessage extends MessageContent {
  sequenceNumber: number;
  enqueuedTime: number;
  /** Effective TTL (ms) after the entity caps; Infinity for never. */
  effectiveTimeToLive: number;
  expiresAt: number;
  deliveryCount: number;
  state: MessageState;
  deadLetterSource?: string;
  lockToken?: string;
  lockedUntil?: number;
  /** Auto-forward hops so far (Service Bus dead-letters after 4). */
  hops: number;
}

/** A read-only copy of a message handed to receivers and peekers. */
export interface ReceivedMessage extends Omit<MessageContent, 'timeToLive' | 'scheduledEnqueueTime'> {
  /** The entity path it was received from, e.g. `orders` or `events/Subscriptions/audit/$DeadLetterQueue`. */
  entityPath: string;
  /** Effective time to live in ms (Infinity when the message never expires). */
  timeToLive: number;
  sequenceNumber: number;
  enqueuedTimeUtc: Date;
  expiresAtUtc: Date;
  scheduledEnqueueTimeUtc?: Date;
  deliveryCount: number;
  state: MessageState;
  lockToken?: string;
  lockedUntilUtc?: Date;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  deadLetterSource?: string;
}

/** .NET DateTime.MaxValue, which Service Bus reports as the expiry of messages that never expire. */
export const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export interface MessageLimits {
  /** Whole message (body + properties); Standard tier 256 KB. */
  maxMessageBytes: number;
  /** Application properties; 64 KB. */
  maxApplicationPropertiesBytes: number;
  /** A batch of messages sent in one call; Standard tier 256 KB. */
  maxBatchBytes: number;
  /** Set false to accept oversized messages (e.g. to model the Premium tier). */
  enforce: boolean;
}

export const DEFAULT_LIMITS: MessageLimits = {
  maxMessageBytes: 256 * 1024,
  maxApplicationPropertiesBytes: 64 * 1024,
  maxBatchBytes: 256 * 1024,
  enforce: true,
};

const MAX_ID_LENGTH = 128;

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new InvalidMessageError(`Message ${field} must be a string, got ${typeof value}.`);
  return value;
}

function toBody(body: unknown): { body: Buffer; json: boolean } {
  // A copy: the sender may reuse its buffer, and a slice of a bigger one (a decoded AMQP frame) would keep all of it.
  if (Buffer.isBuffer(body)) return { body: Buffer.from(body), json: false };
  if (body instanceof Uint8Array) return { body: Buffer.from(body), json: false };
  if (typeof body === 'string') return { body: Buffer.from(body, 'utf8'), json: false };
  if (body === undefined) return { body: Buffer.alloc(0), json: false };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (e) {
    throw new InvalidMessageError(`Message body cannot be serialised as JSON: ${(e as Error).message}`);
  }
  if (text === undefined) throw new InvalidMessageError(`Message body of type ${typeof body} cannot be sent.`);
  return { body: Buffer.from(text, 'utf8'), json: true };
}

function checkProperties(props: Record<string, unknown>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(props)) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (value instanceof Date && !Number.isNaN(value.getTime()))
    ) {
      out[key] = value as PropertyValue;
    } else {
      throw new InvalidMessageError(
        `Application property '${key}' is ${Array.isArray(value) ? 'an array' : typeof value === 'number' ? String(value) : `a ${typeof value}`}; ` +
          'Service Bus application properties hold only strings, finite numbers, booleans, dates and null. Serialise structured data into the body.',
      );
    }
  }
  return out;
}

function toTime(value: Date | number | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw new InvalidMessageError(`Message ${field} must be a Date or epoch milliseconds.`);
  return ms;
}

/** Validates and normalises what a sender passed; sizes are checked separately (see `checkSize`). */
export function normaliseMessage(input: ServiceBusMessageInput): MessageContent {
  if (!input || typeof input !== 'object')
    throw new InvalidMessageError('A message must be an object with at least a body.');
  const { body, json } = toBody(input.body);
  const messageId = optionalString(input.messageId, 'messageId') ?? randomUUID().replace(/-/g, '');
  if (messageId.length === 0 || messageId.length > MAX_ID_LENGTH)
    throw new InvalidMessageError(
      `Message id '${messageId.slice(0, 40)}${messageId.length > 40 ? '…' : ''}' has ${messageId.length} characters; Service Bus allows 1 to ${MAX_ID_LENGTH}.`,
    );
  const sessionId = optionalString(input.sessionId, 'sessionId');
  if (sessionId !== undefined && sessionId.length > MAX_ID_LENGTH)
    throw new InvalidMessageError(
      `Session id has ${sessionId.length} characters; Service Bus allows ${MAX_ID_LENGTH}.`,
    );
  const ttl = input.timeToLive;
  if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl > 0)))
    throw new InvalidMessageError(`Message timeToLive must be a positive number of milliseconds, got ${String(ttl)}.`);
  const props = input.applicationProperties ?? {};
  if (typeof props !== 'object' || Array.isArray(props))
    throw new InvalidMessageError('Message applicationProperties must be an object of name → value.');
  return {
    body,
    contentType: optionalString(input.contentType, 'contentType') ?? (json ? 'application/json' : undefined),
    messageId,
    correlationId: optionalString(input.correlationId, 'correlationId'),
    subject: optionalString(input.subject, 'subject') ?? optionalString(input.label, 'label'),
    to: optionalString(input.to, 'to'),
    replyTo: optionalString(input.replyTo, 'replyTo'),
    replyToSessionId: optionalString(input.replyToSessionId, 'replyToSessionId'),
    sessionId,
    partitionKey: optionalString(input.partitionKey, 'partitionKey'),
    timeToLive: ttl,
    scheduledEnqueueTime: toTime(input.scheduledEnqueueTime, 'scheduledEnqueueTime'),
    applicationProperties: checkProperties(props),
  };
}

const utf8 = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** Approximate encoded size of the application properties: names plus values (8 bytes for numbers/dates). */
export function applicationPropertiesSize(props: Record<string, PropertyValue>): number {
  let size = 0;
  for (const [k, v] of Object.entries(props)) {
    size += utf8(k);
    if (typeof v === 'string') size += utf8(v);
    else if (typeof v === 'number' || v instanceof Date) size += 8;
    else if (typeof v === 'boolean') size += 1;
  }
  return size;
}

/** Body + system properties + application properties, the way the broker counts a message against 256 KB. */
export function messageSize(m: MessageContent): number {
  return (
    m.body.length +
    utf8(m.messageId) +
    utf8(m.contentType) +
    utf8(m.correlationId) +
    utf8(m.subject) +
    utf8(m.to) +
    utf8(m.replyTo) +
    utf8(m.replyToSessionId) +
    utf8(m.sessionId) +
    utf8(m.partitionKey) +
    applicationPropertiesSize(m.applicationProperties)
  );
}

/** Throws MessageSizeExceededError when a message or a batch is over the Standard-tier limits. */
export function checkSizes(messages: MessageContent[], entity: string, limits: MessageLimits): void {
  if (!limits.enforce) return;
  let total = 0;
  for (const m of messages) {
    const props = applicationPropertiesSize(m.applicationProperties);
    if (props > limits.maxApplicationPropertiesBytes)
      throw new MessageSizeExceededError(
        'applicationProperties',
        props,
        limits.maxApplicationPropertiesBytes,
        `The application properties of message '${m.messageId}' sent to '${entity}'`,
      );
    const size = messageSize(m);
    if (size > limits.maxMessageBytes)
      throw new MessageSizeExceededError(
        'message',
        size,
        limits.maxMessageBytes,
        `Message '${m.messageId}' sent to '${entity}' (body ${m.body.length} bytes + properties ${size - m.body.length} bytes)`,
      );
    total += size;
  }
  if (messages.length > 1 && total > limits.maxBatchBytes)
    throw new MessageSizeExceededError(
      'batch',
      total,
      limits.maxBatchBytes,
      `The batch of ${messages.length} messages sent to '${entity}'`,
    );
}

/** A copy safe to hand out: the caller cannot change the stored message through it. */
export function snapshot(m: StoredMessage, entityPath: string): ReceivedMessage {
  const props = { ...m.applicationProperties };
  const reason = props.DeadLetterReason;
  const description = props.DeadLetterErrorDescription;
  return {
    entityPath,
    // Bodies are never written to once stored (senders' bytes are copied on the way in), so receivers share them.
    body: m.body,
    contentType: m.contentType,
    messageId: m.messageId,
    correlationId: m.correlationId,
    subject: m.subject,
    to: m.to,
    replyTo: m.replyTo,
    replyToSessionId: m.replyToSessionId,
    sessionId: m.sessionId,
    partitionKey: m.partitionKey,
    timeToLive: m.effectiveTimeToLive,
    applicationProperties: props,
    sequenceNumber: m.sequenceNumber,
    enqueuedTimeUtc: new Date(m.enqueuedTime),
    expiresAtUtc: new Date(Math.min(m.expiresAt, MAX_DATE_MS)),
    scheduledEnqueueTimeUtc: m.scheduledEnqueueTime === undefined ? undefined : new Date(m.scheduledEnqueueTime),
    deliveryCount: m.deliveryCount,
    state: m.state,
    lockToken: m.lockToken,
    lockedUntilUtc: m.lockedUntil === undefined ? undefined : new Date(m.lockedUntil),
    deadLetterReason: typeof reason === 'string' ? reason : undefined,
    deadLetterErrorDescription: typeof description === 'string' ? description : undefined,
    deadLetterSource: m.deadLetterSource,
  };
}

/** Copies a message's content so each subscription (or the dead-letter queue) owns its own. */
export function copyContent(m: MessageContent): MessageContent {
  return {
    body: m.body,
    contentType: m.contentType,
    messageId: m.messageId,
    correlationId: m.correlationId,
    subject: m.subject,
    to: m.to,
    replyTo: m.replyTo,
    replyToSessionId: m.replyToSessionId,
    sessionId: m.sessionId,
    partitionKey: m.partitionKey,
    timeToLive: m.timeToLive,
    scheduledEnqueueTime: m.scheduledEnqueueTime,
    applicationProperties: { ...m.applicationProperties },
  };
}

/**
 * The body as an application would read it: parsed JSON when it is JSON (by content type or by shape),
 * otherwise UTF-8 text. For tests and operator tools.
 */
export function decodeBody(m: { body: Buffer; contentType?: string }): unknown {
  const text = m.body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
