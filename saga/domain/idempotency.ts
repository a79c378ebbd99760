import type { Charge } from '../ports';
import type { StepInput } from './saga';

/**
 * The deterministic keys that make every side effect of the saga happen at most once, whichever engine calls the
 * activity and however often (retries, redeliveries, replays, a redriven or rewound run). The activities and
 * adapters use these builders; the conformance suite uses `activityIdempotencyKey` to compare both engines' calls.
 *
 * `run` is the run's name (saga/domain/runName.ts): the order id, or `<orderId>.r<N>` for an operator's restart.
 * A restart is a new attempt of the order, so what its predecessor compensated (a refunded charge) must happen
 * again rather than be answered from the old key's record: money, stock and outcome keys carry the run (a
 * released reservation never holds again, so a restart reserves under its own key). The confirmation e-mail
 * stays per order: a customer is told once that the order is confirmed.
 */

/** What Step Functions executions send as StepInput.keyScope (the generated state machine puts it in every payload). */
export const STEP_FUNCTIONS_KEY_SCOPE = 'sfn';

/**
 * The run as money and stock keys name it: the run, prefixed by the engine's scope where there is one, so the same
 * order on Durable and on Step Functions is two runs whose charges and reservations never meet (the gateway would
 * otherwise refuse the second engine's charge as "idempotency key reused", and its reserve would take the first
 * engine's reservation for its own, and release it when compensating).
 */
export const keyRun = (run: string, keyScope?: string): string => (keyScope ? `${keyScope}:${run}` : run);

/** The key of the run's stock reservations (one document per key and SKU): a restart's reservations are new ones. */
export const holdKey = (run: string): string => run;
export const chargeKey = (run: string): string => `${run}:chargePayment`;
export const refundKey = (run: string, chargeId: string): string => `${run}:refundPayment:${chargeId}`;
/** The outbox row id, which is also the e-mail service's repeatability id. */
export const notificationKey = (orderId: string, kind: string): string => `${orderId}:${kind}`;
/** The integration event id, which Service Bus duplicate detection uses. */
export const eventKey = (run: string, type: string): string => `${run}:${type}`;

/** The run an activity input belongs to (absent on inputs from before runs were named: the first run). */
export const runOf = (input: StepInput): string => input.run ?? input.order.orderId;

/** The run of an activity input as its money and stock keys name it (keyRun). */
export const effectRunOf = (input: StepInput): string => keyRun(runOf(input), input.keyScope);

/** The outcome event syncAnalytics publishes for an input, if any (none while an operator is needed). */
export function outcomeEventType(input: StepInput): 'OrderCompleted' | 'OrderCompensated' | undefined {
  const outcome = input.outcome?.outcome ?? 'Completed';
  return outcome === 'Completed' ? 'OrderCompleted' : outcome === 'Compensated' ? 'OrderCompensated' : undefined;
}

/** The key the activity will use for this input (a refund without a known charge refunds each charge found). */
export function activityIdempotencyKey(activity: string, input: StepInput): string {
  const { orderId } = input.order;
  switch (activity) {
    case 'reserveInventory':
    case 'releaseInventory':
    case 'finalizeInventory':
      return holdKey(effectRunOf(input));
    case 'chargePayment':
      return chargeKey(effectRunOf(input));
    case 'refundPayment': {
      const charge = input.results.chargePayment as Charge | undefined;
      return refundKey(effectRunOf(input), charge?.chargeId ?? '*');
    }
    case 'verifyPayment': {
      // A read with no side effect to deduplicate: the charge it reads stands in for a key.
      const charge = input.results.chargePayment as Charge | undefined;
      return `reads ${charge?.chargeId ?? '?'}`;
    }
    case 'sendNotification':
      return notificationKey(orderId, 'orderConfirmed');
    case 'syncAnalytics':
      return eventKey(runOf(input), outcomeEventType(input) ?? 'none');
    default:
      throw new Error(`No idempotency key is defined for the activity "${activity}".`);
  }
}
