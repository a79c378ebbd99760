import type { IntegrationEvent } from '../../saga/domain/events';
import type { EventPublisher } from '../../saga/ports';
import type { MessageSender } from './messageSender';
import { toServiceBusMessage } from './outboundMessage';

export class ServiceBusEventPublisher implements EventPublisher {
  constructor(
    private readonly sender: () => MessageSender,
    private readonly topic: () => string,
  ) {}

  async publish(events: IntegrationEvent[]): Promise<void> {
    await this.sender().send(this.topic(), events.map(toServiceBusMessage));
  }
}
