import type { RetryOptions } from './actions';

/**
 * Delay before the next attempt after `attempt` attempts have failed, as DurableTask.Core's RetryInterceptor
 * computes it: first × coefficient^(attempt-1), capped by the max interval.
 */
export function nextRetryDelayMs(options: RetryOptions, failedAttempts: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failedAttempts - 1);
  const max = options.maxRetryIntervalInMilliseconds;
  return max !== undefined && max > 0 && delay > max ? max : delay;
}

/** True when the retry timeout (measured from the first attempt) has run out at `nowMs`. */
export function retryTimeoutElapsed(options: RetryOptions, firstAttemptMs: number, nowMs: number): boolean {
  const timeout = options.retryTimeoutInMilliseconds;
  return timeout !== undefined && timeout > 0 && timeout < 8.64e15 && nowMs >= firstAttemptMs + timeout;
}
