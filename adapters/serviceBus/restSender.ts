import { createHmac } from 'node:crypto';
import { MessageSender, ServiceBusSendError } from './messageSender';
import type { OutboundMessage } from './outboundMessage';

export function sasToken(resourceUri: string, keyName: string, key: string, expiresAtSeconds: number): string {
  const sr = encodeURIComponent(resourceUri);
  const sig = createHmac('sha256', key).update(`${sr}\n${expiresAtSeconds}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expiresAtSeconds}&skn=${keyName}`;
}

/**
 * The Service Bus REST protocol (batch send). Azure Service Bus serves it at https://<ns>.servicebus.windows.net,
 * and the embedded platform's emulation serves it locally, where no AMQP endpoint exists.
 */
export class RestMessageSender implements MessageSender {
  constructor(
    private readonly endpoint: string,
    private readonly sas?: { keyName: string; key: string },
  ) {}

  async send(entity: string, messages: OutboundMessage[]): Promise<void> {
    if (!messages.length) return;
    const entityUri = `${this.endpoint.replace(/\/$/, '')}/${encodeURIComponent(entity)}`;
    const url = `${entityUri}/messages`;
    const headers: Record<string, string> = { 'content-type': 'application/vnd.microsoft.servicebus.json' };
    if (this.sas)
      headers.authorization = sasToken(entityUri, this.sas.keyName, this.sas.key, Math.floor(Date.now() / 1000) + 300);
    const body = messages.map((m) => ({
      Body: m.body,
      BrokerProperties: {
        MessageId: m.messageId,
        ContentType: m.contentType,
        ...(m.subject ? { Label: m.subject } : {}),
        ...(m.correlationId ? { CorrelationId: m.correlationId } : {}),
      },
      UserProperties: m.applicationProperties ?? {},
    }));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new ServiceBusSendError(`Sending to Service Bus entity '${entity}' failed: ${(e as Error).message}`, true);
    }
    if (response.status === 201 || response.status === 200) return;
    const text = await response.text();
    throw new ServiceBusSendError(
      `Service Bus refused ${messages.length} message(s) for '${entity}': ${response.status} ${text.slice(0, 500)}`,
      response.status >= 500 || response.status === 429,
    );
  }

  async close(): Promise<void> {}
}
