import type { TokenCredential } from '@azure/identity';
import {
  isServiceBusError,
  ServiceBusClient,
  type ServiceBusClientOptions,
  type ServiceBusMessage,
  ServiceBusSender,
} from '@azure/service-bus';
import { type MessageSender, MessageTooLargeError, ServiceBusSendError } from './messageSender';
import type { OutboundMessage } from './outboundMessage';

/** Codes for which sending the same message again cannot succeed until someone changes the namespace or settings. */
const PERMANENT = new Set(['MessagingEntityNotFound', 'MessagingEntityDisabled', 'UnauthorizedAccess']);

/**
 * The body as bytes: the SDK JSON-encodes a string body (a CloudEvent would arrive as a quoted JSON string), while
 * bytes go on the wire unchanged, which is what consumers and the Functions trigger read.
 */
function toSdkMessage(m: OutboundMessage): ServiceBusMessage {
  return {
    body: typeof m.body === 'string' ? Buffer.from(m.body, 'utf8') : m.body,
    contentType: m.contentType,
    messageId: m.messageId,
    subject: m.subject,
    correlationId: m.correlationId,
    applicationProperties: m.applicationProperties,
  };
}

function sendError(e: unknown, entity: string, count: number): Error {
  if (e instanceof ServiceBusSendError) return e;
  // After its retries the SDK throws what every attempt failed with; the last one says why.
  if (e instanceof AggregateError && e.errors.length) return sendError(e.errors[e.errors.length - 1], entity, count);
  if (isServiceBusError(e)) {
    if (e.code === 'MessageSizeExceeded')
      return new MessageTooLargeError(
        `Service Bus refused ${count} message(s) for '${entity}' as too large: ${e.message}`,
      );
    return new ServiceBusSendError(
      `Service Bus refused ${count} message(s) for '${entity}': ${e.code}: ${e.message}`,
      !PERMANENT.has(e.code),
    );
  }
  return new ServiceBusSendError(`Sending to Service Bus entity '${entity}' failed: ${(e as Error).message}`, true);
}

/** Where the namespace is: a connection string (SAS), or its host name with an identity (Entra ID). */
export type ServiceBusTarget = string | { fullyQualifiedNamespace: string; credential: TokenCredential };

/**
 * `@azure/service-bus` over AMQP: the ServiceBusConnection connection string (a namespace in Azure, or the embedded
 * platform's local one, which fills the setting), or ServiceBusConnection__fullyQualifiedNamespace with the app's
 * identity. Messages go in as few batches as the link's size allows.
 */
export class SdkMessageSender implements MessageSender {
  private readonly client: ServiceBusClient;
  private readonly senders = new Map<string, ServiceBusSender>();

  constructor(target: ServiceBusTarget) {
    // A few quick retries: the SDK's default (three after 30 s each) outlasts the callers' own deadlines (an
    // EventBridge API destination waits 5 s), and a caller that gets a retriable error retries itself.
    const options: ServiceBusClientOptions = {
      retryOptions: { maxRetries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000, timeoutInMs: 10_000 },
    };
    this.client =
      typeof target === 'string'
        ? new ServiceBusClient(target, options)
        : new ServiceBusClient(target.fullyQualifiedNamespace, target.credential, options);
  }

  async send(entity: string, messages: OutboundMessage[]): Promise<void> {
    try {
      await this.sendBatches(entity, messages);
    } catch (e) {
      throw sendError(e, entity, messages.length);
    }
  }

  private async sendBatches(entity: string, messages: OutboundMessage[]): Promise<void> {
    let sender = this.senders.get(entity);
    if (!sender) {
      sender = this.client.createSender(entity);
      this.senders.set(entity, sender);
    }
    // One message goes as it is: a batch costs an envelope and a size check the service makes anyway.
    if (messages.length === 1) {
      await sender.sendMessages(toSdkMessage(messages[0]));
      return;
    }
    let batch = await sender.createMessageBatch();
    for (const m of messages) {
      const message = toSdkMessage(m);
      if (batch.tryAddMessage(message)) continue;
      if (batch.count) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (batch.tryAddMessage(message)) continue;
      }
      // Too large for a batch's envelope; alone it may still fit, and otherwise the service says so.
      await sender.sendMessages(message);
    }
    if (batch.count) await sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
