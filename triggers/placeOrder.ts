import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { OrderSchema } from '../saga/domain/order';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import { appPorts } from '../adapters/appPorts';
import { errorResponse } from './errorResponse';
import { isJsonContentType } from './jsonContentType';
import { acceptOrder } from './orderIntake';

/** POST /api/orders: validates the order, starts its saga, answers 202 with the order's URL to follow it. */
export async function placeOrder(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  if (!isJsonContentType(request.headers.get('content-type')))
    return errorResponse(415, {
      code: 'UnsupportedMediaType',
      message: `POST /api/orders takes JSON, not ${request.headers.get('content-type') ?? 'a body without content-type'}.`,
      where: 'header content-type',
      fix: 'Send the order with content-type: application/json.',
    });
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return errorResponse(400, {
      code: 'InvalidJson',
      message: `The request body is not valid JSON: ${(e as Error).message}.`,
      where: 'body',
      fix: 'Send the order as a JSON object (saga/contracts/Order.schema.json).',
    });
  }
  let order;
  try {
    order = parseOrThrow(OrderSchema, body, 'order');
  } catch (e) {
    if (e instanceof ValidationError)
      return errorResponse(
        400,
        {
          code: 'InvalidOrder',
          message: e.message,
          where: 'body',
          fix: 'Correct each field listed in issues (path and rule) and send the order again.',
        },
        { issues: e.issues },
      );
    throw e;
  }
  const client = df.getClient(context);
  const result = await acceptOrder(client, appPorts().orders, order, 'http');
  if (result.kind === 'conflict')
    return errorResponse(409, {
      code: 'OrderIdInUse',
      message: result.message,
      where: 'body.orderId',
      fix: 'Place this order under a new order id.',
    });
  // Only the order's own URL: the Durable management links carry the system key and let their holder raise
  // events, terminate, restart or purge any instance, which is the platform's business, never a customer's.
  const orderUri = new URL(`/api/orders/${encodeURIComponent(order.orderId)}`, request.url).toString();
  const links = { orderId: order.orderId, orderUri };
  if (result.kind === 'started') {
    context.log(`Order ${order.orderId} accepted; saga started.`);
    return { status: 202, headers: { location: orderUri }, jsonBody: { status: 'Accepted', ...links } };
  }
  context.log(`Order ${order.orderId} was placed before; its saga is ${result.runtimeStatus}. Nothing started.`);
  return {
    status: result.kind === 'alreadyRunning' ? 202 : 200,
    headers: { location: orderUri },
    jsonBody: { status: result.runtimeStatus, duplicate: true, ...links },
  };
}

app.http('placeOrder', {
  route: 'orders',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: placeOrder,
});
