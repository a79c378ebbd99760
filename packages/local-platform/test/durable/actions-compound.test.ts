/**
 * Task.all / Task.any (durable-host-contract §5): results in child order, the first failure in history order,
 * the first completion in history order. Completion order is controlled with the fixture's `gated` activity:
 * each call waits until the test settles its gate.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';
import { json, ofType, until } from '../fixtures/history';
import { fixture } from '../fixtures/durableAppState';

const COMPLETIONS = new Set([EventType.TaskCompleted, EventType.TaskFailed]);

let t: TestPlatform;

/** Settles a gated activity and waits until the instance's history holds its completion. */
async function settle(instanceId: string, gate: string, taskId: number): Promise<void> {
  const g = await until(`gate ${gate}`, () => fixture().gates[gate]);
  g.settle();
  await until(`completion of task ${taskId} in ${instanceId}`, () =>
    t.history(instanceId).some((e) => COMPLETIONS.has(e.EventType) && e.TaskScheduledId === taskId),
  );
}

/** Settles a gate whose result nobody waits for any more (the instance finished). */
async function release(gate: string): Promise<void> {
  (await until(`gate ${gate}`, () => fixture().gates[gate])).settle();
}

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app') });
});

afterAll(async () => {
  await t?.stop();
});

describe('Task.all', () => {
  it('returns results in child order when the children finish in reverse order', async () => {
    const id = 'all-order';
    const gates = ['all-order-a', 'all-order-b', 'all-order-c'];
    await t.client.startNew('allOf', {
      instanceId: id,
      input: gates.map((gate) => ({ gate, value: `value of ${gate}` })),
    });
    await until('three scheduled tasks', () => ofType(t.history(id), EventType.TaskScheduled).length === 3);

    // All three are scheduled in one episode, numbered in child order.
    const scheduled = ofType(t.history(id), EventType.TaskScheduled);
    expect(scheduled.map((e) => [e.EventId, (json(e.Input) as { gate: string }).gate])).toEqual(
      gates.map((g, i) => [i, g]),
    );
    expect(new Set(scheduled.map((e) => e.Timestamp)).size).toBe(1);

    await settle(id, 'all-order-c', 2);
    await settle(id, 'all-order-b', 1);
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    await settle(id, 'all-order-a', 0);

    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({
      results: ['value of all-order-a', 'value of all-order-b', 'value of all-order-c'],
    });
    const h = t.history(id);
    expect(ofType(h, EventType.TaskCompleted).map((e) => [e.TaskScheduledId, json(e.Result)])).toEqual([
      [2, 'value of all-order-c'],
      [1, 'value of all-order-b'],
      [0, 'value of all-order-a'],
    ]);
    // Task.all itself adds no events.
    expect(h.filter((e) => e.EventId >= 0)).toHaveLength(3);
  });

  it('rejects with the first failing child (in history order), not the first failing child in the list', async () => {
    const id = 'all-first-failure';
    await t.client.startNew('allOf', {
      instanceId: id,
      input: [
        { gate: 'all-fail-a', value: 'fine' },
        { gate: 'all-fail-b', fail: 'b broke (listed first)' },
        { gate: 'all-fail-c', fail: 'c broke (finished first)' },
      ],
    });
    await settle(id, 'all-fail-a', 0);
    await settle(id, 'all-fail-c', 2);

    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    const caught = (status.output as { caught: string }).caught;
    expect(caught).toContain('c broke (finished first)');
    expect(caught).toContain('GateError');
    expect(caught).not.toContain('b broke');

    await release('all-fail-b');
    await t.platform.whenIdle();
    const h = t.history(id);
    expect(ofType(h, EventType.TaskFailed).map((e) => e.TaskScheduledId)).toEqual([2]);
    expect(ofType(h, EventType.TaskFailed)[0].FailureDetails?.ErrorMessage).toBe('c broke (finished first)');
    expect(h[h.length - 1].OrchestrationStatus).toBe('Completed');
  });

  it('rejects as soon as one child fails, without waiting for the others', async () => {
    const id = 'all-fail-fast';
    await t.client.startNew('allOf', {
      instanceId: id,
      input: [
        { gate: 'all-fast-a', value: 'slow' },
        { gate: 'all-fast-b', fail: 'b failed fast' },
      ],
    });
    await settle(id, 'all-fast-b', 1);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect((status.output as { caught: string }).caught).toContain('b failed fast');
    expect(fixture().gates['all-fast-a']).toBeDefined(); // a has not finished
    await release('all-fast-a');
  });
});

describe('Task.any', () => {
  it('returns the first child completed in history order', async () => {
    const id = 'any-first';
    await t.client.startNew('anyOf', {
      instanceId: id,
      input: [
        { gate: 'any-a', value: 'A' },
        { gate: 'any-b', value: 'B' },
        { gate: 'any-c', value: 'C' },
      ],
    });
    await settle(id, 'any-b', 1);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ index: 1, faulted: false, result: 'B' });
    await release('any-a');
    await release('any-c');
    await t.platform.whenIdle();
    const h = t.history(id);
    expect(ofType(h, EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 1, 2]);
    // Late completions of an instance that finished are not appended.
    expect(ofType(h, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([1]);
    expect(h[h.length - 1].OrchestrationStatus).toBe('Completed');
  });

  it('returns a failed child when it completes first (Task.any does not throw)', async () => {
    const id = 'any-failed-first';
    await t.client.startNew('anyOf', {
      instanceId: id,
      input: [
        { gate: 'any-f-a', value: 'A' },
        { gate: 'any-f-b', fail: 'b failed first' },
      ],
    });
    await settle(id, 'any-f-b', 1);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    const out = status.output as { index: number; faulted: boolean; result: string };
    expect(out.index).toBe(1);
    expect(out.faulted).toBe(true);
    expect(out.result).toContain('b failed first');
    await release('any-f-a');
  });

  it('when two children complete in one episode, returns the one earlier in history', async () => {
    const id = 'any-same-episode';
    await t.client.startNew('anyOf', {
      instanceId: id,
      input: [
        { gate: 'any-s-a', value: 'A' },
        { gate: 'any-s-b', value: 'B' },
      ],
    });
    const a = await until('gate a', () => fixture().gates['any-s-a']);
    const b = await until('gate b', () => fixture().gates['any-s-b']);
    b.settle();
    a.settle();
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    const firstCompletion = t.history(id).find((e) => e.EventType === EventType.TaskCompleted)!;
    const winner = firstCompletion.TaskScheduledId;
    expect(status.output).toEqual({ index: winner, faulted: false, result: winner === 0 ? 'A' : 'B' });
  });
});
