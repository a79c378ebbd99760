import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { orderSaga } from '../saga/definition/orderSaga';
import { PaymentConfirmedSchema } from '../saga/domain/events';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import { verifyPaymentWebhook, WebhookSignatureError } from '../adapters/paymentWebhookSignature';
import { requiredSetting } from '../adapters/settings';
import { errorResponse } from './errorResponse';
import { findSaga } from './orderIntake';

const CONFIRMATION_EVENT = orderSaga.steps.find((s) => s.awaitEvent)!.awaitEvent!.event;

/**
 * POST /api/payments/webhook: the gateway's asynchronous answer to a charge. A correctly signed
 * `charge.succeeded`/`charge.failed` becomes the saga's PaymentConfirmed event. Unknown orders get 404 so the
 * gateway retries (the saga may not have been stored yet); finished sagas get 200, the event being moot.
 */
export async function paymentWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const raw = await request.text();
  try {
    verifyPaymentWebhook(
      requiredSetting('PAYMENT_WEBHOOK_SECRET', 'checking payment webhook signatures'),
      request.headers.get('gateway-signature'),
      raw,
      Math.floor(Date.now() / 1000),
    );
  } catch (e) {
    if (e instanceof WebhookSignatureError) {
      context.warn(`Payment webhook rejected: ${e.message}`);
      return errorResponse(401, 'InvalidSignature', e.message);
    }
    throw e;
  }
  let event: { id?: string; type?: string; data?: Record<string, unknown> };
  try {
    event = JSON.parse(raw);
  } catch (e) {
    return errorResponse(400, 'InvalidJson', `The webhook body is not valid JSON: ${(e as Error).message}`);
  }
  if (event.type !== 'charge.succeeded' && event.type !== 'charge.failed')
    return { status: 200, jsonBody: { ignored: `event type ${JSON.stringify(event.type)} is not handled` } };
  let confirmation;
  try {
    const d = event.data ?? {};
    confirmation = parseOrThrow(
      PaymentConfirmedSchema,
      { orderId: d.orderId, chargeId: d.chargeId, status: d.status, amount: d.amount, currency: d.currency },
      'payment webhook data',
    );
  } catch (e) {
    if (e instanceof ValidationError) return errorResponse(400, 'InvalidPaymentEvent', e.message, { issues: e.issues });
    throw e;
  }
  const client = df.getClient(context);
  const saga = await findSaga(client, confirmation.orderId);
  if (!saga)
    return errorResponse(404, 'OrderNotFound', `No saga for order ${confirmation.orderId}; the gateway will retry.`);
  if (!['Running', 'Pending', 'Suspended'].includes(saga.runtimeStatus)) {
    context.log(
      `Payment webhook ${event.id} for order ${confirmation.orderId} ignored: the saga is ${saga.runtimeStatus}.`,
    );
    return { status: 200, jsonBody: { ignored: `the saga of order ${confirmation.orderId} is ${saga.runtimeStatus}` } };
  }
  await client.raiseEvent(confirmation.orderId, CONFIRMATION_EVENT, confirmation);
  context.log(`Payment ${confirmation.status} for order ${confirmation.orderId} (charge ${confirmation.chargeId}).`);
  return { status: 202, jsonBody: { orderId: confirmation.orderId, event: CONFIRMATION_EVENT } };
}

app.http('paymentWebhook', {
  route: 'payments/webhook',
  methods: ['POST'],
  // The gateway proves itself with the signature, not with a function key.
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: paymentWebhook,
});
