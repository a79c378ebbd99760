import type { Delivery, EventContext, Message, Receiver } from 'rhea';
import type { ServiceBusNamespace } from '../namespace';
import { toAmqpError } from './amqpErrors';
import { decodeTransfer, toMessageInput } from './amqpMessage';
import { accepted, rejected } from './outcomes';

/**
 * A client's sending link to a queue or topic. Each transfer (one message, or a batch in format 0x80013700) is
 * one `send` to the namespace; the delivery is accepted only once the messages are committed, so a `kill -9`
 * loses nothing the sender saw acknowledged. A message the broker refuses is rejected with the service's
 * condition (size, content, entity), and the link stays up for the next one.
 */
export class InboundLink {
  constructor(
    private readonly namespace: ServiceBusNamespace,
    private readonly entityPath: string,
    link: Receiver,
  ) {
    // A transfer whose connection dropped before the commit has nobody left to answer.
    link.on('message', (context: EventContext) => void this.receive(context).catch(() => undefined));
  }

  private async receive(context: EventContext): Promise<void> {
    const delivery = context.delivery as Delivery;
    let outcome: unknown;
    try {
      const format = (context as { format?: number }).format;
      const messages = decodeTransfer(context.message as Message | Buffer as Message, format);
      this.namespace.send(this.entityPath, messages.map(toMessageInput));
      await this.namespace.whenCommitted();
      outcome = accepted();
    } catch (e) {
      outcome = rejected(toAmqpError(e));
    }
    delivery.update(true, outcome as never);
  }
}
