/**
 * Every action type through the embedded engine, the sequence numbers the host gives them, custom status, and
 * orchestrator failures (durable-host-contract §3–§5).
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType, HistoryEvent } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';
import { json, ofType } from '../fixtures/history';
import { fixture } from '../fixtures/durableAppState';

const SCHEDULING = new Set([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
]);

/**
 * Scheduling events carry 0, 1, 2... in history order; each completion answers an earlier scheduling event of
 * the matching kind.
 */
function expectConsistentIds(h: HistoryEvent[]): void {
  const scheduled = h.filter((e) => SCHEDULING.has(e.EventType));
  expect(scheduled.map((e) => e.EventId)).toEqual(scheduled.map((_, i) => i));
  const kindOf: Partial<Record<EventType, EventType>> = {
    [EventType.TaskCompleted]: EventType.TaskScheduled,
    [EventType.TaskFailed]: EventType.TaskScheduled,
    [EventType.SubOrchestrationInstanceCompleted]: EventType.SubOrchestrationInstanceCreated,
    [EventType.SubOrchestrationInstanceFailed]: EventType.SubOrchestrationInstanceCreated,
    [EventType.TimerFired]: EventType.TimerCreated,
  };
  h.forEach((e, i) => {
    const wanted = kindOf[e.EventType];
    if (wanted === undefined) return;
    const id = e.EventType === EventType.TimerFired ? e.TimerId : e.TaskScheduledId;
    const source = h.slice(0, i).find((s) => SCHEDULING.has(s.EventType) && s.EventId === id);
    expect(source, `${EventType[e.EventType]} #${i} answers id ${id}`).toBeDefined();
    expect(EventType[source!.EventType]).toBe(EventType[wanted]);
  });
  // Each task is answered at most once.
  const answered = h
    .filter((e) => kindOf[e.EventType] !== undefined)
    .map((e) => `${e.EventType === EventType.TimerFired ? 't' : 's'}${e.TimerId ?? e.TaskScheduledId}`);
  expect(new Set(answered).size).toBe(answered.length);
}

function expectWellFormed(h: HistoryEvent[]): void {
  expect(h[0]?.EventType).toBe(EventType.OrchestratorStarted);
  expect(h[1]?.EventType).toBe(EventType.ExecutionStarted);
  expect(ofType(h, EventType.ExecutionStarted)).toHaveLength(1);
  expectConsistentIds(h);
}

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app') });
});

afterAll(async () => {
  await t?.stop();
});

describe('callActivity', () => {
  it('schedules activities in order with EventIds 0,1,2 and delivers their results', async () => {
    const id = 'basic-sequence-1';
    await t.client.startNew('activitySequence', { instanceId: id, input: ['Ann', 'Bob', 'Cy'] });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Ann', 'Hello Bob', 'Hello Cy']);

    const h = t.history(id);
    expectWellFormed(h);
    const scheduled = ofType(h, EventType.TaskScheduled);
    expect(scheduled.map((e) => [e.EventId, e.Name, json(e.Input)])).toEqual([
      [0, 'hello', 'Ann'],
      [1, 'hello', 'Bob'],
      [2, 'hello', 'Cy'],
    ]);
    const completed = ofType(h, EventType.TaskCompleted);
    expect(completed.map((e) => [e.TaskScheduledId, json(e.Result)])).toEqual([
      [0, 'Hello Ann'],
      [1, 'Hello Bob'],
      [2, 'Hello Cy'],
    ]);
    // Sequential: each activity is scheduled only after the previous one completed.
    expect(h.indexOf(completed[0])).toBeLessThan(h.indexOf(scheduled[1]));
    expect(h.indexOf(completed[1])).toBeLessThan(h.indexOf(scheduled[2]));
    // String inputs reach the activity decoded once (not as "\"Ann\"").
    const calls = fixture().calls.filter((c) => c.name === 'hello' && ['Ann', 'Bob', 'Cy'].includes(c.input as string));
    expect(calls.map((c) => c.input)).toEqual(['Ann', 'Bob', 'Cy']);
    const last = h[h.length - 1];
    expect(last.EventType).toBe(EventType.ExecutionCompleted);
    expect(last.OrchestrationStatus).toBe('Completed');
    expect(json(last.Result)).toEqual(['Hello Ann', 'Hello Bob', 'Hello Cy']);
  });
});

describe('fan-out', () => {
  it('numbers 25 parallel activities 0..24 in call order, and sums their results', async () => {
    const id = 'basic-fan-out';
    await t.client.startNew('fanOut', { instanceId: id, input: { n: 25 } });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe((24 * 25) / 2);
    const h = t.history(id);
    expectWellFormed(h);
    const scheduled = ofType(h, EventType.TaskScheduled);
    expect(scheduled.map((e) => [e.EventId, json(e.Input)])).toEqual(Array.from({ length: 25 }, (_, i) => [i, i]));
    const completed = ofType(h, EventType.TaskCompleted);
    expect(completed.map((e) => e.TaskScheduledId).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    for (const c of completed) expect(json(c.Result)).toBe(c.TaskScheduledId);
  });
});

describe('one of every action', () => {
  it('numbers activity, timer, sub-orchestration, Task.all children and retried activity 0..5; waits take no id', async () => {
    const id = 'basic-every-1';
    const t0 = t.clock!.now();
    await t.client.startNew('everyAction', { instanceId: id, input: { key: 'basic-every-1' } });
    await t.platform.whenIdle();

    // Activity done, now on the 1 h timer.
    let h = t.history(id);
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    const timerCreated = ofType(h, EventType.TimerCreated);
    expect(timerCreated).toHaveLength(1);
    expect(timerCreated[0].EventId).toBe(1);
    expect(Date.parse(timerCreated[0].FireAt!)).toBe(t0 + 3_600_000);

    await t.advanceTime('1h');
    // Timer fired, sub-orchestration done, now waiting for 'Proceed'.
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    h = t.history(id);
    expect(ofType(h, EventType.SubOrchestrationInstanceCompleted)).toHaveLength(1);
    const before = h.filter((e) => SCHEDULING.has(e.EventType)).length;
    expect(before).toBe(3);

    await t.client.raiseEvent(id, 'Proceed', { go: true });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    const childId = ofType(t.history(id), EventType.SubOrchestrationInstanceCreated)[0].InstanceId!;
    expect(status.output).toEqual({
      a: 'first',
      child: { child: 'sub', parent: id },
      event: { go: true },
      both: ['x', 'y'],
      retried: 'retried',
    });
    expect(status.customStatus).toBe('all done');

    h = t.history(id);
    expectWellFormed(h);
    const scheduling = h.filter((e) => SCHEDULING.has(e.EventType));
    expect(scheduling.map((e) => [e.EventId, EventType[e.EventType], e.Name ?? null])).toEqual([
      [0, 'TaskScheduled', 'echo'],
      [1, 'TimerCreated', null],
      [2, 'SubOrchestrationInstanceCreated', 'childOk'],
      [3, 'TaskScheduled', 'echo'],
      [4, 'TaskScheduled', 'echo'],
      [5, 'TaskScheduled', 'flaky'],
    ]);
    expect(
      ofType(h, EventType.TaskCompleted)
        .map((e) => e.TaskScheduledId)
        .sort(),
    ).toEqual([0, 3, 4, 5]);
    expect(ofType(h, EventType.TimerFired).map((e) => e.TimerId)).toEqual([1]);
    expect(ofType(h, EventType.SubOrchestrationInstanceCompleted).map((e) => e.TaskScheduledId)).toEqual([2]);
    const raised = ofType(h, EventType.EventRaised);
    expect(raised.map((e) => [e.Name, json(e.Input)])).toEqual([['Proceed', { go: true }]]);
    expect(raised[0].EventId).toBe(-1);
    // The child ran as its own instance, with this one as parent.
    expect(t.platform.engine.getStatus(childId)?.runtimeStatus).toBe('Completed');
    const childStart = ofType(t.history(childId), EventType.ExecutionStarted)[0];
    expect(childStart.ParentInstance?.InstanceId).toBe(id);
    expect(childStart.ParentInstance?.TaskScheduledId).toBe(2);
  });
});

describe('custom status', () => {
  it('is visible through the client while running and after completion', async () => {
    const id = 'basic-status-1';
    await t.client.startNew('statusSteps', { instanceId: id });
    await t.platform.whenIdle();
    const running = await t.client.getStatus(id);
    expect(running.runtimeStatus).toBe('Running');
    expect(running.customStatus).toEqual({ stage: 'waiting', step: 1 });

    await t.client.raiseEvent(id, 'Continue', 'go');
    await t.waitForStatus(id, ['Completed', 'Failed']);
    const done = await t.client.getStatus(id);
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toBe('finished');
    expect(done.customStatus).toEqual({ stage: 'done', step: 2, input: 'go' });
    expect(t.platform.engine.getStatus(id)?.customStatus).toEqual({ stage: 'done', step: 2, input: 'go' });
  });
});

describe('orchestrator failures', () => {
  it('fails the instance with the error message, after an activity', async () => {
    const id = 'basic-throws-1';
    await t.client.startNew('throws', { instanceId: id, input: { message: 'kaboom 4711', afterActivity: true } });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('kaboom 4711');

    const viaClient = await t.client.getStatus(id);
    expect(viaClient.runtimeStatus).toBe('Failed');
    expect(String(viaClient.output)).toContain('kaboom 4711');

    const h = t.history(id);
    expectWellFormed(h);
    expect(ofType(h, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([0]);
    const last = h[h.length - 1];
    expect(last.EventType).toBe(EventType.ExecutionCompleted);
    expect(last.OrchestrationStatus).toBe('Failed');
    expect(last.FailureDetails?.ErrorMessage).toContain('kaboom 4711');
  });

  it('fails the instance when the orchestrator throws before yielding anything', async () => {
    const id = 'basic-throws-2';
    await t.client.startNew('throws', { instanceId: id, input: { message: 'no yield 99' } });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('no yield 99');
    expect(ofType(t.history(id), EventType.TaskScheduled)).toHaveLength(0);
  });

  it('keeps serving other instances, running and new, after an orchestrator failed', async () => {
    const sleeper = 'basic-after-fail-sleeper';
    await t.client.startNew('sleep', { instanceId: sleeper, input: { ms: 60_000 } });
    await t.platform.whenIdle();
    const failing = 'basic-after-fail-failing';
    await t.client.startNew('throws', { instanceId: failing, input: { message: 'one bad apple' } });
    expect((await t.waitForStatus(failing, ['Completed', 'Failed'])).runtimeStatus).toBe('Failed');

    const fresh = 'basic-after-fail-fresh';
    await t.client.startNew('activitySequence', { instanceId: fresh, input: ['Dee'] });
    const s = await t.waitForStatus(fresh, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual(['Hello Dee']);

    expect(t.platform.engine.getStatus(sleeper)?.runtimeStatus).toBe('Running');
    await t.advanceTime('1m');
    expect((await t.waitForStatus(sleeper, ['Completed', 'Failed'], 2000)).runtimeStatus).toBe('Completed');
  });
});
