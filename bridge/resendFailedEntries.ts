import type { PutEventsRequestEntry, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { BridgeConfigurationError } from './errors';
import { PUT_EVENTS_MAX_ENTRIES } from './putEventsBatches';

/** One PutEvents call, e.g. `(Entries) => client.send(new PutEventsCommand({ Entries }))`. */
export type PutEventsCall = (
  entries: PutEventsRequestEntry[],
) => Promise<Pick<PutEventsResponse, 'FailedEntryCount' | 'Entries'>>;

/** Bounded exponential backoff: the n-th retry waits baseDelayMs·2^(n-1), at most maxDelayMs. */
export interface RetryPolicy {
  /** Attempts per entry, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 'full': wait a random time between 0 and the computed delay, so throttled senders do not retry in step. */
  jitter?: 'none' | 'full';
}

export const DEFAULT_PUT_EVENTS_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  jitter: 'full',
};

/** Injectable clock and randomness, so tests can see the delays. */
export interface RetryTiming {
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), like Math.random. */
  random?: () => number;
}

export interface DeliveredEntry {
  /** Index into the entries given to putEventsWithRetry. */
  index: number;
  eventId: string | undefined;
}

export interface FailedEntry {
  /** Index into the entries given to putEventsWithRetry. */
  index: number;
  errorCode: string;
  errorMessage: string;
  /** How many PutEvents calls included this entry. */
  attempts: number;
  /** true: attempts ran out on an error that might have passed later; false: no retry could ever succeed. */
  retriable: boolean;
}

export interface PutEventsOutcome {
  delivered: DeliveredEntry[];
  failed: FailedEntry[];
}

/**
 * PutEvents entry error codes that no retry can fix (PutEventsResultEntry.ErrorCode, "Non-retryable errors", in
 * the EventBridge API reference), plus request-level validation and authorization codes that may appear per entry.
 * Every other code is retried: a transient error taken for a permanent one loses the event to the dead-letter
 * queue at once, a permanent one taken for transient only costs the bounded retries before the same outcome.
 */
export const NON_RETRIABLE_ENTRY_ERROR_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
  'ValidationException',
  'ResourceNotFoundException',
]);

/** Whole-call exceptions (by SDK error name) that mean the request itself, the credentials or the bus are wrong. */
export const NON_RETRIABLE_CALL_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ValidationException',
  'ValidationError',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'NotAuthorized',
  'OptInRequired',
  'ResourceNotFoundException',
  'InvalidAction',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'MissingParameter',
]);

// Client faults (4xx) that still pass on a later attempt.
const RETRIABLE_CLIENT_FAULTS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestTimeout',
  'RequestTimeoutException',
  'RequestExpired',
  'ExpiredTokenException',
]);

export function isRetriableEntryError(errorCode: string): boolean {
  return !NON_RETRIABLE_ENTRY_ERROR_CODES.has(errorCode);
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' && name !== 'Error' ? name : 'UnknownError';
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Whether a PutEvents call that threw (throttling, network, 5xx, credentials) may pass later. Named
 * non-retriable errors fail at once; so do other client faults (4xx, `$fault: 'client'`) except throttling.
 */
export function isRetriableCallError(error: unknown): boolean {
  const name = errorName(error);
  if (NON_RETRIABLE_CALL_ERROR_NAMES.has(name)) return false;
  const sdk = error as { $fault?: unknown; $retryable?: unknown } | null;
  if (sdk?.$retryable) return true;
  return !(sdk?.$fault === 'client' && !RETRIABLE_CLIENT_FAULTS.has(name));
}

/** The wait before the `retry`-th retry (1 = the second attempt). */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return policy.jitter === 'full' ? Math.floor(random() * capped) : capped;
}

function checkPolicy(policy: RetryPolicy): void {
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    problems.push(`maxAttempts must be an integer ≥ 1 (got ${policy.maxAttempts})`);
  if (!(policy.baseDelayMs >= 0)) problems.push(`baseDelayMs must be ≥ 0 (got ${policy.baseDelayMs})`);
  if (!(policy.maxDelayMs >= 0)) problems.push(`maxDelayMs must be ≥ 0 (got ${policy.maxDelayMs})`);
  if (problems.length) throw new BridgeConfigurationError(`Invalid PutEvents retry policy: ${problems.join('; ')}.`);
}

type AttemptResult =
  | { ok: true; eventId: string | undefined }
  | { ok: false; errorCode: string; errorMessage: string; retriable: boolean };

async function attempt(entries: PutEventsRequestEntry[], put: PutEventsCall): Promise<AttemptResult[]> {
  let response: Awaited<ReturnType<PutEventsCall>>;
  try {
    response = await put(entries);
  } catch (e) {
    const failure = { ok: false as const, errorCode: errorName(e), errorMessage: errorMessage(e) };
    const retriable = isRetriableCallError(e);
    return entries.map(() => ({ ...failure, retriable }));
  }
  const results = response?.Entries ?? [];
  return entries.map((_, k): AttemptResult => {
    const result = results[k];
    if (!result)
      return {
        ok: false,
        errorCode: 'MissingResultEntry',
        errorMessage: `PutEvents answered ${results.length} result entries for ${entries.length} request entries`,
        retriable: true,
      };
    if (result.ErrorCode)
      return {
        ok: false,
        errorCode: result.ErrorCode,
        errorMessage: result.ErrorMessage ?? '',
        retriable: isRetriableEntryError(result.ErrorCode),
      };
    return { ok: true, eventId: result.EventId };
  });
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one PutEvents batch, resending only the entries that failed with a retriable error (PutEvents succeeds
 * partially: result entries align by index with the request entries), with bounded exponential backoff, until
 * each entry is delivered, fails with an error no retry can fix, or runs out of attempts. A call that throws
 * counts as every entry of it failing with that error. Never throws for delivery failures: the outcome says which
 * entries went and why the others did not, by index into `entries`.
 */
export async function putEventsWithRetry(
  entries: readonly PutEventsRequestEntry[],
  put: PutEventsCall,
  policy: RetryPolicy = DEFAULT_PUT_EVENTS_RETRY_POLICY,
  timing: RetryTiming = {},
): Promise<PutEventsOutcome> {
  checkPolicy(policy);
  if (entries.length > PUT_EVENTS_MAX_ENTRIES)
    throw new BridgeConfigurationError(
      `putEventsWithRetry got ${entries.length} entries; PutEvents takes at most ${PUT_EVENTS_MAX_ENTRIES}: ` +
        'split them with planPutEventsBatches first.',
    );
  const sleep = timing.sleep ?? realSleep;
  const random = timing.random ?? Math.random;
  const delivered: DeliveredEntry[] = [];
  const failed: FailedEntry[] = [];
  let pending = entries.map((_, index) => index);
  for (let attemptNumber = 1; pending.length > 0; attemptNumber++) {
    if (attemptNumber > 1) await sleep(backoffDelayMs(attemptNumber - 1, policy, random));
    const sending = pending.map((index) => entries[index]);
    const results = await attempt(sending, put);
    const retry: number[] = [];
    results.forEach((result, k) => {
      const index = pending[k];
      if (result.ok) delivered.push({ index, eventId: result.eventId });
      else if (result.retriable && attemptNumber < policy.maxAttempts) retry.push(index);
      else
        failed.push({
          index,
          errorCode: result.errorCode,
          errorMessage: result.errorMessage,
          attempts: attemptNumber,
          retriable: result.retriable,
        });
    });
    pending = retry;
  }
  delivered.sort((a, b) => a.index - b.index);
  failed.sort((a, b) => a.index - b.index);
  return { delivered, failed };
}
