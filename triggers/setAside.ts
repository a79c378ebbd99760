import type { InvocationContext } from '@azure/functions';
import { appPorts } from '../adapters/appPorts';
import { MessageTooLargeError } from '../adapters/serviceBus/messageSender';
import type { OutboundMessage } from '../adapters/serviceBus/outboundMessage';

/** A message that can never succeed, as it was received, and why it is set aside. */
export interface SetAsideMessage {
  /** The body as received: bytes stay bytes; JSON the worker parsed is serialized again. */
  body: unknown;
  messageId: string;
  contentType?: string;
  applicationProperties?: Record<string, unknown>;
  reason: string;
  description: string;
}

/** The body as received: bytes stay bytes; JSON the worker parsed is serialized again. */
function rawBody(message: unknown): string | Uint8Array {
  if (Buffer.isBuffer(message) || message instanceof Uint8Array) return message;
  if (typeof message === 'string') return message;
  return JSON.stringify(message);
}

function scalarProperties(props: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(props ?? {}))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') kept[k] = v;
  return kept;
}

/** The copy of `m` that is set aside: its body and id, its original properties and the reason. */
function setAsideCopy(m: SetAsideMessage, source: string, keepOriginalProperties: boolean): OutboundMessage {
  return {
    body: rawBody(m.body),
    contentType: m.contentType || 'application/octet-stream',
    messageId: m.messageId || `${Date.now()}`,
    applicationProperties: {
      ...(keepOriginalProperties ? scalarProperties(m.applicationProperties) : {}),
      DeadLetterReason: m.reason,
      DeadLetterErrorDescription: keepOriginalProperties ? m.description.slice(0, 4096) : m.description.slice(0, 120),
      DeadLetterSource: source,
    },
  };
}

/**
 * Moves messages that can never succeed to a queue of set-aside messages, each with its reason, the way the
 * dead-letter queue records one (DeadLetterReason, DeadLetterErrorDescription, DeadLetterSource), keeping its id
 * and original properties so a corrected message can be sent back and pass the filters again. The Node worker
 * cannot dead-letter a message itself, and retrying a message that cannot succeed only delays it by ten
 * deliveries.
 *
 * One send per message: a batch has the same 256 KB limit as one message. A message so close to the limit that the
 * reason no longer fits beside its properties is set aside with the reason only (and a shortened description).
 * Throws when the queue still refuses: the trigger then fails and Service Bus redelivers, losing nothing.
 */
export async function setAside(
  context: InvocationContext,
  queue: string,
  source: string,
  messages: SetAsideMessage[],
): Promise<void> {
  const sender = appPorts().messages();
  for (const m of messages) {
    try {
      await sender.send(queue, [setAsideCopy(m, source, true)]);
    } catch (e) {
      if (!(e instanceof MessageTooLargeError)) throw e;
      await sender.send(queue, [setAsideCopy(m, source, false)]);
    }
    context.warn(`Message ${m.messageId} moved to ${queue}: ${m.reason}: ${m.description}`);
  }
}
