import { app, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { parseIntegrationEvent } from '../saga/domain/events';
import type { Order } from '../saga/domain/order';
import { ValidationError } from '../saga/domain/validation';
import { appPorts } from '../adapters/appPorts';
import { optionalSetting } from '../adapters/settings';
import { acceptOrder } from './orderIntake';
import { setAside } from './setAside';

export const ORDERS_TOPIC = 'orders';
export const ORDER_SAGA_SUBSCRIPTION = 'order-saga';

class MalformedMessageError extends Error {}

function bodyText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (Buffer.isBuffer(message) || message instanceof Uint8Array) return Buffer.from(message).toString('utf8');
  return JSON.stringify(message);
}

function asEvent(message: unknown): unknown {
  if (typeof message !== 'string' && !Buffer.isBuffer(message) && !(message instanceof Uint8Array)) return message;
  try {
    return JSON.parse(bodyText(message));
  } catch (e) {
    throw new MalformedMessageError(`The body is not JSON: ${(e as Error).message}`);
  }
}

/** Moves a message that can never succeed to the invalid-messages queue, with the reason, keeping its id. */
async function setAsideInvalid(
  message: unknown,
  context: InvocationContext,
  reason: string,
  description: string,
): Promise<void> {
  await setAside(
    context,
    optionalSetting('INVALID_MESSAGES_QUEUE', 'orders-invalid'),
    `${ORDERS_TOPIC}/Subscriptions/${ORDER_SAGA_SUBSCRIPTION}`,
    [
      {
        body: message,
        messageId: String(context.triggerMetadata?.messageId ?? ''),
        contentType: context.triggerMetadata?.contentType as string | undefined,
        applicationProperties: context.triggerMetadata?.applicationProperties as Record<string, unknown> | undefined,
        reason,
        description,
      },
    ],
  );
}

/**
 * OrderPlaced (a CloudEvent on the `orders` topic) → the order's saga. Repeats start nothing. A message that can
 * never succeed (not JSON, not a valid OrderPlaced) is moved to the invalid-messages queue with the reason, the
 * way the dead-letter queue records it, and completed, instead of failing ten deliveries first; the Node worker
 * cannot dead-letter a message itself. Anything else that throws is retried by Service Bus and, after
 * MaxDeliveryCount deliveries, dead-lettered by it.
 */
export async function orderPlaced(message: unknown, context: InvocationContext): Promise<void> {
  const messageId = String(context.triggerMetadata?.messageId ?? '');
  let order: Order;
  try {
    order = parseIntegrationEvent(asEvent(message), 'OrderPlaced').data as Order;
  } catch (e) {
    if (!(e instanceof ValidationError) && !(e instanceof MalformedMessageError)) throw e;
    await setAsideInvalid(
      message,
      context,
      e instanceof ValidationError ? 'InvalidEvent' : 'MalformedMessage',
      e.message,
    );
    return;
  }
  const result = await acceptOrder(df.getClient(context), appPorts().orders, order, `servicebus:${messageId}`);
  if (result.kind === 'started') context.log(`Order ${order.orderId}: saga started from message ${messageId}.`);
  else if (result.kind === 'conflict') await setAsideInvalid(message, context, 'OrderIdConflict', result.message);
  else
    context.log(
      `Order ${order.orderId}: message ${messageId} ignored, the saga is ${result.runtimeStatus} (${result.kind === 'alreadyFinished' ? 'finished' : 'in progress'}).`,
    );
}

app.serviceBusTopic('orderPlaced', {
  connection: 'ServiceBusConnection',
  topicName: ORDERS_TOPIC,
  subscriptionName: ORDER_SAGA_SUBSCRIPTION,
  extraInputs: [df.input.durableClient()],
  handler: orderPlaced,
});
