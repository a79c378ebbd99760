import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { appPorts } from '../adapters/appPorts';
import { errorResponse } from './errorResponse';
import { findLatestRun } from './orderIntake';
import { refuseOrderId } from './orderIdParam';

/**
 * GET /api/orders/{id}: the order as received and its saga's status, step and outcome: of its newest run, so an
 * order an operator restarted shows the attempt under way, not the one that was compensated.
 */
export async function getOrder(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.id;
  const refused = refuseOrderId(orderId, 'path {id}');
  if (refused) return refused;
  const [record, saga] = await Promise.all([
    appPorts().orders.get(orderId),
    findLatestRun(df.getClient(context), orderId),
  ]);
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
            run: saga.instanceId,
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
