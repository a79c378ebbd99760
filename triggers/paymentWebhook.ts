import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import {
  classifyPaymentWebhook,
  PAYMENT_CONFIRMATION_EVENT,
  paymentWebhookSecret,
  SIGNATURE_HEADER,
} from '../adapters/paymentWebhook';
import { errorResponse } from './errorResponse';
import { findSaga } from './orderIntake';

/**
 * POST /api/payments/webhook: the gateway's asynchronous answer to a charge. A correctly signed
 * `charge.succeeded`/`charge.failed` becomes the saga's PaymentConfirmed event. Unknown orders get 404 so the
 * gateway retries (the saga may not have been stored yet); finished sagas get 200, the event being moot.
 */
export async function paymentWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const verdict = classifyPaymentWebhook(
    await request.text(),
    request.headers.get(SIGNATURE_HEADER),
    paymentWebhookSecret(),
  );
  if (verdict.kind === 'answer') {
    if (verdict.warning) context.warn(verdict.warning);
    return { status: verdict.status, jsonBody: verdict.body };
  }
  const { confirmation, eventId } = verdict;
  const client = df.getClient(context);
  const saga = await findSaga(client, confirmation.orderId);
  if (!saga)
    return errorResponse(404, {
      code: 'OrderNotFound',
      message: `No saga for order ${confirmation.orderId}.`,
      where: 'body.data.orderId',
      fix: 'None needed if the order was just placed: the gateway retries until its saga exists.',
    });
  if (!['Running', 'Pending', 'Suspended'].includes(saga.runtimeStatus)) {
    context.log(
      `Payment webhook ${eventId} for order ${confirmation.orderId} ignored: the saga is ${saga.runtimeStatus}.`,
    );
    return { status: 200, jsonBody: { ignored: `the saga of order ${confirmation.orderId} is ${saga.runtimeStatus}` } };
  }
  await client.raiseEvent(confirmation.orderId, PAYMENT_CONFIRMATION_EVENT, confirmation);
  context.log(`Payment ${confirmation.status} for order ${confirmation.orderId} (charge ${confirmation.chargeId}).`);
  return { status: 202, jsonBody: { orderId: confirmation.orderId, event: PAYMENT_CONFIRMATION_EVENT } };
}

app.http('paymentWebhook', {
  route: 'payments/webhook',
  methods: ['POST'],
  // The gateway proves itself with the signature, not with a function key.
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: paymentWebhook,
});
