import { createHmac } from 'node:crypto';
import { MessageSender, MessageTooLargeError, ServiceBusSendError } from './messageSender';
import type { OutboundMessage } from './outboundMessage';

export function sasToken(resourceUri: string, keyName: string, key: string, expiresAtSeconds: number): string {
  const sr = encodeURIComponent(resourceUri);
  const sig = createHmac('sha256', key).update(`${sr}\n${expiresAtSeconds}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expiresAtSeconds}&skn=${keyName}`;
}

/**
 * JSON in ASCII: header values must be bytes. Non-ASCII can only occur inside JSON strings, where a \uXXXX escape
 * means the same, so the receiver's JSON decoding restores it.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function brokerProperties(m: OutboundMessage): Record<string, string> {
  return {
    MessageId: m.messageId,
    ...(m.subject ? { Label: m.subject } : {}),
    ...(m.correlationId ? { CorrelationId: m.correlationId } : {}),
  };
}

/**
 * The Service Bus REST protocol. Azure Service Bus serves it at https://<ns>.servicebus.windows.net, and the
 * embedded platform's emulation serves it locally, where no AMQP endpoint exists.
 */
export class RestMessageSender implements MessageSender {
  constructor(
    private readonly endpoint: string,
    private readonly sas?: { keyName: string; key: string },
  ) {}

  async send(entity: string, messages: OutboundMessage[]): Promise<void> {
    // The batch format carries bodies as JSON strings; bytes go one by one as raw bodies.
    for (const m of messages) if (typeof m.body !== 'string') await this.sendRaw(entity, m);
    const text = messages.filter((m) => typeof m.body === 'string');
    if (!text.length) return;
    const body = text.map((m) => ({
      Body: m.body,
      BrokerProperties: { ...brokerProperties(m), ContentType: m.contentType },
      UserProperties: m.applicationProperties ?? {},
    }));
    await this.post(
      entity,
      { 'content-type': 'application/vnd.microsoft.servicebus.json' },
      JSON.stringify(body),
      text.length,
    );
  }

  /** The single-message form: raw body, broker properties and custom properties (JSON-quoted) as headers. */
  private async sendRaw(entity: string, m: OutboundMessage): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': m.contentType,
      BrokerProperties: asciiJson(brokerProperties(m)),
    };
    for (const [k, v] of Object.entries(m.applicationProperties ?? {}))
      headers[k] = typeof v === 'string' ? asciiJson(v) : String(v);
    await this.post(entity, headers, m.body, 1);
  }

  private async post(
    entity: string,
    headers: Record<string, string>,
    body: string | Uint8Array,
    count: number,
  ): Promise<void> {
    const entityUri = `${this.endpoint.replace(/\/$/, '')}/${encodeURIComponent(entity)}`;
    if (this.sas)
      headers.authorization = sasToken(entityUri, this.sas.keyName, this.sas.key, Math.floor(Date.now() / 1000) + 300);
    let response: Response;
    try {
      response = await fetch(`${entityUri}/messages`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new ServiceBusSendError(`Sending to Service Bus entity '${entity}' failed: ${(e as Error).message}`, true);
    }
    if (response.status === 201 || response.status === 200) return;
    const text = await response.text();
    if (response.status === 413)
      throw new MessageTooLargeError(
        `Service Bus refused ${count} message(s) for '${entity}' as too large: ${text.slice(0, 500)}`,
      );
    throw new ServiceBusSendError(
      `Service Bus refused ${count} message(s) for '${entity}': ${response.status} ${text.slice(0, 500)}`,
      response.status >= 500 || response.status === 429,
    );
  }

  async close(): Promise<void> {}
}
