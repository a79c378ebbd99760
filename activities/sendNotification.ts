import type { StepInput, StepResult } from '../saga/domain/saga';
import type { EmailSender, NotificationOutbox } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/**
 * Tells the customer the order is confirmed. The outbox entry (one per order and kind) records the attempt
 * before the send and the result after, and its id is the e-mail service's repeatability key, so a retry after
 * a crash between the two never sends a second e-mail.
 */
export async function sendNotification(
  input: StepInput,
  outbox: NotificationOutbox,
  email: EmailSender,
): Promise<StepResult<{ outboxId: string; messageId?: string; alreadySent: boolean }>> {
  const { order } = input;
  const entry = await outbox.claim({
    orderId: order.orderId,
    kind: 'orderConfirmed',
    to: order.customer.email,
    subject: `Order ${order.orderId} confirmed`,
    body: `Thank you for your order ${order.orderId}: ${order.lines.length} line(s), ${order.total.toFixed(2)} ${order.currency}.`,
  });
  if (entry.status === 'sent')
    return { ok: true, data: { outboxId: entry.id, messageId: entry.providerMessageId, alreadySent: true } };
  entry.attempts += 1;
  try {
    const sent = await email.send({ to: entry.to, subject: entry.subject, body: entry.body, idempotencyKey: entry.id });
    if (sent.ok) {
      await outbox.record({ ...entry, status: 'sent', providerMessageId: sent.data.messageId, lastError: undefined });
      return { ok: true, data: { outboxId: entry.id, messageId: sent.data.messageId, alreadySent: false } };
    }
    await outbox.record({ ...entry, status: 'failed', lastError: `${sent.code}: ${sent.reason}` });
    return sent;
  } catch (e) {
    await outbox.record({ ...entry, lastError: (e as Error).message });
    throw e;
  }
}

export const sendNotificationActivity = sagaActivity('sendNotification', (input) =>
  sendNotification(input, appPorts().outbox, appPorts().email),
);
