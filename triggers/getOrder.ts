import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ORDER_ID_PATTERN } from '../saga/domain/order';
import { appPorts } from '../adapters/appPorts';
import { errorResponse } from './errorResponse';
import { findSaga } from './orderIntake';

/** GET /api/orders/{id}: the order as received and its saga's status, step and outcome. */
export async function getOrder(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.id;
  if (!ORDER_ID_PATTERN.test(orderId))
    return errorResponse(400, {
      code: 'InvalidOrderId',
      message: `"${orderId}" is not an order id.`,
      where: 'path {id}',
      fix: 'An order id is 1–64 letters, digits, "-" or "_", starting with a letter or digit.',
    });
  const [record, saga] = await Promise.all([appPorts().orders.get(orderId), findSaga(df.getClient(context), orderId)]);
  if (!record && !saga)
    return errorResponse(404, {
      code: 'OrderNotFound',
      message: `No order ${orderId} was placed.`,
      where: 'path {id}',
      fix: 'Use the orderUri that POST /api/orders answered with.',
    });
  return {
    status: 200,
    jsonBody: {
      orderId,
      order: record?.order,
      receivedAt: record?.receivedAt,
      via: record?.via,
      saga: saga
        ? {
            runtimeStatus: saga.runtimeStatus,
            customStatus: saga.customStatus,
            output: saga.output,
            createdTime: saga.createdTime,
            lastUpdatedTime: saga.lastUpdatedTime,
          }
        : null,
    },
  };
}

app.http('getOrder', {
  route: 'orders/{id}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: getOrder,
});
