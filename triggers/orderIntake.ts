import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { orderSaga } from '../saga/definition/orderSaga';
import type { Order } from '../saga/domain/order';
import { resumeRunName, runName } from '../saga/domain/runName';
import type { OrderRepository } from '../saga/ports';

export type IntakeResult =
  | { kind: 'started' }
  | { kind: 'alreadyRunning'; runtimeStatus: string }
  | { kind: 'alreadyFinished'; runtimeStatus: string }
  | { kind: 'conflict'; message: string };

const FINISHED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

/** The saga's status, or undefined when no instance with that id exists. */
export async function findSaga(
  client: DurableClient,
  orderId: string,
): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(orderId);
  } catch (e) {
    if (/HTTP 404/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/**
 * Whether no run can follow this one: an operator restarts or resumes only a run that is over and did not succeed,
 * so a run still going, or one that completed the order, is the newest. Probing stops there, which spares the
 * common case (every payment webhook, every status poll of a saga that went through) calls that would 404.
 */
function isNewestRun(run: DurableOrchestrationStatus): boolean {
  const status = String(run.runtimeStatus);
  if (status === 'Running' || status === 'Pending' || status === 'ContinuedAsNew') return true;
  return status === 'Completed' && (run.output as { outcome?: string } | null)?.outcome === 'Completed';
}

/**
 * The order's newest run: its first run, or the latest operator restart (`<orderId>.r<N>`), or the latest resume
 * run of that attempt (`<run>.resume<M>`), which is the run waiting for the order's events. Restarts and resumes
 * are numbered without gaps, so probing stops at the first one missing.
 */
export async function findLatestRun(
  client: DurableClient,
  orderId: string,
): Promise<DurableOrchestrationStatus | undefined> {
  let latest = await findSaga(client, orderId);
  let attempt = 1;
  while (latest && !isNewestRun(latest)) {
    const next = await findSaga(client, runName(orderId, attempt + 1));
    if (!next) break;
    latest = next;
    attempt++;
  }
  for (let resume = 1; latest && !isNewestRun(latest); resume++) {
    const next = await findSaga(client, resumeRunName(orderId, attempt, resume));
    if (!next) break;
    latest = next;
  }
  return latest;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * Starts the order's saga unless it runs or ran already: the instance id is the order id, so however many routes
 * and redeliveries bring the same order, one saga handles it. The order record is written first, so a crash
 * between the two steps is repaired by the next delivery.
 */
export async function acceptOrder(
  client: DurableClient,
  orders: OrderRepository,
  order: Order,
  via: string,
): Promise<IntakeResult> {
  const saved = await orders.saveIfAbsent({
    id: order.orderId,
    orderId: order.orderId,
    order,
    receivedAt: new Date().toISOString(),
    via,
  });
  if (!saved.created && canonical(saved.record.order) !== canonical(order))
    return {
      kind: 'conflict',
      message: `Order id ${order.orderId} is already used by a different order (received ${saved.record.receivedAt} via ${saved.record.via}). Use a new order id.`,
    };
  const existing = await findSaga(client, order.orderId);
  // The instance id is the order id: an instance under it that is not this order's saga (another orchestration,
  // another input) is never reused or replaced; starting over it would overwrite a finished one's history.
  if (existing && (existing.name !== orderSaga.orchestrator || canonical(existing.input) !== canonical(order)))
    return {
      kind: 'conflict',
      message: `Order id ${order.orderId} is already the instance id of ${existing.name === orderSaga.orchestrator ? 'the saga of a different order' : `an orchestration '${existing.name}'`}. Use a new order id.`,
    };
  if (existing)
    return FINISHED.has(existing.runtimeStatus)
      ? { kind: 'alreadyFinished', runtimeStatus: existing.runtimeStatus }
      : { kind: 'alreadyRunning', runtimeStatus: existing.runtimeStatus };
  try {
    await client.startNew(orderSaga.orchestrator, { instanceId: order.orderId, input: order });
    return { kind: 'started' };
  } catch (e) {
    // Another route started it between our check and our start.
    if (/status code: 409/.test((e as Error).message)) return { kind: 'alreadyRunning', runtimeStatus: 'Running' };
    throw e;
  }
}
