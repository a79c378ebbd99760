import type { RetryPolicy } from './types';

/**
 * What both engines must agree on beyond the definition's data: the error name of a timed-out attempt, the retry
 * arithmetic and the wording of failure reasons. The Durable runner calls these with real values; the ASL
 * generator calls them with `{}` placeholders to build `States.Format` templates, so the wording exists once.
 */

/** A timed-out attempt; the name Step Functions gives a Task's `TimeoutSeconds` expiry. */
export const STEP_TIMEOUT_ERROR = 'States.Timeout';

/** Delay before retry number `retry` (1 = the first retry): interval × rate^(retry-1), capped (ASL's formula). */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.firstRetryIntervalMs * policy.backoffCoefficient ** (retry - 1), policy.maxRetryIntervalMs);
}

/** A step whose activity kept failing (retries exhausted, or an error retrying cannot fix). */
export function stepFailedReason(activity: string, errorType: string): string {
  return `${activity} failed: ${errorType}`;
}

/** A business refusal returned by an activity (out of stock, card declined). */
export function rejectedReason(code: string, reason: string): string {
  return `${code}: ${reason}`;
}

export function awaitTimedOutReason(event: string, timeoutMs: number): string {
  return `${event} not received within ${formatDuration(timeoutMs)}`;
}

export function awaitRejectedReason(event: string, field: string, value: string): string {
  return `${event} reported ${field} "${value}"`;
}

/** A confirmation the verification did not back: recorded, and the wait goes on. */
export function unverifiedReason(event: string, code: string, reason: string): string {
  return `${event} ignored: ${code}: ${reason}`;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
