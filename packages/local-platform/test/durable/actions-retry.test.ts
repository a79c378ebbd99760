/**
 * callActivityWithRetry / callSubOrchestratorWithRetry against virtual time (durable-host-contract §4, §5):
 * TaskScheduled → TaskFailed → TimerCreated → TimerFired → TaskScheduled ..., delays from the retry options,
 * and the final timer after the last failure that lets the library throw.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType, HistoryEvent } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';
import { ofType } from '../fixtures/history';
import { fixture } from '../fixtures/durableAppState';

const ms = (iso: string | undefined): number => Date.parse(iso as string);
const SCHEDULING = new Set([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
]);
const invocations = (key: string): number => fixture().attempts[key] ?? 0;

/** Delay of each TimerCreated: FireAt minus the time it was created. */
const timerDelays = (h: HistoryEvent[]): number[] =>
  ofType(h, EventType.TimerCreated).map((e) => ms(e.FireAt) - ms(e.Timestamp));

/** Scheduling events carry 0, 1, 2... in history order and every completion answers the one before it. */
function expectRetryChain(h: HistoryEvent[], scheduledType: EventType, failedType: EventType): void {
  const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
  expect(scheduling.map((e) => e.EventId)).toEqual(scheduling.map((_, i) => i));
  // Alternating: attempt (even id), retry timer (odd id).
  scheduling.forEach((e, i) =>
    expect(EventType[e.EventType]).toBe(EventType[i % 2 === 0 ? scheduledType : EventType.TimerCreated]),
  );
  for (const f of ofType(h, failedType)) {
    expect(scheduling.find((s) => s.EventId === f.TaskScheduledId)?.EventType).toBe(scheduledType);
  }
  for (const f of ofType(h, EventType.TimerFired)) {
    expect(scheduling.find((s) => s.EventId === f.TimerId)?.EventType).toBe(EventType.TimerCreated);
  }
  // After each failure comes the retry timer with the next id; after each timer the next attempt.
  for (const f of ofType(h, failedType)) {
    const timer = h.slice(h.indexOf(f)).find((e) => e.EventType === EventType.TimerCreated);
    expect(timer?.EventId).toBe((f.TaskScheduledId as number) + 1);
  }
}

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app') });
});

afterAll(async () => {
  await t?.stop();
});

describe('callActivityWithRetry', () => {
  it('retries a failing activity with exponential, capped delays until it succeeds (fails 2×, then 3 invocations)', async () => {
    const id = 'retry-flaky-2';
    const key = 'retry-flaky-2';
    await t.client.startNew('retryActivity', {
      instanceId: id,
      input: {
        activity: 'flaky',
        input: { key, failures: 2, value: 'made it' },
        retry: { first: 1000, max: 4, backoff: 2, maxInterval: 3000 },
      },
    });
    await t.platform.whenIdle();
    expect(invocations(key)).toBe(1);
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    expect(timerDelays(t.history(id))).toEqual([1000]);

    // Not yet: the retry timer is 1 s away.
    await t.advanceTime(999);
    expect(invocations(key)).toBe(1);
    await t.advanceTime(1);
    expect(invocations(key)).toBe(2);
    expect(timerDelays(t.history(id))).toEqual([1000, 2000]);

    await t.advanceTime(2000);
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('made it');
    expect(invocations(key)).toBe(3);

    const h = t.history(id);
    expectRetryChain(h, EventType.TaskScheduled, EventType.TaskFailed);
    const scheduled = ofType(h, EventType.TaskScheduled);
    expect(scheduled.map((e) => e.EventId)).toEqual([0, 2, 4]);
    expect(scheduled.every((e) => e.Name === 'flaky')).toBe(true);
    expect(ofType(h, EventType.TimerCreated).map((e) => e.EventId)).toEqual([1, 3]);
    expect(ofType(h, EventType.TaskFailed).map((e) => e.TaskScheduledId)).toEqual([0, 2]);
    expect(ofType(h, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([4]);
    // Attempts start 0, 1000, 3000 ms after the first.
    const start = ms(scheduled[0].Timestamp);
    expect(scheduled.map((e) => ms(e.Timestamp) - start)).toEqual([0, 1000, 3000]);
    // Each retry timer fired no earlier than its FireAt.
    const created = ofType(h, EventType.TimerCreated);
    for (const fired of ofType(h, EventType.TimerFired)) {
      const c = created.find((e) => e.EventId === fired.TimerId)!;
      expect(ms(fired.Timestamp)).toBeGreaterThanOrEqual(ms(c.FireAt));
    }
  });

  it('stops after maxNumberOfAttempts invocations; the caught error carries the activity error (delays 1000, 2000, 3000 capped)', async () => {
    const id = 'retry-always-caught';
    const key = 'retry-always-caught';
    await t.client.startNew('retryActivity', {
      instanceId: id,
      input: {
        activity: 'alwaysFail',
        input: { key, message: 'card declined 402' },
        retry: { first: 1000, max: 4, backoff: 2, maxInterval: 3000 },
        catch: true,
      },
    });
    await t.advanceTime('1m');
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { caught: string };
    expect(output.caught).toContain('card declined 402');
    expect(output.caught).toContain('PermanentError');
    expect(invocations(key)).toBe(4);

    const h = t.history(id);
    expectRetryChain(h, EventType.TaskScheduled, EventType.TaskFailed);
    expect(ofType(h, EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 2, 4, 6]);
    expect(ofType(h, EventType.TaskFailed).map((e) => e.TaskScheduledId)).toEqual([0, 2, 4, 6]);
    // Three real waits (the third capped at 3000), then the final timer after the last failure fires at once.
    expect(ofType(h, EventType.TimerCreated).map((e) => e.EventId)).toEqual([1, 3, 5, 7]);
    expect(timerDelays(h)).toEqual([1000, 2000, 3000, 0]);
    expect(ofType(h, EventType.TimerFired).map((e) => e.TimerId)).toEqual([1, 3, 5, 7]);
    const start = ms(ofType(h, EventType.TaskScheduled)[0].Timestamp);
    expect(ofType(h, EventType.TaskScheduled).map((e) => ms(e.Timestamp) - start)).toEqual([0, 1000, 3000, 6000]);
    const last = h[h.length - 1];
    expect(last.EventType).toBe(EventType.ExecutionCompleted);
    expect(ms(last.Timestamp) - start).toBe(6000);
    const failure = ofType(h, EventType.TaskFailed)[3];
    expect(failure.FailureDetails?.ErrorType).toBe('PermanentError');
    expect(failure.FailureDetails?.ErrorMessage).toBe('card declined 402');
  });

  it('fails the orchestration when the last attempt fails and nothing catches it', async () => {
    const id = 'retry-always-uncaught';
    const key = 'retry-always-uncaught';
    await t.client.startNew('retryActivity', {
      instanceId: id,
      input: { activity: 'alwaysFail', input: { key, message: 'warehouse offline' }, retry: { first: 500, max: 3 } },
    });
    await t.platform.whenIdle();
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    await t.advanceTime('10s');
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('warehouse offline');
    expect(invocations(key)).toBe(3);
    const h = t.history(id);
    expectRetryChain(h, EventType.TaskScheduled, EventType.TaskFailed);
    // Default backoff coefficient 1: constant 500 ms, then the immediate final timer.
    expect(timerDelays(h)).toEqual([500, 500, 0]);
  });

  it('a single attempt (maxNumberOfAttempts 1) still ends with the final timer and fails at once', async () => {
    const id = 'retry-max-one';
    const key = 'retry-max-one';
    await t.client.startNew('retryActivity', {
      instanceId: id,
      input: {
        activity: 'alwaysFail',
        input: { key, message: 'only once' },
        retry: { first: 1000, max: 1 },
        catch: true,
      },
    });
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 3000);
    expect(status.runtimeStatus).toBe('Completed');
    expect((status.output as { caught: string }).caught).toContain('only once');
    expect(invocations(key)).toBe(1);
    const h = t.history(id);
    expect(timerDelays(h)).toEqual([0]);
    expect(ofType(h, EventType.TimerFired).map((e) => e.TimerId)).toEqual([1]);
  });

  it('stops real attempts once retryTimeoutInMilliseconds has elapsed (fewer invocations than max attempts)', async () => {
    const id = 'retry-timeout';
    const key = 'retry-timeout';
    await t.client.startNew('retryActivity', {
      instanceId: id,
      input: {
        activity: 'alwaysFail',
        input: { key, message: 'still broken' },
        // Attempts at 0, 1000, 3000 ms; after the failure at 3000 the 2500 ms timeout has run out.
        retry: { first: 1000, max: 5, backoff: 2, timeout: 2500 },
        catch: true,
      },
    });
    await t.advanceTime('1m');
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect((status.output as { caught: string }).caught).toContain('still broken');
    expect(invocations(key)).toBe(3);

    const h = t.history(id);
    const scheduled = ofType(h, EventType.TaskScheduled);
    const start = ms(scheduled[0].Timestamp);
    // No wait after the timeout: the orchestration finishes when the last real attempt fails.
    const last = h[h.length - 1];
    expect(last.EventType).toBe(EventType.ExecutionCompleted);
    expect(ms(last.Timestamp) - start).toBe(3000);
    const realDelays = timerDelays(h).filter((d) => d > 0);
    expect(realDelays).toEqual([1000, 2000]);
    // Sequence numbers stay consistent whatever the host does with the remaining attempts.
    const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
    expect(scheduling.map((e) => e.EventId)).toEqual(scheduling.map((_, i) => i));
  });

  it('keeps two concurrent retried calls (Task.all) apart, with one sequence of ids', async () => {
    const id = 'retry-two-groups';
    const a = 'retry-two-groups-a';
    const b = 'retry-two-groups-b';
    await t.client.startNew('retryAll', {
      instanceId: id,
      input: [
        { activity: 'flaky', input: { key: a, failures: 1, value: 'A' }, retry: { first: 1000, max: 3 } },
        { activity: 'flaky', input: { key: b, failures: 2, value: 'B' }, retry: { first: 1500, max: 3 } },
      ],
    });
    await t.platform.whenIdle();
    expect(timerDelays(t.history(id)).sort((x, y) => x - y)).toEqual([1000, 1500]);
    await t.advanceTime('10s');
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['A', 'B']);
    expect(invocations(a)).toBe(2);
    expect(invocations(b)).toBe(3);

    const h = t.history(id);
    const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
    expect(scheduling.map((e) => e.EventId)).toEqual(scheduling.map((_, i) => i));
    const scheduled = ofType(h, EventType.TaskScheduled);
    expect(scheduled.slice(0, 2).map((e) => [e.EventId, JSON.parse(e.Input as string).key])).toEqual([
      [0, a],
      [1, b],
    ]);
    // Every failure is followed by a timer with the next free id; every TaskFailed/TaskCompleted answers a TaskScheduled.
    for (const f of [...ofType(h, EventType.TaskFailed), ...ofType(h, EventType.TaskCompleted)]) {
      expect(scheduled.some((s) => s.EventId === f.TaskScheduledId)).toBe(true);
    }
    const keyOf = (taskId: number | undefined): string =>
      JSON.parse(scheduled.find((s) => s.EventId === taskId)!.Input as string).key;
    const start = ms(scheduled[0].Timestamp);
    const attemptTimes = (key: string): number[] =>
      scheduled.filter((s) => JSON.parse(s.Input as string).key === key).map((s) => ms(s.Timestamp) - start);
    expect(attemptTimes(a)).toEqual([0, 1000]);
    expect(attemptTimes(b)).toEqual([0, 1500, 3000]);
    expect(
      ofType(h, EventType.TaskCompleted)
        .map((e) => keyOf(e.TaskScheduledId))
        .sort(),
    ).toEqual([a, b]);
    expect(
      ofType(h, EventType.TaskFailed)
        .map((e) => keyOf(e.TaskScheduledId))
        .sort(),
    ).toEqual([a, b, b]);
  });
});

describe('retry continuations next to other completions', () => {
  it('two retry timers due at the same time each reschedule their own call, ids in one sequence', async () => {
    const id = 'retry-same-time';
    const a = 'retry-same-time-a';
    const b = 'retry-same-time-b';
    await t.client.startNew('retryAll', {
      instanceId: id,
      input: [
        { activity: 'flaky', input: { key: a, failures: 1, value: 'A' }, retry: { first: 1000, max: 3 } },
        { activity: 'flaky', input: { key: b, failures: 1, value: 'B' }, retry: { first: 1000, max: 3 } },
      ],
    });
    await t.platform.whenIdle();
    expect(timerDelays(t.history(id))).toEqual([1000, 1000]);
    await t.advanceTime(1000);
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['A', 'B']);
    expect(invocations(a)).toBe(2);
    expect(invocations(b)).toBe(2);
    const h = t.history(id);
    const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
    expect(scheduling.map((e) => [e.EventId, EventType[e.EventType]])).toEqual([
      [0, 'TaskScheduled'],
      [1, 'TaskScheduled'],
      [2, 'TimerCreated'],
      [3, 'TimerCreated'],
      [4, 'TaskScheduled'],
      [5, 'TaskScheduled'],
    ]);
    // Each retry timer leads to a new attempt of the call whose failure created it.
    const keyOf = (taskId: number | undefined): string =>
      JSON.parse(h.find((e) => e.EventType === EventType.TaskScheduled && e.EventId === taskId)!.Input as string).key;
    const timerOwner = new Map<number, string>();
    for (const f of ofType(h, EventType.TaskFailed)) {
      const timer = h.slice(h.indexOf(f)).find((e) => e.EventType === EventType.TimerCreated)!;
      timerOwner.set(timer.EventId, keyOf(f.TaskScheduledId));
    }
    for (const fired of ofType(h, EventType.TimerFired)) {
      const next = h.slice(h.indexOf(fired)).find((e) => e.EventType === EventType.TaskScheduled)!;
      expect(keyOf(next.EventId)).toBe(timerOwner.get(fired.TimerId as number));
    }
  });

  it('a retry timer and a user timer due at the same time keep their ids apart', async () => {
    const id = 'retry-and-timer';
    const key = 'retry-and-timer';
    await t.client.startNew('retryAndTimer', { instanceId: id, input: { key, first: 1000 } });
    await t.platform.whenIdle();
    await t.advanceTime(1000);
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ result: 'R', after: 'after' });
    expect(invocations(key)).toBe(2);
    const h = t.history(id);
    const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
    expect(scheduling.map((e) => [e.EventId, EventType[e.EventType], e.Name ?? null])).toEqual([
      [0, 'TaskScheduled', 'flaky'],
      [1, 'TimerCreated', null], // the user's timer
      [2, 'TimerCreated', null], // the retry timer
      [3, 'TaskScheduled', 'flaky'],
      [4, 'TaskScheduled', 'echo'],
    ]);
    expect(
      ofType(h, EventType.TimerFired)
        .map((e) => e.TimerId)
        .sort(),
    ).toEqual([1, 2]);
    expect(ofType(h, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([3, 4]);
  });
});

describe('callSubOrchestratorWithRetry', () => {
  it('restarts a failed child after the retry delay and returns its result', async () => {
    const id = 'retry-sub-flaky';
    const key = 'retry-sub-flaky';
    await t.client.startNew('parentWithRetry', {
      instanceId: id,
      input: { child: 'flakyChild', input: { key, failures: 1 }, retry: { first: 1000, max: 3 } },
    });
    await t.platform.whenIdle();
    let h = t.history(id);
    expect(ofType(h, EventType.SubOrchestrationInstanceFailed).map((e) => e.TaskScheduledId)).toEqual([0]);
    expect(timerDelays(h)).toEqual([1000]);
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');

    await t.advanceTime(1000);
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ result: `child ${key} ok` });
    expect(invocations(key)).toBe(2);

    h = t.history(id);
    expectRetryChain(h, EventType.SubOrchestrationInstanceCreated, EventType.SubOrchestrationInstanceFailed);
    const created = ofType(h, EventType.SubOrchestrationInstanceCreated);
    expect(created.map((e) => [e.EventId, e.Name])).toEqual([
      [0, 'flakyChild'],
      [2, 'flakyChild'],
    ]);
    expect(ofType(h, EventType.SubOrchestrationInstanceCompleted).map((e) => e.TaskScheduledId)).toEqual([2]);
    expect(ms(created[1].Timestamp) - ms(created[0].Timestamp)).toBe(1000);
    const childId = created[1].InstanceId!;
    expect(t.platform.engine.getStatus(childId)?.runtimeStatus).toBe('Completed');
  });

  it('gives up after maxNumberOfAttempts children and surfaces the last child error', async () => {
    const id = 'retry-sub-always';
    const key = 'retry-sub-always';
    await t.client.startNew('parentWithRetry', {
      instanceId: id,
      input: { child: 'flakyChild', input: { key, failures: 99 }, retry: { first: 2000, max: 2 } },
    });
    await t.advanceTime('1m');
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(status.runtimeStatus).toBe('Completed');
    const caught = (status.output as { caught: string }).caught;
    expect(caught).toContain(`flaky ${key} attempt 2 failed`);
    expect(invocations(key)).toBe(2);
    const h = t.history(id);
    expectRetryChain(h, EventType.SubOrchestrationInstanceCreated, EventType.SubOrchestrationInstanceFailed);
    expect(ofType(h, EventType.SubOrchestrationInstanceFailed).map((e) => e.TaskScheduledId)).toEqual([0, 2]);
    expect(timerDelays(h)).toEqual([2000, 0]);
  });
});
