/**
 * callSubOrchestrator (success and failure propagating to the parent) and continueAsNew (history reset,
 * last input, unconsumed events carried to the next execution).
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';
import { json, ofType, until } from '../fixtures/history';
import { fixture } from '../fixtures/durableAppState';

let t: TestPlatform;
const status = (id: string): string | undefined => t.platform.engine.getStatus(id)?.runtimeStatus;

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app') });
});

afterAll(async () => {
  await t?.stop();
});

describe('callSubOrchestrator', () => {
  it('runs the child as its own instance and returns its output to the parent', async () => {
    const id = 'sub-ok';
    await t.client.startNew('parent', { instanceId: id, input: { child: 'childOk', input: { value: 'payload-1' } } });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ result: { child: 'payload-1', parent: id } });

    const h = t.history(id);
    const created = ofType(h, EventType.SubOrchestrationInstanceCreated);
    expect(created.map((e) => [e.EventId, e.Name, json(e.Input)])).toEqual([[0, 'childOk', { value: 'payload-1' }]]);
    const childId = created[0].InstanceId!;
    expect(childId).toBeTruthy();
    expect(childId).not.toBe(id);
    const completed = ofType(h, EventType.SubOrchestrationInstanceCompleted);
    expect(completed.map((e) => [e.TaskScheduledId, json(e.Result)])).toEqual([
      [0, { child: 'payload-1', parent: id }],
    ]);

    const child = t.platform.engine.getStatus(childId)!;
    expect(child.runtimeStatus).toBe('Completed');
    expect(child.name).toBe('childOk');
    expect(child.input).toEqual({ value: 'payload-1' });
    const ch = t.history(childId);
    expect(ofType(ch, EventType.ExecutionStarted)[0].ParentInstance).toMatchObject({
      InstanceId: id,
      TaskScheduledId: 0,
    });
    expect(ofType(ch, EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0]);
    // The parent hears of the child only after the child completed.
    expect(ms(completed[0].Timestamp)).toBeGreaterThanOrEqual(ms(ch[ch.length - 1].Timestamp));
  });

  it('uses the instance ID the parent chose', async () => {
    const id = 'sub-named-parent';
    const childId = 'sub-named-child';
    await t.client.startNew('parent', {
      instanceId: id,
      input: { child: 'childOk', input: { value: 'v2' }, instanceId: childId },
    });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual({ result: { child: 'v2', parent: id } });
    expect(ofType(t.history(id), EventType.SubOrchestrationInstanceCreated)[0].InstanceId).toBe(childId);
    expect(status(childId)).toBe('Completed');
    const viaClient = await t.client.getStatus(childId);
    expect(viaClient.output).toEqual({ child: 'v2', parent: id });
  });

  it("propagates the child's failure to the parent, which catches it with the child's message", async () => {
    const id = 'sub-fails';
    await t.client.startNew('parent', {
      instanceId: id,
      input: { child: 'childFails', input: { message: 'child exploded 42' } },
    });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect((s.output as { caught: string }).caught).toContain('child exploded 42');

    const h = t.history(id);
    const created = ofType(h, EventType.SubOrchestrationInstanceCreated);
    expect(created.map((e) => e.EventId)).toEqual([0]);
    const failed = ofType(h, EventType.SubOrchestrationInstanceFailed);
    expect(failed.map((e) => e.TaskScheduledId)).toEqual([0]);
    expect(JSON.stringify(failed[0])).toContain('child exploded 42');
    expect(ofType(h, EventType.SubOrchestrationInstanceCompleted)).toHaveLength(0);

    const childId = created[0].InstanceId!;
    const child = t.platform.engine.getStatus(childId)!;
    expect(child.runtimeStatus).toBe('Failed');
    expect(String(child.output)).toContain('child exploded 42');
  });

  it('fails a parent that does not catch, with the child error in its output', async () => {
    const id = 'sub-fails-uncaught';
    await t.client.startNew('parentNoCatch', {
      instanceId: id,
      input: { child: 'childFails', input: { message: 'nobody catches 7' } },
    });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain('nobody catches 7');
    const h = t.history(id);
    expect(ofType(h, EventType.SubOrchestrationInstanceFailed).map((e) => e.TaskScheduledId)).toEqual([0]);
    expect(h[h.length - 1].OrchestrationStatus).toBe('Failed');
  });

  it('fails the call (catchable) when the sub-orchestrator does not exist', async () => {
    const id = 'sub-unknown';
    await t.client.startNew('parent', { instanceId: id, input: { child: 'noSuchOrchestrator', input: {} } });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect((s.output as { caught: string }).caught).toContain('noSuchOrchestrator');
    expect(ofType(t.history(id), EventType.SubOrchestrationInstanceFailed).map((e) => e.TaskScheduledId)).toEqual([0]);
  });
});

describe('continueAsNew', () => {
  it('continues N times, then completes; the final history starts over with the last input', async () => {
    const id = 'can-counter';
    await t.client.startNew('counter', { instanceId: id, input: { n: 0, max: 3 } });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ final: 3 });
    expect(s.input).toEqual({ n: 3, max: 3 });

    // One activity per execution: 4 executions.
    const mine = fixture().calls.filter((c) => c.name === 'echo' && String(c.input).startsWith(`counter ${id} `));
    expect(mine.map((c) => c.input)).toEqual([0, 1, 2, 3].map((n) => `counter ${id} ${n}`));

    const h = t.history(id);
    expect(h[0].EventType).toBe(EventType.OrchestratorStarted);
    expect(h[1].EventType).toBe(EventType.ExecutionStarted);
    expect(json(h[1].Input)).toEqual({ n: 3, max: 3 });
    expect(ofType(h, EventType.ExecutionStarted)).toHaveLength(1);
    // Sequence numbers start over in the new execution.
    expect(ofType(h, EventType.TaskScheduled).map((e) => [e.EventId, json(e.Input)])).toEqual([[0, `counter ${id} 3`]]);
    expect(ofType(h, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([0]);
    const completions = ofType(h, EventType.ExecutionCompleted);
    expect(completions.map((e) => e.OrchestrationStatus)).toEqual(['Completed']);
    expect(json(completions[0].Result)).toEqual({ final: 3 });
  });

  it('carries an event that was not consumed over to the next execution', async () => {
    const id = 'can-carry';
    await t.client.startNew('carryEvent', { instanceId: id, input: { phase: 1 } });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Carry', { v: 'kept' });
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    expect(ofType(t.history(id), EventType.EventRaised)).toHaveLength(1);

    await t.advanceTime('1h');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ carried: { v: 'kept' } });

    const h = t.history(id);
    expect(h[1].EventType).toBe(EventType.ExecutionStarted);
    expect(json(h[1].Input)).toEqual({ phase: 2 });
    // Nothing of phase 1 is left but the carried event.
    expect(ofType(h, EventType.TimerCreated)).toHaveLength(0);
    expect(ofType(h, EventType.TimerFired)).toHaveLength(0);
    expect(ofType(h, EventType.EventRaised).map((e) => [e.Name, json(e.Input)])).toEqual([['Carry', { v: 'kept' }]]);
  });

  it('does not carry over an event the previous execution consumed', async () => {
    const id = 'can-consumed';
    await t.client.startNew('consumeThenContinue', { instanceId: id, input: { phase: 1 } });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Tick', 'only tick');
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    let h = t.history(id);
    expect(json(h[1].Input)).toEqual({ phase: 2, consumed: 'only tick' });
    expect(ofType(h, EventType.EventRaised)).toHaveLength(0);

    await t.advanceTime('1h');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.output).toEqual({ consumed: 'only tick', next: null });
    h = t.history(id);
    expect(ofType(h, EventType.EventRaised)).toHaveLength(0);
    expect(ofType(h, EventType.TimerFired).map((e) => e.TimerId)).toEqual([0]);
  });

  it('of two same-name events, the first is consumed and the second carried over', async () => {
    const id = 'can-two-ticks';
    await t.client.startNew('consumeThenContinue', { instanceId: id, input: { phase: 1 } });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Tick', 'tick 1');
    await t.client.raiseEvent(id, 'Tick', 'tick 2');
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual({ consumed: 'tick 1', next: 'tick 2' });
    const h = t.history(id);
    expect(json(h[1].Input)).toEqual({ phase: 2, consumed: 'tick 1' });
    expect(ofType(h, EventType.EventRaised).map((e) => json(e.Input))).toEqual(['tick 2']);
    // The timer in phase 2 lost the race and never fired.
    expect(ofType(h, EventType.TimerFired)).toHaveLength(0);
  });
});

describe('continueAsNew while work of the old execution is in flight', () => {
  it("drops the old execution's activity result instead of completing the new execution's task 0", async () => {
    const id = 'can-busy';
    const gate1 = 'can-busy-1';
    const gate2 = 'can-busy-2';
    await t.client.startNew('continueWhileBusy', { instanceId: id, input: { phase: 1, gate1, gate2 } });
    await until('phase 1 activity', () => fixture().gates[gate1]);
    await t.client.raiseEvent(id, 'Skip', null);
    await until('phase 2 activity', () => fixture().gates[gate2]);
    expect(json(t.history(id)[1].Input)).toMatchObject({ phase: 2 });
    expect(ofType(t.history(id), EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0]);

    // The phase-1 activity (also task 0, of the old execution) finishes now: it must not count.
    fixture().gates[gate1].settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(status(id)).toBe('Running');
    expect(ofType(t.history(id), EventType.TaskCompleted)).toHaveLength(0);

    fixture().gates[gate2].settle();
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toBe('from phase 2');
    expect(ofType(t.history(id), EventType.TaskCompleted).map((e) => json(e.Result))).toEqual(['from phase 2']);
  });
});

describe('sub-orchestration instance ID conflicts', () => {
  it('fails the call when the chosen child ID belongs to a running instance, and leaves that instance alone', async () => {
    const busy = 'sub-conflict-busy';
    await t.client.startNew('sleep', { instanceId: busy, input: { ms: 60_000 } });
    await t.platform.whenIdle();
    const id = 'sub-conflict-parent';
    await t.client.startNew('parent', {
      instanceId: id,
      input: { child: 'childOk', input: { value: 'x' }, instanceId: busy },
    });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect((s.output as { caught: string }).caught).toContain(busy);
    expect(ofType(t.history(id), EventType.SubOrchestrationInstanceFailed).map((e) => e.TaskScheduledId)).toEqual([0]);
    expect(t.platform.engine.getStatus(busy)?.name).toBe('sleep');
    expect(status(busy)).toBe('Running');
    await t.advanceTime('1m');
    expect(status(busy)).toBe('Completed');
  });
});

function ms(iso: string | undefined): number {
  return Date.parse(iso as string);
}
