import { message as amqpMessage, types, type Message } from 'rhea';
import { InvalidMessageError } from '../errors';
import type { PropertyValue, ReceivedMessage, ServiceBusMessageInput } from '../message';

/** The message format of a batch: one data section per encoded message (`ServiceBusSender.sendMessages`). */
export const BATCH_FORMAT = 0x80013700;

const ANNOTATION = {
  sequenceNumber: 'x-opt-sequence-number',
  enqueuedTime: 'x-opt-enqueued-time',
  lockedUntil: 'x-opt-locked-until',
  scheduledEnqueueTime: 'x-opt-scheduled-enqueue-time',
  partitionKey: 'x-opt-partition-key',
  deadLetterSource: 'x-opt-deadletter-source',
  messageState: 'x-opt-message-state',
  enqueueSequenceNumber: 'x-opt-enqueue-sequence-number',
} as const;

interface BodySection {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(body: unknown): body is BodySection {
  return typeof body === 'object' && body !== null && 'typecode' in body && 'content' in body;
}

/**
 * The bytes a message body stands for. Data sections are taken as they are (what `@azure/service-bus` sends);
 * an AMQP value is UTF-8 text when it is a string and JSON otherwise, since the broker keeps bytes only.
 */
function bodyBytes(body: unknown): Buffer {
  if (isSection(body)) {
    if (body.typecode === 0x75) {
      const parts = (body.multiple ? (body.content as unknown[]) : [body.content]).map((p) =>
        Buffer.isBuffer(p) ? p : Buffer.from(String(p)),
      );
      return parts.length === 1 ? parts[0] : Buffer.concat(parts);
    }
    return Buffer.from(JSON.stringify(body.content));
  }
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('hex');
  throw new InvalidMessageError(`The message's ${field} must be a string, got ${typeof value}.`);
}

function time(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
}

/** Decodes one encoded message (`$management` requests carry them as binary). */
export function decodeMessage(bytes: Buffer): Message {
  return amqpMessage.decode(bytes) as unknown as Message;
}

/** A decoded AMQP message as the namespace takes it. */
export function toMessageInput(m: Message): ServiceBusMessageInput {
  const annotations = (m.message_annotations ?? {}) as Record<string, unknown>;
  const props = (m.application_properties ?? {}) as Record<string, unknown>;
  const applicationProperties: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(props))
    applicationProperties[key] = typeof value === 'bigint' ? Number(value) : (value as PropertyValue);
  const ttl = typeof m.ttl === 'number' && m.ttl > 0 ? m.ttl : undefined;
  return {
    body: bodyBytes(m.body),
    contentType: text(m.content_type, 'content-type'),
    messageId: text(m.message_id, 'message-id'),
    correlationId: text(m.correlation_id, 'correlation-id'),
    subject: text(m.subject, 'subject'),
    to: text(m.to, 'to'),
    replyTo: text(m.reply_to, 'reply-to'),
    replyToSessionId: text(m.reply_to_group_id, 'reply-to-group-id'),
    sessionId: text(m.group_id, 'group-id'),
    partitionKey: text(annotations[ANNOTATION.partitionKey], ANNOTATION.partitionKey),
    timeToLive: ttl,
    scheduledEnqueueTime: time(annotations[ANNOTATION.scheduledEnqueueTime]),
    applicationProperties,
  };
}

/** The messages one transfer carries: one, or a batch (each data section an encoded message). */
export function decodeTransfer(payload: Message | Buffer, format: number | undefined): Message[] {
  if (format === undefined || format === 0) return [payload as Message];
  if (format !== BATCH_FORMAT)
    throw new InvalidMessageError(
      `Message format 0x${format.toString(16)} is not one Service Bus accepts; send format 0 (one message) or 0x80013700 (a batch).`,
    );
  const envelope = amqpMessage.decode(payload as Buffer) as unknown as Message;
  const body = envelope.body as unknown;
  if (!isSection(body) || body.typecode !== 0x75)
    throw new InvalidMessageError('A batch (format 0x80013700) must carry one data section per encoded message.');
  const parts = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  return parts.map((p) => amqpMessage.decode(p) as unknown as Message);
}

/** A message as a receiver gets it: the body as one data section, the broker's state as annotations. */
export function toAmqpMessage(m: ReceivedMessage): Message {
  const annotations: Record<string, unknown> = {
    [ANNOTATION.sequenceNumber]: types.wrap_long(m.sequenceNumber),
    [ANNOTATION.enqueueSequenceNumber]: types.wrap_long(m.sequenceNumber),
    [ANNOTATION.enqueuedTime]: m.enqueuedTimeUtc,
  };
  if (m.lockedUntilUtc) annotations[ANNOTATION.lockedUntil] = m.lockedUntilUtc;
  if (m.partitionKey !== undefined) annotations[ANNOTATION.partitionKey] = m.partitionKey;
  if (m.deadLetterSource) annotations[ANNOTATION.deadLetterSource] = m.deadLetterSource;
  if (m.scheduledEnqueueTimeUtc) annotations[ANNOTATION.scheduledEnqueueTime] = m.scheduledEnqueueTimeUtc;
  if (m.state !== 'active') annotations[ANNOTATION.messageState] = m.state === 'deferred' ? 1 : 2;
  const out: Message = {
    body: amqpMessage.data_section(m.body),
    message_id: m.messageId,
    message_annotations: annotations,
    application_properties: m.applicationProperties,
    // AMQP counts earlier, failed deliveries; the model counts this one too.
    delivery_count: Math.max(0, m.deliveryCount - 1),
  };
  if (Number.isFinite(m.timeToLive) && m.timeToLive < 0xffffffff) out.ttl = m.timeToLive;
  if (m.contentType !== undefined) out.content_type = m.contentType;
  if (m.correlationId !== undefined) out.correlation_id = m.correlationId;
  if (m.subject !== undefined) out.subject = m.subject;
  if (m.to !== undefined) out.to = m.to;
  if (m.replyTo !== undefined) out.reply_to = m.replyTo;
  if (m.sessionId !== undefined) out.group_id = m.sessionId;
  if (m.replyToSessionId !== undefined) out.reply_to_group_id = m.replyToSessionId;
  return out;
}

/** Encoded, as `$management` answers carry messages (peek, receive by sequence number). */
export function encodeMessage(m: ReceivedMessage): Buffer {
  return amqpMessage.encode(toAmqpMessage(m));
}
