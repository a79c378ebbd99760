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

/** Service Bus refused a message for its size (413 / MessageSizeExceeded): retrying the same message cannot help. */
export class MessageTooLargeError extends ServiceBusSendError {
  constructor(message: string) {
    super(message, false);
    this.name = 'MessageTooLargeError';
  }
}
