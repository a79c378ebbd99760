import type { TokenCredential } from '@azure/identity';
import { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { type MessageSender, MessageTooLargeError } from './messageSender';
import type { OutboundMessage } from './outboundMessage';

/** Where the namespace is: a connection string (SAS), or its host name with an identity (Entra ID). */
export type ServiceBusTarget = string | { fullyQualifiedNamespace: string; credential: TokenCredential };

/**
 * `@azure/service-bus` over AMQP, for a real namespace: the ServiceBusConnection connection string, or
 * ServiceBusConnection__fullyQualifiedNamespace with the app's identity, as the Functions host reads them.
 */
export class SdkMessageSender implements MessageSender {
  private readonly client: ServiceBusClient;
  private readonly senders = new Map<string, ServiceBusSender>();

  constructor(target: ServiceBusTarget) {
    this.client =
      typeof target === 'string'
        ? new ServiceBusClient(target)
        : new ServiceBusClient(target.fullyQualifiedNamespace, target.credential);
  }

  async send(entity: string, messages: OutboundMessage[]): Promise<void> {
    let sender = this.senders.get(entity);
    if (!sender) {
      sender = this.client.createSender(entity);
      this.senders.set(entity, sender);
    }
    let batch = await sender.createMessageBatch();
    for (const m of messages) {
      const message = {
        body: m.body,
        contentType: m.contentType,
        messageId: m.messageId,
        subject: m.subject,
        correlationId: m.correlationId,
        applicationProperties: m.applicationProperties,
      };
      if (!batch.tryAddMessage(message)) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(message))
          throw new MessageTooLargeError(
            `Message ${m.messageId} for '${entity}' is larger than a Service Bus message may be.`,
          );
      }
    }
    if (batch.count) await sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
