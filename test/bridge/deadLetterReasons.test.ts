import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_DESCRIPTION_MAX_CHARS,
  deadLetter,
  deadLetterForError,
  DeadLetterReasons,
  EventTooLargeError,
  fromServiceBusMessage,
  putEventsFailureDeadLetter,
} from '../../bridge';
import { thrown } from './helpers';

describe('dead-letter reasons', () => {
  it('describes a rejected entry with its EventBridge error code and message', () => {
    expect(
      putEventsFailureDeadLetter(
        {
          index: 0,
          errorCode: 'NotAuthorizedForSourceException',
          errorMessage: 'Not authorized for the source.',
          attempts: 1,
          retriable: false,
        },
        'evt-1',
      ),
    ).toEqual({
      reason: 'PutEventsRejected',
      description:
        "Event 'evt-1' was rejected by EventBridge PutEvents (NotAuthorizedForSourceException: Not authorized for the source.); retrying cannot fix this error code.",
    });
  });

  it('describes exhausted retries with the attempts and the last error', () => {
    expect(
      putEventsFailureDeadLetter({
        index: 3,
        errorCode: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
        attempts: 4,
        retriable: true,
      }),
    ).toEqual({
      reason: DeadLetterReasons.PutEventsRetriesExhausted,
      description:
        'The entry was not accepted by EventBridge PutEvents after 4 attempt(s); last error ThrottlingException: Rate exceeded. Resend the message once EventBridge recovers.',
    });
  });

  it('maps bridge errors about the event itself, and nothing else', () => {
    const malformed = thrown(() => fromServiceBusMessage('nope', 'application/cloudevents+json'));
    expect(deadLetterForError(malformed)).toEqual({ reason: 'MalformedCloudEvent', description: malformed.message });
    const tooLarge = new EventTooLargeError('EventBridgeEntry', 262_144, 300_000, 'e');
    expect(deadLetterForError(tooLarge)).toEqual({ reason: 'EventTooLarge', description: tooLarge.message });
    expect(deadLetterForError(new Error('socket hang up'))).toBeUndefined();
  });

  it('cuts a description to the 4,096 characters Service Bus accepts', () => {
    const long = putEventsFailureDeadLetter({
      index: 0,
      errorCode: 'InvalidArgument',
      errorMessage: 'x'.repeat(10_000),
      attempts: 1,
      retriable: false,
    });
    expect(long.description).toHaveLength(DEAD_LETTER_DESCRIPTION_MAX_CHARS);
    expect(long.description.endsWith('…')).toBe(true);
    expect(deadLetter('EventTooLarge', 'y'.repeat(4_096)).description).toBe('y'.repeat(4_096));
  });

  it('does not split a surrogate pair when cutting', () => {
    const { description } = deadLetter('MalformedCloudEvent', `${'a'.repeat(4_094)}😀😀`);
    expect(description).toBe(`${'a'.repeat(4_094)}…`);
    expect(description.length).toBeLessThanOrEqual(DEAD_LETTER_DESCRIPTION_MAX_CHARS);
  });
});
