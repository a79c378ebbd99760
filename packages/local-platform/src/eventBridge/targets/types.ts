import type { EventEnvelope } from '../events';
import type { TargetRow } from '../targetConfig';

/** One event on its way to one target of one rule, across its attempts. */
export interface DeliveryJob {
  id: number;
  bus: string;
  event: EventEnvelope;
  /** The event JSON as delivered without input shaping (also the dead-letter message body). */
  eventText: string;
  ingestionTime: number;
  hops: number;
  ruleName: string;
  ruleArn: string;
  target: TargetRow;
  /** Attempts made so far. */
  attempts: number;
}

/** A retry schedule that replaces the target's RetryPolicy for a kind of failure (Lambda's async retries). */
export interface RetryOverride {
  maxRetries: number;
  delayMs: (retry: number) => number;
}

export type AttemptOutcome =
  | { ok: true; statusCode?: number; detail?: string }
  | {
      ok: false;
      /** Whether EventBridge would try again (network errors, timeouts, 429/5xx, throttling). */
      retryable: boolean;
      /** The dead-letter ERROR_CODE (CONNECTION_FAILURE, TIMEOUT, ERROR_FROM_TARGET, NO_RESOURCE, ...). */
      errorCode: string;
      errorMessage: string;
      statusCode?: number;
      /** A Retry-After the target asked for (the longer of it and the backoff is waited). */
      retryAfterMs?: number;
      retry?: RetryOverride;
    };

/** Delivers one attempt; `signal` aborts when the platform stops. Never rejects for a target's failure. */
export type TargetInvoker = (job: DeliveryJob, input: string, signal: AbortSignal) => Promise<AttemptOutcome>;
