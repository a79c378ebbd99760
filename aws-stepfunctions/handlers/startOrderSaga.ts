import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseIntegrationEvent } from '../../saga/domain/events';
import { OrderSchema, type Order } from '../../saga/domain/order';
import { parseOrThrow } from '../../saga/domain/validation';
import { sfnClient } from '../../adapters/aws/sfnClient';
import { requiredSetting } from '../../adapters/settings';

/**
 * The EventBridge event the OrderPlaced rule delivers. `detail` is the whole OrderPlaced CloudEvent (the bridge's
 * mapping: an EventBridge entry has nowhere else for the event id and extensions), its `data` the order.
 */
export interface OrderPlacedEvent {
  id: string;
  'detail-type': string;
  source: string;
  detail: unknown;
}

export type StartOutcome =
  { started: true; executionArn: string } | { started: false; duplicate: true; executionArn: string; status: string };

/** The same order id arrived with a different order: neither is started twice, and an operator must look. */
export class OrderIdConflictError extends Error {
  constructor(orderId: string, executionArn: string) {
    super(
      `Order ${orderId} already has a saga (${executionArn}) started with a different order. The new OrderPlaced ` +
        'event was not started; send it with a new order id, or inspect the existing execution.',
    );
    this.name = 'OrderIdConflictError';
  }
}

/**
 * Starts the order saga for an OrderPlaced event. The execution is named by the order id, so EventBridge's
 * at-least-once delivery and a republished event start one saga: Step Functions answers a repeat with the same
 * input as the first call, and a repeat after the execution closed with ExecutionAlreadyExists, which is a
 * duplicate here. An invalid order throws ValidationError (Lambda's async retries, then the on-failure queue).
 */
export async function startOrderSaga(event: OrderPlacedEvent): Promise<StartOutcome> {
  const order = parseIntegrationEvent(event.detail, 'OrderPlaced').data as Order;
  const stateMachineArn = requiredSetting('ORDER_SAGA_STATE_MACHINE_ARN', 'starting order sagas');
  const input = JSON.stringify(order);
  try {
    const started = await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name: order.orderId, input }));
    return { started: true, executionArn: started.executionArn! };
  } catch (e) {
    if (!(e instanceof ExecutionAlreadyExists)) throw e;
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${order.orderId}`;
    const existing = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
    if (existing.input !== undefined && !sameOrder(existing.input, order)) {
      throw new OrderIdConflictError(order.orderId, executionArn);
    }
    return { started: false, duplicate: true, executionArn, status: existing.status ?? 'UNKNOWN' };
  }
}

function sameOrder(input: string, order: Order): boolean {
  try {
    return JSON.stringify(parseOrThrow(OrderSchema, JSON.parse(input), 'execution input')) === JSON.stringify(order);
  } catch {
    return false;
  }
}

export const handler = startOrderSaga;
