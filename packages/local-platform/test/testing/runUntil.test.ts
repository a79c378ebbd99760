// The test platform's time skipping: runUntil jumps from one due timer to the next instead of waiting.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, type TestPlatform } from '../../src/testing';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({
    appRoot: path.join(__dirname, '../fixtures/durable-app'),
    startTime: Date.UTC(2026, 0, 1),
  });
});
afterAll(() => t?.stop());

describe('runUntil: time skipping', () => {
  it('a three-day timer completes in no real time, at exactly three virtual days', async () => {
    const started = Date.now();
    const id = await t.client.startNew('sleep', { input: { ms: 3 * 86_400_000 } });
    const s = await t.runUntil(id, 'Completed');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(s.output).toEqual({ wokeAt: '2026-01-04T00:00:00.000Z' });
  });

  it('takes a predicate, and stops at the first state where it holds (here: the one-hour timer has fired)', async () => {
    const id = await t.client.startNew('timerThenEvent');
    const startedAt = t.clock!.now();
    const timerFired = (): boolean => t.history(id).some((e) => e.EventType === EventType.TimerFired);
    const s = await t.runUntil(id, () => timerFired());
    expect(s.runtimeStatus).toBe('Running');
    expect(t.clock!.now() - startedAt).toBe(3_600_000);
    await t.client.raiseEvent(id, 'Go', 'now');
    expect((await t.runUntil(id, 'Completed')).output).toEqual({ go: 'now' });
  });

  it('fails with the state when nothing is left to fire or the limit would pass', async () => {
    const waiting = await t.client.startNew('twoEvents');
    await expect(t.runUntil(waiting, 'Completed', { within: '1h' })).rejects.toThrow(
      /did not reach the expected state within 1h of virtual time \(nothing is left to fire\); it is Running/,
    );
    const long = await t.client.startNew('sleep', { input: { ms: 2 * 86_400_000 } });
    await expect(t.runUntil(long, 'Completed', { within: '1d' })).rejects.toThrow(
      /the next timer is due after the limit/,
    );
    await t.client.terminate(waiting, 'done');
    await t.client.terminate(long, 'done');
  });
});
