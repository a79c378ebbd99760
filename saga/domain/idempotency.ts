import type { Charge } from '../ports';
import type { StepInput } from './saga';

/**
 * The deterministic keys that make every side effect of the saga happen at most once, whichever engine calls the
 * activity and however often (retries, redeliveries, replays, a redriven execution). The activities and adapters
 * use these builders; the conformance suite uses `activityIdempotencyKey` to compare both engines' calls.
 */

/**
 * The key of the order's stock reservations (one document per key and SKU). A later attempt of the same order
 * (a restart) would add its attempt here, so that its reservations are new ones.
 */
export const holdKey = (orderId: string): string => orderId;
export const chargeKey = (orderId: string): string => `${orderId}:chargePayment`;
export const refundKey = (orderId: string, chargeId: string): string => `${orderId}:refundPayment:${chargeId}`;
/** The outbox row id, which is also the e-mail service's repeatability id. */
export const notificationKey = (orderId: string, kind: string): string => `${orderId}:${kind}`;
/** The integration event id, which Service Bus duplicate detection uses. */
export const eventKey = (orderId: string, type: string): string => `${orderId}:${type}`;

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
      return holdKey(orderId);
    case 'chargePayment':
      return chargeKey(orderId);
    case 'refundPayment': {
      const charge = input.results.chargePayment as Charge | undefined;
      return refundKey(orderId, charge?.chargeId ?? '*');
    }
    case 'verifyPayment': {
      // A read with no side effect to deduplicate: the charge it reads stands in for a key.
      const charge = input.results.chargePayment as Charge | undefined;
      return `reads ${charge?.chargeId ?? '?'}`;
    }
    case 'sendNotification':
      return notificationKey(orderId, 'orderConfirmed');
    case 'syncAnalytics':
      return eventKey(orderId, outcomeEventType(input) ?? 'none');
    default:
      throw new Error(`No idempotency key is defined for the activity "${activity}".`);
  }
}
