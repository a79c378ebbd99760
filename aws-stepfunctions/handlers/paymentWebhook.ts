import {
  classifyPaymentWebhook,
  PAYMENT_CONFIRMATION_EVENT,
  paymentWebhookSecret,
  SIGNATURE_HEADER,
} from '../../adapters/paymentWebhook';
import { httpErrorBody } from '../../adapters/httpError';
import { raiseSagaEvent } from '../sagaEvents';
import { type FunctionUrlRequest, type FunctionUrlResponse, header, jsonResponse, rawBody } from './functionUrl';

/**
 * The payment gateway's webhook on AWS (a Lambda function URL): the same checks and answers as the Azure
 * function (triggers/paymentWebhook.ts), then the confirmation is raised as the saga event. It answers 202 also
 * when no wait is registered yet (the event is kept for it) or the wait expects another charge, as Durable
 * buffers or skips such an event; 200 `ignored` when the execution is over.
 */
export async function handler(event: FunctionUrlRequest): Promise<FunctionUrlResponse> {
  const method = event.requestContext?.http?.method;
  if (method && method.toUpperCase() !== 'POST')
    return jsonResponse(
      405,
      httpErrorBody({
        code: 'MethodNotAllowed',
        message: `The payment webhook takes POST, not ${method}.`,
        where: 'method',
        fix: 'POST the gateway event.',
      }),
      { allow: 'POST' },
    );
  const verdict = classifyPaymentWebhook(rawBody(event), header(event, SIGNATURE_HEADER), paymentWebhookSecret());
  if (verdict.kind === 'answer') {
    if (verdict.warning) console.warn(verdict.warning);
    return jsonResponse(verdict.status, verdict.body);
  }
  const { confirmation, eventId } = verdict;
  const outcome = await raiseSagaEvent(confirmation.orderId, PAYMENT_CONFIRMATION_EVENT, confirmation);
  if (outcome === 'moot') {
    console.log(`Payment webhook ${eventId} for order ${confirmation.orderId} ignored: its execution is over.`);
    return jsonResponse(200, {
      ignored: `the saga of order ${confirmation.orderId} no longer waits for ${PAYMENT_CONFIRMATION_EVENT} (its execution is over)`,
    });
  }
  console.log(`Payment ${confirmation.status} for order ${confirmation.orderId} (charge ${confirmation.chargeId}).`);
  return jsonResponse(202, { orderId: confirmation.orderId, event: PAYMENT_CONFIRMATION_EVENT });
}
