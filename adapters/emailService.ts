import { createHash } from 'node:crypto';
import type { StepResult } from '../saga/domain/saga';
import type { EmailSender } from '../saga/ports';
import { callEndpoint, OutboundAnswer } from './outboundHttp';
import { intSettingOr, optionalSetting, requiredSetting } from './settings';

export class EmailServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailServiceUnavailableError';
  }
}

/** Azure Communication Services wants a UUID as repeatability id; derive a stable one from our key. */
export function repeatabilityId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The service's JSON answer; an answer that is not JSON (a proxy's error page, say) is judged by its status alone. */
function parsedAnswer(text: string): { id?: string; error?: { code?: string; message?: string } } {
  try {
    return (text ? JSON.parse(text) : {}) as { id?: string; error?: { code?: string; message?: string } };
  } catch {
    return {};
  }
}

/**
 * Azure Communication Services Email (`POST /emails:send`), with the repeatability headers that make the
 * service send a message at most once however often we retry.
 */
export class AcsEmailSender implements EmailSender {
  async send(message: {
    to: string;
    subject: string;
    body: string;
    idempotencyKey: string;
  }): Promise<StepResult<{ messageId: string }>> {
    const endpoint = requiredSetting('EMAIL_SERVICE_URL', 'sending order notifications');
    const sender = optionalSetting('EMAIL_SENDER', 'DoNotReply@orders.contoso.example');
    const timeoutMs = intSettingOr('EMAIL_SERVICE_TIMEOUT_MS', 10_000);
    const id = repeatabilityId(message.idempotencyKey);
    let response: OutboundAnswer;
    try {
      response = await callEndpoint(`${endpoint.replace(/\/$/, '')}/emails:send?api-version=2023-03-31`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'repeatability-request-id': id,
          'repeatability-first-sent': new Date().toUTCString(),
          ...(process.env.EMAIL_SERVICE_KEY ? { authorization: `Bearer ${process.env.EMAIL_SERVICE_KEY}` } : {}),
        },
        body: JSON.stringify({
          senderAddress: sender,
          recipients: { to: [{ address: message.to }] },
          content: { subject: message.subject, plainText: message.body },
        }),
        timeoutMs,
      });
    } catch (e) {
      throw new EmailServiceUnavailableError(`Email service: ${(e as Error).message}`);
    }
    const body = parsedAnswer(response.text);
    if (response.status >= 500 || response.status === 429)
      throw new EmailServiceUnavailableError(
        `Email service answered ${response.status}: ${body.error?.message ?? ''}`.trim(),
      );
    if (response.status >= 400)
      return {
        ok: false,
        code: 'NotificationRejected',
        reason: `${body.error?.code ?? response.status}: ${body.error?.message ?? 'no details'}`,
      };
    return { ok: true, data: { messageId: body.id ?? id } };
  }
}
