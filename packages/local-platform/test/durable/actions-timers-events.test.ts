/**
 * createTimer against virtual time (short, cancelled, long timers split into intervals) and
 * waitForExternalEvent (raised before and after the wait, same-name events in order).
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType, HistoryEvent } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';
import { json, ofType } from '../fixtures/history';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ms = (iso: string | undefined): number => Date.parse(iso as string);

let t: TestPlatform;
const status = (id: string): string | undefined => t.platform.engine.getStatus(id)?.runtimeStatus;

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app') });
});

afterAll(async () => {
  await t?.stop();
});

describe('createTimer', () => {
  it('fires at its virtual time, not before', async () => {
    const id = 'timer-2h';
    const t0 = t.clock!.now();
    await t.client.startNew('sleep', { instanceId: id, input: { ms: 2 * HOUR } });
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    const created = ofType(t.history(id), EventType.TimerCreated);
    expect(created.map((e) => [e.EventId, ms(e.FireAt) - t0])).toEqual([[0, 2 * HOUR]]);

    await t.advanceTime(2 * HOUR - 1);
    expect(status(id)).toBe('Running');
    expect(ofType(t.history(id), EventType.TimerFired)).toHaveLength(0);

    await t.advanceTime(1);
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.runtimeStatus).toBe('Completed');
    const h = t.history(id);
    const fired = ofType(h, EventType.TimerFired);
    expect(fired).toHaveLength(1);
    expect(fired[0].TimerId).toBe(0);
    expect(fired[0].FireAt).toBe(created[0].FireAt);
    expect(ms(fired[0].Timestamp)).toBeGreaterThanOrEqual(ms(created[0].FireAt));
    // The orchestrator woke up with currentUtcDateTime at (or after) the fire time.
    const wokeAt = ms((s.output as { wokeAt: string }).wokeAt);
    expect(wokeAt).toBeGreaterThanOrEqual(t0 + 2 * HOUR);
    expect(wokeAt).toBe(ms(fired[0].Timestamp));
  });

  it('a timer cancelled after Task.any lost to an event never fires', async () => {
    const id = 'timer-cancelled';
    const t0 = t.clock!.now();
    await t.client.startNew('approvalRace', { instanceId: id });
    await t.platform.whenIdle();
    const created = ofType(t.history(id), EventType.TimerCreated);
    expect(created.map((e) => [e.EventId, ms(e.FireAt) - t0])).toEqual([[0, HOUR]]);

    await t.advanceTime('10m');
    await t.client.raiseEvent(id, 'Approve', { by: 'alice' });
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running'); // now waiting for 'Done'
    const afterApproval = t.history(id).length;

    // Well past the cancelled timer's time: nothing happens.
    await t.advanceTime('2h');
    expect(status(id)).toBe('Running');
    expect(ofType(t.history(id), EventType.TimerFired)).toHaveLength(0);
    expect(t.history(id)).toHaveLength(afterApproval);

    await t.client.raiseEvent(id, 'Done', 'ok');
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ approved: { by: 'alice' }, done: 'ok' });
    const h = t.history(id);
    expect(ofType(h, EventType.TimerFired)).toHaveLength(0);
    expect(ofType(h, EventType.EventRaised).map((e) => e.Name)).toEqual(['Approve', 'Done']);
    expect(ofType(h, EventType.TimerCreated)).toHaveLength(1);
  });

  it('the timer wins Task.any when no event comes', async () => {
    const id = 'timer-wins';
    await t.client.startNew('approvalRace', { instanceId: id });
    await t.platform.whenIdle();
    await t.advanceTime('1h');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.output).toEqual({ timedOut: true });
    expect(ofType(t.history(id), EventType.TimerFired).map((e) => e.TimerId)).toEqual([0]);
    // An event after completion is refused (410, which the client swallows); nothing changes.
    const length = t.history(id).length;
    await t.client.raiseEvent(id, 'Approve', {});
    await t.platform.whenIdle();
    expect(status(id)).toBe('Completed');
    expect(t.history(id)).toHaveLength(length);
  });

  it('a 10-day timer runs in 3-day intervals (beyond the 6-day maximum short timer) and completes after 10 days', async () => {
    const id = 'timer-10d';
    const t0 = t.clock!.now();
    await t.client.startNew('sleep', { instanceId: id, input: { ms: 10 * DAY } });
    await t.platform.whenIdle();
    const rel = (h: HistoryEvent[]): [number, number, number][] =>
      ofType(h, EventType.TimerCreated).map((e) => [e.EventId, ms(e.Timestamp) - t0, ms(e.FireAt) - t0]);
    expect(rel(t.history(id))).toEqual([[0, 0, 3 * DAY]]);

    await t.advanceTime('3d');
    expect(status(id)).toBe('Running');
    expect(rel(t.history(id))).toEqual([
      [0, 0, 3 * DAY],
      [1, 3 * DAY, 6 * DAY],
    ]);

    await t.advanceTime('6d');
    expect(status(id)).toBe('Running');
    // At day 6, 4 days are left (< 6): the last interval goes straight to the final time.
    expect(rel(t.history(id))).toEqual([
      [0, 0, 3 * DAY],
      [1, 3 * DAY, 6 * DAY],
      [2, 6 * DAY, 10 * DAY],
    ]);

    await t.advanceTime('1d');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.runtimeStatus).toBe('Completed');
    expect(ms((s.output as { wokeAt: string }).wokeAt) - t0).toBe(10 * DAY);
    const h = t.history(id);
    expect(ofType(h, EventType.TimerFired).map((e) => [e.TimerId, ms(e.FireAt) - t0])).toEqual([
      [0, 3 * DAY],
      [1, 6 * DAY],
      [2, 10 * DAY],
    ]);
    expect(ms(h[h.length - 1].Timestamp) - t0).toBe(10 * DAY);
  });
});

describe('createTimer edge cases', () => {
  it('a cancelled long timer stops between intervals', async () => {
    const id = 'timer-long-cancel';
    const t0 = t.clock!.now();
    await t.client.startNew('stoppableTimer', { instanceId: id, input: { ms: 10 * DAY } });
    await t.platform.whenIdle();
    await t.advanceTime('4d'); // first interval fired at day 3, second is pending (day 6)
    expect(ofType(t.history(id), EventType.TimerFired).map((e) => e.TimerId)).toEqual([0]);
    expect(ofType(t.history(id), EventType.TimerCreated).map((e) => [e.EventId, ms(e.FireAt) - t0])).toEqual([
      [0, 3 * DAY],
      [1, 6 * DAY],
    ]);
    await t.client.raiseEvent(id, 'Stop', 'enough');
    await t.platform.whenIdle();
    const length = t.history(id).length;

    await t.advanceTime('10d');
    expect(status(id)).toBe('Running');
    expect(t.history(id)).toHaveLength(length);
    expect(ofType(t.history(id), EventType.TimerFired).map((e) => e.TimerId)).toEqual([0]);

    await t.client.raiseEvent(id, 'Done', null);
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual({ stopped: 'enough' });
    expect(ofType(t.history(id), EventType.TimerCreated)).toHaveLength(2);
  });

  it('a short timer cancelled by an event does not fire later (stoppableTimer, 5 min)', async () => {
    const id = 'timer-short-cancel';
    await t.client.startNew('stoppableTimer', { instanceId: id, input: { ms: 300_000 } });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Stop', 1);
    await t.platform.whenIdle();
    await t.advanceTime('10m');
    expect(ofType(t.history(id), EventType.TimerFired)).toHaveLength(0);
    await t.client.raiseEvent(id, 'Done', null);
    expect((await t.waitForStatus(id, ['Completed', 'Failed'])).output).toEqual({ stopped: 1 });
  });

  it('a timer already due fires without moving time', async () => {
    const id = 'timer-past';
    await t.client.startNew('pastTimer', { instanceId: id });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toBe('fired');
    expect(ofType(t.history(id), EventType.TimerFired).map((e) => e.TimerId)).toEqual([0]);
  });
});

describe('waitForExternalEvent', () => {
  it('delivers an event raised before the orchestrator waits for it (buffered during a timer)', async () => {
    const id = 'event-early';
    await t.client.startNew('timerThenEvent', { instanceId: id });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Go', { early: true, n: 1 });
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    let h = t.history(id);
    expect(ofType(h, EventType.EventRaised).map((e) => [e.Name, json(e.Input)])).toEqual([
      ['Go', { early: true, n: 1 }],
    ]);
    expect(ofType(h, EventType.TimerFired)).toHaveLength(0);

    await t.advanceTime('1h');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ go: { early: true, n: 1 } });
    h = t.history(id);
    const raisedAt = h.findIndex((e) => e.EventType === EventType.EventRaised);
    const firedAt = h.findIndex((e) => e.EventType === EventType.TimerFired);
    expect(raisedAt).toBeLessThan(firedAt);
    // The wait took no sequence number: the only scheduled thing is the timer.
    expect(h.filter((e) => e.EventId >= 0).map((e) => [EventType[e.EventType], e.EventId])).toEqual([
      ['TimerCreated', 0],
    ]);
  });

  it('delivers an event raised while the orchestrator waits for it', async () => {
    const id = 'event-late';
    await t.client.startNew('timerThenEvent', { instanceId: id });
    await t.platform.whenIdle();
    await t.advanceTime('1h');
    expect(status(id)).toBe('Running');
    expect(ofType(t.history(id), EventType.TimerFired)).toHaveLength(1);

    await t.client.raiseEvent(id, 'Go', 'late payload');
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual({ go: 'late payload' });
    const h = t.history(id);
    const firedAt = h.findIndex((e) => e.EventType === EventType.TimerFired);
    const raised = ofType(h, EventType.EventRaised);
    expect(raised.map((e) => json(e.Input))).toEqual(['late payload']);
    expect(h.indexOf(raised[0])).toBeGreaterThan(firedAt);
  });

  it('ignores events of other names while waiting', async () => {
    const id = 'event-other-name';
    await t.client.startNew('timerThenEvent', { instanceId: id });
    await t.platform.whenIdle();
    await t.advanceTime('1h');
    await t.client.raiseEvent(id, 'NotGo', 1);
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    await t.client.raiseEvent(id, 'Go', 2);
    expect((await t.waitForStatus(id, ['Completed', 'Failed'])).output).toEqual({ go: 2 });
  });

  it('consumes two events of the same name in the order they were raised (one at a time)', async () => {
    const id = 'event-two-sequential';
    await t.client.startNew('twoEvents', { instanceId: id });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Item', { n: 'first' });
    await t.platform.whenIdle();
    expect(status(id)).toBe('Running');
    await t.client.raiseEvent(id, 'Item', { n: 'second' });
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual([{ n: 'first' }, { n: 'second' }]);
  });

  it('consumes two events of the same name in order when both arrive before the second wait', async () => {
    const id = 'event-two-burst';
    await t.client.startNew('twoEvents', { instanceId: id });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Item', 'one');
    await t.client.raiseEvent(id, 'Item', 'two');
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual(['one', 'two']);
    expect(ofType(t.history(id), EventType.EventRaised).map((e) => json(e.Input))).toEqual(['one', 'two']);
  });

  it('takes events raised right after startNew, before the first episode ran', async () => {
    const id = 'event-before-start';
    await t.client.startNew('twoEvents', { instanceId: id });
    await t.client.raiseEvent(id, 'Item', 'a');
    await t.client.raiseEvent(id, 'Item', 'b');
    const s = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(s.output).toEqual(['a', 'b']);
    const h = t.history(id);
    expect(h[1].EventType).toBe(EventType.ExecutionStarted);
    expect(ofType(h, EventType.EventRaised).map((e) => json(e.Input))).toEqual(['a', 'b']);
  });

  it('consumes same-name events raised before the instance waits at all, in order', async () => {
    const id = 'event-two-before';
    await t.client.startNew('timerThenEvent', { instanceId: id });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Go', 'g1');
    await t.client.raiseEvent(id, 'Go', 'g2');
    await t.advanceTime('1h');
    const s = await t.waitForStatus(id, ['Completed', 'Failed'], 2000);
    expect(s.output).toEqual({ go: 'g1' });
  });
});
