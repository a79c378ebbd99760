/**
 * A saga run's name: the Durable instance id and the Step Functions execution name. The first run of an order is
 * named by the order id; an operator's restart is a new attempt of the order, named `<orderId>.r<N>` (N ≥ 2),
 * because a closed execution's name cannot be reused on Step Functions (90 days) and a new Durable instance keeps
 * the old run's history for the audit. `.` is outside ORDER_ID_PATTERN, so the order id is always recoverable,
 * and allowed in both engines' names (Step Functions forbids `~`; Durable forbids `/ \ # ?`).
 *
 * A Durable resume run (an operator's resume of a run that rewind cannot take, e.g. a Terminated one) continues
 * the same attempt in a new instance: `<attempt's run>.resume<M>` (M ≥ 1, the Mth resume of that attempt). It
 * keeps the attempt's idempotency keys (attemptRunName), so no side effect of the attempt is done twice.
 */
import { ORDER_ID_PATTERN } from './order';

export const RESTART_SEPARATOR = '.r';
export const RESUME_SEPARATOR = '.resume';

export interface ParsedRunName {
  orderId: string;
  /** 1 for the order's first run, N for its Nth attempt. */
  attempt: number;
  /** M for the attempt's Mth resume run; absent for the attempt's own run. */
  resume?: number;
}

const COUNT = /^[1-9][0-9]{0,5}$/;

export function runName(orderId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`A run's attempt is a whole number ≥ 1, not ${attempt}.`);
  return attempt === 1 ? orderId : `${orderId}${RESTART_SEPARATOR}${attempt}`;
}

/** The Mth resume run of the order's attempt (a new Durable instance continuing that attempt). */
export function resumeRunName(orderId: string, attempt: number, resume: number): string {
  if (!Number.isInteger(resume) || resume < 1)
    throw new RangeError(`A resume run's number is a whole number ≥ 1, not ${resume}.`);
  return `${runName(orderId, attempt)}${RESUME_SEPARATOR}${resume}`;
}

/** The order, attempt and resume of a run name, or undefined for a name no order saga would have (an orphan). */
export function parseRunName(name: string): ParsedRunName | undefined {
  // The resume suffix first: `.resume` also starts with the restart separator `.r`.
  const resumeAt = name.lastIndexOf(RESUME_SEPARATOR);
  let resume: number | undefined;
  let attemptRun = name;
  if (resumeAt >= 0) {
    const resumeText = name.slice(resumeAt + RESUME_SEPARATOR.length);
    if (!COUNT.test(resumeText)) return undefined;
    resume = Number(resumeText);
    attemptRun = name.slice(0, resumeAt);
  }
  const at = attemptRun.lastIndexOf(RESTART_SEPARATOR);
  const orderId = at < 0 ? attemptRun : attemptRun.slice(0, at);
  const attemptText = at < 0 ? '1' : attemptRun.slice(at + RESTART_SEPARATOR.length);
  if (!ORDER_ID_PATTERN.test(orderId) || !COUNT.test(attemptText)) return undefined;
  const attempt = Number(attemptText);
  if (at >= 0 && attempt < 2) return undefined;
  return resume === undefined ? { orderId, attempt } : { orderId, attempt, resume };
}

/**
 * The run whose idempotency keys `name` uses: a resume run continues its attempt, so it acts under the attempt's
 * run name; any other name (an attempt's run, or an orphan started by hand) is its own.
 */
export function attemptRunName(name: string): string {
  const parsed = parseRunName(name);
  return parsed?.resume === undefined ? name : runName(parsed.orderId, parsed.attempt);
}

/** Orders runs of one order oldest first: by attempt, then the attempt's own run before its resume runs. */
export function compareRuns(a: ParsedRunName, b: ParsedRunName): number {
  return a.attempt - b.attempt || (a.resume ?? 0) - (b.resume ?? 0);
}
