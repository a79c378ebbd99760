/**
 * A saga run's name: the Durable instance id and the Step Functions execution name. The first run of an order is
 * named by the order id; an operator's restart is a new attempt of the order, named `<orderId>.r<N>` (N ≥ 2),
 * because a closed execution's name cannot be reused on Step Functions (90 days) and a new Durable instance keeps
 * the old run's history for the audit. `.` is outside ORDER_ID_PATTERN, so the order id is always recoverable,
 * and allowed in both engines' names (Step Functions forbids `~`; Durable forbids `/ \ # ?`).
 */
import { ORDER_ID_PATTERN } from './order';

export const RESTART_SEPARATOR = '.r';

export interface ParsedRunName {
  orderId: string;
  /** 1 for the order's first run, N for its Nth attempt. */
  attempt: number;
}

export function runName(orderId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`A run's attempt is a whole number ≥ 1, not ${attempt}.`);
  return attempt === 1 ? orderId : `${orderId}${RESTART_SEPARATOR}${attempt}`;
}

/** The order and attempt of a run name, or undefined for a name no order saga would have (an orphan). */
export function parseRunName(name: string): ParsedRunName | undefined {
  const at = name.lastIndexOf(RESTART_SEPARATOR);
  const orderId = at < 0 ? name : name.slice(0, at);
  const attemptText = at < 0 ? '1' : name.slice(at + RESTART_SEPARATOR.length);
  if (!ORDER_ID_PATTERN.test(orderId) || !/^[1-9][0-9]{0,5}$/.test(attemptText)) return undefined;
  const attempt = Number(attemptText);
  if (at >= 0 && attempt < 2) return undefined;
  return { orderId, attempt };
}
