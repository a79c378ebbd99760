import type { Retrier } from './definition';

/** Errors no wildcard may match: AWS treats them as terminal. */
const TERMINAL_ERRORS = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** Whether an `ErrorEquals` list matches an error, with AWS's wildcard rules for Task states. */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (TERMINAL_ERRORS.has(error)) return errorEquals.includes(error) && error !== 'States.Runtime';
  return errorEquals.some(
    (e) => e === error || e === 'States.ALL' || (e === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
}

/**
 * Per-state retry bookkeeping: the first retrier whose ErrorEquals matches decides, and once its MaxAttempts are
 * used up the error is not retried (later retriers are not consulted), as the States Language specifies.
 */
export class RetryPolicy {
  private readonly attempts: number[];

  constructor(
    private readonly retriers: readonly Retrier[],
    private readonly random: () => number = Math.random,
  ) {
    this.attempts = retriers.map(() => 0);
  }

  /** The delay before the next attempt in ms, or undefined when the error is not retried. */
  nextDelayMs(error: string): number | undefined {
    for (let i = 0; i < this.retriers.length; i++) {
      const r = this.retriers[i];
      if (!errorMatches(r.ErrorEquals, error)) continue;
      const maxAttempts = r.MaxAttempts ?? 3;
      if (this.attempts[i] >= maxAttempts) return undefined;
      const interval = r.IntervalSeconds ?? 1;
      const backoff = r.BackoffRate ?? 2;
      let seconds = interval * Math.pow(backoff, this.attempts[i]);
      if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
      this.attempts[i]++;
      const ms = seconds * 1000;
      return r.JitterStrategy === 'FULL' ? Math.round(this.random() * ms) : Math.round(ms);
    }
    return undefined;
  }
}
