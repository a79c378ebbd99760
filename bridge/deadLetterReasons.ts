import { EventTooLargeError, MalformedCloudEventError, MalformedEventBridgeEventError } from './errors';
import type { FailedEntry } from './resendFailedEntries';

/** Why a message was set aside; stable values that operators and alerts can match on (DeadLetterReason). */
export const DeadLetterReasons = {
  /** Not a valid CloudEvents 1.0 event: the sender must fix it. */
  MalformedCloudEvent: 'MalformedCloudEvent',
  /** Over a size limit: send a reference to the payload instead (claim check). */
  EventTooLarge: 'EventTooLarge',
  /** EventBridge refused the entry with an error no retry can fix (ErrorCode in the description). */
  PutEventsRejected: 'PutEventsRejected',
  /** EventBridge kept failing the entry with a retriable error until the attempts ran out. */
  PutEventsRetriesExhausted: 'PutEventsRetriesExhausted',
} as const;

export type DeadLetterReason = (typeof DeadLetterReasons)[keyof typeof DeadLetterReasons];

/** Service Bus limit for DeadLetterErrorDescription. */
export const DEAD_LETTER_DESCRIPTION_MAX_CHARS = 4096;

/** A reason and description pair, as Service Bus records them on a dead-lettered message. */
export interface DeadLetter {
  reason: DeadLetterReason;
  description: string;
}

/** Builds a pair, cutting the description to what Service Bus accepts (without splitting a character). */
export function deadLetter(reason: DeadLetterReason, description: string): DeadLetter {
  if (description.length <= DEAD_LETTER_DESCRIPTION_MAX_CHARS) return { reason, description };
  let cut = description.slice(0, DEAD_LETTER_DESCRIPTION_MAX_CHARS - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return { reason, description: `${cut}…` };
}

const ofEvent = (eventId: string | undefined): string => (eventId === undefined ? 'The entry' : `Event '${eventId}'`);

/** For an entry putEventsWithRetry could not deliver: rejected outright, or retried until attempts ran out. */
export function putEventsFailureDeadLetter(failure: FailedEntry, eventId?: string): DeadLetter {
  const error = `${failure.errorCode}${failure.errorMessage ? `: ${failure.errorMessage}` : ''}`;
  if (!failure.retriable)
    return deadLetter(
      DeadLetterReasons.PutEventsRejected,
      `${ofEvent(eventId)} was rejected by EventBridge PutEvents (${error}); retrying cannot fix this error code.`,
    );
  return deadLetter(
    DeadLetterReasons.PutEventsRetriesExhausted,
    `${ofEvent(eventId)} was not accepted by EventBridge PutEvents after ${failure.attempts} attempt(s); last error ` +
      `${error}. Resend the message once EventBridge recovers.`,
  );
}

/**
 * The dead-letter pair for an error that makes the event itself undeliverable, or undefined for any other error
 * (a bug, an outage), which must fail the invocation so Service Bus redelivers the message instead.
 */
export function deadLetterForError(error: unknown): DeadLetter | undefined {
  if (error instanceof MalformedCloudEventError || error instanceof MalformedEventBridgeEventError)
    return deadLetter(DeadLetterReasons.MalformedCloudEvent, error.message);
  if (error instanceof EventTooLargeError) return deadLetter(DeadLetterReasons.EventTooLarge, error.message);
  return undefined;
}
