import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  BridgeConfigurationError,
  isRetriableCallError,
  putEventsWithRetry,
  type RetryPolicy,
} from '../../bridge';

const entry = (id: string): PutEventsRequestEntry => ({
  Source: '/s',
  DetailType: 't',
  Detail: JSON.stringify({ id }),
  EventBusName: 'bus',
});
const idOf = (e: PutEventsRequestEntry): string => JSON.parse(e.Detail!).id;
const batch = (n: number) => Array.from({ length: n }, (_, i) => entry(`e${i}`));

type Answer = (id: string) => PutEventsResultEntry;
const ok: Answer = (id) => ({ EventId: `eb-${id}` });
const fail =
  (ErrorCode: string, ErrorMessage = `${ErrorCode} happened`): Answer =>
  () => ({ ErrorCode, ErrorMessage });

/** A fake PutEvents: each call answers per entry id from the script for that call, and records what was sent. */
function fakePut(script: (Record<string, Answer> | Error)[]) {
  const sent: string[][] = [];
  const put = async (entries: PutEventsRequestEntry[]) => {
    const call = sent.length;
    sent.push(entries.map(idOf));
    const step = script[Math.min(call, script.length - 1)];
    if (step instanceof Error) throw step;
    const Entries = entries.map((e) => (step[idOf(e)] ?? ok)(idOf(e)));
    return { FailedEntryCount: Entries.filter((r) => r.ErrorCode).length, Entries };
  };
  return { put, sent };
}

function fakeClock() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'none' };

const sdkError = (name: string, fault: 'client' | 'server', message = `${name} raised`) =>
  Object.assign(new Error(message), { name, $fault: fault });

describe('putEventsWithRetry', () => {
  it('resends only the failed entries, with exponential backoff, and reports by original index', async () => {
    const { put, sent } = fakePut([
      { e1: fail('ThrottlingException'), e3: fail('InternalFailure'), e4: fail('InvalidArgument', 'Detail too deep') },
      { e3: fail('ThrottlingException') },
      {},
    ]);
    const clock = fakeClock();
    const outcome = await putEventsWithRetry(batch(5), put, policy, clock);

    expect(sent).toEqual([['e0', 'e1', 'e2', 'e3', 'e4'], ['e1', 'e3'], ['e3']]);
    expect(clock.delays).toEqual([100, 200]);
    expect(outcome).toEqual({
      delivered: [
        { index: 0, eventId: 'eb-e0' },
        { index: 1, eventId: 'eb-e1' },
        { index: 2, eventId: 'eb-e2' },
        { index: 3, eventId: 'eb-e3' },
      ],
      failed: [
        { index: 4, errorCode: 'InvalidArgument', errorMessage: 'Detail too deep', attempts: 1, retriable: false },
      ],
    });
  });

  it.each([
    'InvalidArgument',
    'MalformedDetail',
    'NotAuthorizedForSourceException',
    'NotAuthorizedForDetailTypeException',
    'AccessDeniedException',
    'InvalidAccountIdException',
    'RedactionFailure',
    'ValidationException',
    'ResourceNotFoundException',
  ])('does not retry an entry that failed with %s', async (code) => {
    const { put, sent } = fakePut([{ e0: fail(code) }]);
    const clock = fakeClock();
    const outcome = await putEventsWithRetry(batch(2), put, policy, clock);
    expect(sent).toEqual([['e0', 'e1']]);
    expect(clock.delays).toEqual([]);
    expect(outcome.failed).toEqual([
      { index: 0, errorCode: code, errorMessage: `${code} happened`, attempts: 1, retriable: false },
    ]);
    expect(outcome.delivered).toEqual([{ index: 1, eventId: 'eb-e1' }]);
  });

  it('gives up after maxAttempts, reporting the last error as retriable', async () => {
    const { put, sent } = fakePut([
      { e1: fail('InternalFailure') },
      { e1: fail('ThrottlingException', 'Rate exceeded') },
    ]);
    const clock = fakeClock();
    const outcome = await putEventsWithRetry(batch(2), put, { ...policy, maxAttempts: 3 }, clock);
    expect(sent).toEqual([['e0', 'e1'], ['e1'], ['e1']]);
    expect(clock.delays).toEqual([100, 200]);
    expect(outcome.failed).toEqual([
      { index: 1, errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded', attempts: 3, retriable: true },
    ]);
  });

  it('caps the delay at maxDelayMs', async () => {
    const { put } = fakePut([{ e0: fail('ThrottlingException') }]);
    const clock = fakeClock();
    await putEventsWithRetry(batch(1), put, { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 250 }, clock);
    expect(clock.delays).toEqual([100, 200, 250, 250, 250]);
  });

  it('with full jitter waits a random share of each capped delay', async () => {
    const { put } = fakePut([{ e0: fail('ThrottlingException') }]);
    const clock = fakeClock();
    const randoms = [0.5, 0.25, 0.999];
    await putEventsWithRetry(
      batch(1),
      put,
      { ...policy, jitter: 'full' },
      { ...clock, random: () => randoms.shift()! },
    );
    expect(clock.delays).toEqual([50, 50, 399]);
  });

  it('with maxAttempts 1 never retries', async () => {
    const { put, sent } = fakePut([{ e0: fail('ThrottlingException') }]);
    const outcome = await putEventsWithRetry(batch(1), put, { ...policy, maxAttempts: 1 }, fakeClock());
    expect(sent).toHaveLength(1);
    expect(outcome.failed[0]).toMatchObject({ attempts: 1, retriable: true });
  });

  it('treats a throttled or failed call as every entry failing, and resends them all', async () => {
    const { put, sent } = fakePut([sdkError('ThrottlingException', 'client', 'Rate exceeded'), {}]);
    const clock = fakeClock();
    const outcome = await putEventsWithRetry(batch(3), put, policy, clock);
    expect(sent).toEqual([
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
    ]);
    expect(clock.delays).toEqual([100]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.delivered.map((d) => d.index)).toEqual([0, 1, 2]);
  });

  it('retries network errors and 5xx until attempts run out', async () => {
    const networkError = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    const { put, sent } = fakePut([networkError, sdkError('InternalException', 'server')]);
    const outcome = await putEventsWithRetry(batch(2), put, { ...policy, maxAttempts: 3 }, fakeClock());
    expect(sent).toHaveLength(3);
    expect(outcome.failed).toEqual([
      {
        index: 0,
        errorCode: 'InternalException',
        errorMessage: 'InternalException raised',
        attempts: 3,
        retriable: true,
      },
      {
        index: 1,
        errorCode: 'InternalException',
        errorMessage: 'InternalException raised',
        attempts: 3,
        retriable: true,
      },
    ]);
  });

  it.each(['ValidationException', 'AccessDeniedException', 'UnrecognizedClientException', 'ResourceNotFoundException'])(
    'fails every entry at once when the call throws %s',
    async (name) => {
      const { put, sent } = fakePut([sdkError(name, 'client')]);
      const clock = fakeClock();
      const outcome = await putEventsWithRetry(batch(2), put, policy, clock);
      expect(sent).toHaveLength(1);
      expect(clock.delays).toEqual([]);
      expect(outcome.failed.map((f) => [f.index, f.errorCode, f.attempts, f.retriable])).toEqual([
        [0, name, 1, false],
        [1, name, 1, false],
      ]);
    },
  );

  it('resends entries PutEvents gave no result for', async () => {
    let calls = 0;
    const sent: string[][] = [];
    const put = async (entries: PutEventsRequestEntry[]) => {
      sent.push(entries.map(idOf));
      calls++;
      return { FailedEntryCount: 0, Entries: calls === 1 ? [{ EventId: 'x' }] : entries.map((e) => ok(idOf(e))) };
    };
    const outcome = await putEventsWithRetry(batch(2), put, policy, fakeClock());
    expect(sent).toEqual([['e0', 'e1'], ['e1']]);
    expect(outcome.delivered).toEqual([
      { index: 0, eventId: 'x' },
      { index: 1, eventId: 'eb-e1' },
    ]);
  });

  it('makes no call for no entries', async () => {
    const { put, sent } = fakePut([{}]);
    expect(await putEventsWithRetry([], put, policy, fakeClock())).toEqual({ delivered: [], failed: [] });
    expect(sent).toEqual([]);
  });

  it('refuses more than 10 entries and invalid policies', async () => {
    const { put } = fakePut([{}]);
    await expect(putEventsWithRetry(batch(11), put, policy)).rejects.toThrow(BridgeConfigurationError);
    await expect(putEventsWithRetry(batch(1), put, { ...policy, maxAttempts: 0 })).rejects.toThrow(
      'Invalid PutEvents retry policy: maxAttempts must be an integer ≥ 1 (got 0).',
    );
  });
});

describe('retry classification', () => {
  it('computes base·2^(n-1) capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, { maxAttempts: 9, baseDelayMs: 50, maxDelayMs: 300 }))).toEqual(
      [50, 100, 200, 300, 300],
    );
  });

  it('retries throttling and server faults, not other client faults', () => {
    expect(isRetriableCallError(sdkError('ThrottlingException', 'client'))).toBe(true);
    expect(isRetriableCallError(sdkError('ServiceUnavailable', 'server'))).toBe(true);
    expect(isRetriableCallError(new Error('ECONNRESET'))).toBe(true);
    expect(isRetriableCallError(sdkError('SomeNewClientException', 'client'))).toBe(false);
    expect(isRetriableCallError(Object.assign(sdkError('X', 'client'), { $retryable: {} }))).toBe(true);
  });
});
