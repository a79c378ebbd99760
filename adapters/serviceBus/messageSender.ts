import type { OutboundMessage } from './outboundMessage';

/** Sends messages to a Service Bus queue or topic. */
export interface MessageSender {
  send(entity: string, messages: OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

export class ServiceBusSendError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = 'ServiceBusSendError';
  }
}
