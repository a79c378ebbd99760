import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { ORDER_ID_PATTERN } from '../../saga/domain/order';
import { durableClientInput, opsEdge } from './opsEdge';
import { readJson } from './opsReplays';
import { refuseOrderId } from '../orderIdParam';

const decisionBody = z.object({ action: z.string(), note: z.string().optional() });

/**
 * POST /api/ops/sagas/{orderId}/decision: `retryCompensation` or `markResolved` (with a note) for a parked saga,
 * on whichever engine it waits. Who decided is the key's name.
 */
export async function decisionHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.orderId;
  const refused = refuseOrderId(orderId, 'path {orderId}');
  if (refused) return refused;
  return opsEdge(request, context, 'operator', async (ops, caller) => {
    const body = await readJson(request, decisionBody);
    return { status: 202, jsonBody: await ops.decide(caller, orderId, body) };
  });
}

const actionBody = z.strictObject({ reason: z.string({ error: 'is required: say why (recorded in the audit)' }) });

/** POST /api/ops/sagas/{orderId}/terminate: stops the order's runs in progress. */
export async function terminateHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const orderId = request.params.orderId;
  const refused = refuseOrderId(orderId, 'path {orderId}');
  if (refused) return refused;
  return opsEdge(request, context, 'operator', async (ops, caller) => {
    const body = await readJson(request, actionBody);
    return { status: 200, jsonBody: await ops.terminate(caller, orderId, body.reason) };
  });
}

const purgeBody = z.strictObject({
  orderIds: z
    .array(z.string().regex(ORDER_ID_PATTERN, 'must be an order id'))
    .min(1, 'must name each order to purge')
    .max(1000),
  reason: z.string({ error: 'is required: say why (recorded in the audit)' }),
});

/** POST /api/ops/purges: deletes the history of the named orders' runs that are over (Durable only). */
export async function purgeHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return opsEdge(request, context, 'operator', async (ops, caller) => {
    const body = await readJson(request, purgeBody);
    return { status: 200, jsonBody: await ops.purge(caller, body.orderIds, body.reason) };
  });
}

app.http('opsDecision', {
  route: 'ops/sagas/{orderId}/decision',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: decisionHttp,
});
app.http('opsTerminate', {
  route: 'ops/sagas/{orderId}/terminate',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: terminateHttp,
});
app.http('opsPurge', {
  route: 'ops/purges',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: purgeHttp,
});
