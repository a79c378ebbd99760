import type { z } from 'zod';
import { orderSaga } from '../saga/definition/orderSaga';
import { PaymentConfirmedSchema } from '../saga/domain/events';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import { httpErrorBody, type HttpErrorBody, type HttpErrorDetail } from './httpError';
import { verifyPaymentWebhook, WebhookSignatureError } from './paymentWebhookSignature';
import { requiredSetting } from './settings';

export type PaymentConfirmation = z.output<typeof PaymentConfirmedSchema>;

/** The saga event a payment confirmation becomes: the definition's, so the webhooks and the saga cannot drift. */
export const PAYMENT_CONFIRMATION_EVENT = orderSaga.steps.find((s) => s.awaitEvent)!.awaitEvent!.event;

/** The header the gateway signs with, as both webhooks read it (header names are case-insensitive). */
export const SIGNATURE_HEADER = 'gateway-signature';

/** The JSON body every webhook answer carries, whichever cloud serves it. */
export type WebhookAnswerBody = HttpErrorBody | { ignored: string };

/**
 * What to do with a webhook call: answer at once (`answer`; `warning` is worth logging), or raise the saga
 * event (`confirmation`).
 */
export type PaymentWebhookVerdict =
  | { kind: 'answer'; status: number; body: WebhookAnswerBody; warning?: string }
  | { kind: 'confirmation'; eventId?: string; confirmation: PaymentConfirmation };

const rejection = (status: number, detail: HttpErrorDetail, extra: Record<string, unknown> = {}) => ({
  kind: 'answer' as const,
  status,
  body: httpErrorBody(detail, extra),
});

const SIGNING = 'Sign the raw body with PAYMENT_WEBHOOK_SECRET as the gateway does (Gateway-Signature: t=…,v1=…).';

/** The secret the gateway signs webhooks with (PAYMENT_WEBHOOK_SECRET). */
export function paymentWebhookSecret(): string {
  return requiredSetting('PAYMENT_WEBHOOK_SECRET', 'checking payment webhook signatures');
}

/**
 * The part of the payment webhook both clouds share: the signature over the raw body (401), the JSON (400), the
 * event types we handle (others are acknowledged with 200 so the gateway stops sending them) and the
 * confirmation's data (400 naming each field). Deciding whether the saga still waits is the caller's.
 */
export function classifyPaymentWebhook(
  rawBody: string,
  signature: string | null,
  secret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): PaymentWebhookVerdict {
  try {
    verifyPaymentWebhook(secret, signature, rawBody, nowSeconds);
  } catch (e) {
    if (e instanceof WebhookSignatureError)
      return {
        ...rejection(401, {
          code: 'InvalidSignature',
          message: e.message,
          where: 'header Gateway-Signature',
          fix: SIGNING,
        }),
        warning: `Payment webhook rejected: ${e.message}`,
      };
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch (e) {
    return rejection(400, {
      code: 'InvalidJson',
      message: `The webhook body is not valid JSON: ${(e as Error).message}`,
      where: 'body',
      fix: 'Send the gateway event as JSON.',
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return rejection(400, {
      code: 'InvalidJson',
      message: 'The webhook body must be a JSON object (a gateway event).',
      where: 'body',
      fix: 'Send the gateway event as a JSON object: {"id","type","data":{…}}.',
    });
  const event = parsed as { id?: string; type?: string; data?: Record<string, unknown> };
  if (event.type !== 'charge.succeeded' && event.type !== 'charge.failed')
    return {
      kind: 'answer',
      status: 200,
      body: { ignored: `event type ${JSON.stringify(event.type)} is not handled` },
    };
  try {
    const d = event.data ?? {};
    const confirmation = parseOrThrow(
      PaymentConfirmedSchema,
      { orderId: d.orderId, chargeId: d.chargeId, status: d.status, amount: d.amount, currency: d.currency },
      'payment webhook data',
    );
    return { kind: 'confirmation', eventId: event.id, confirmation };
  } catch (e) {
    if (e instanceof ValidationError)
      return rejection(
        400,
        {
          code: 'InvalidPaymentEvent',
          message: e.message,
          where: 'body.data',
          fix: 'Correct each field listed in issues (orderId, chargeId, status, amount in minor units, currency).',
        },
        { issues: e.issues },
      );
    throw e;
  }
}
