import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const state = (): { calls: string[]; shipAllowed: boolean } =>
  (globalThis as unknown as { __rewind: { calls: string[]; shipAllowed: boolean } }).__rewind;
const callsOf = (key: string): string[] => state().calls.filter((c) => c.endsWith(`:${key}`));

describe('rewind of a failed instance', () => {
  let t: TestPlatform;
  const rewind = (id: string, reason = 'carrier fixed') =>
    fetch(`${t.baseUrl}/runtime/webhooks/durabletask/instances/${id}/rewind?reason=${encodeURIComponent(reason)}`, {
      method: 'POST',
    });

  beforeAll(async () => {
    t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/rewind-app'), printErrors: false });
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    state().shipAllowed = false;
  });

  it('runs the failed activity again and not the completed one, then completes', async () => {
    const id = await t.client.startNew('order', { instanceId: 'rw-plain', input: 'o1' });
    const failed = await t.waitForStatus(id, 'Failed');
    expect(String(failed.output)).toContain('carrier unavailable for o1');
    expect(callsOf('o1')).toEqual(['charge:o1', 'ship:o1']);

    state().shipAllowed = true;
    const res = await rewind(id);
    expect(res.status).toBe(202);
    const done = await t.waitForStatus(id, 'Completed');
    expect(done.output).toEqual(['charged:o1', 'shipped:o1']);
    expect(callsOf('o1')).toEqual(['charge:o1', 'ship:o1', 'ship:o1']);
    const history = t.history(id);
    const rewound = history.find((e) => e.EventType === EventType.GenericEvent);
    expect(rewound).toMatchObject({ Name: 'Rewound', Input: JSON.stringify('carrier fixed') });
    expect(history.filter((e) => e.EventType === EventType.TaskFailed)).toHaveLength(0);
    expect(history.filter((e) => e.EventType === EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([
      0, 1,
    ]);
  });

  it('gives a retried call that ran out of attempts one more attempt', async () => {
    const id = await t.client.startNew('orderWithRetry', { instanceId: 'rw-retry', input: 'o2' });
    await t.platform.whenIdle();
    await t.advanceTime('5s');
    await t.waitForStatus(id, 'Failed');
    expect(callsOf('o2')).toEqual(['charge:o2', 'ship:o2', 'ship:o2']);

    state().shipAllowed = true;
    expect((await rewind(id)).status).toBe(202);
    const done = await t.waitForStatus(id, 'Completed');
    expect(done.output).toEqual(['charged:o2', 'shipped:o2']);
    expect(callsOf('o2')).toEqual(['charge:o2', 'ship:o2', 'ship:o2', 'ship:o2']);
  });

  it('runs a failed sub-orchestration again', async () => {
    const id = await t.client.startNew('parentOrder', { instanceId: 'rw-parent', input: 'o3' });
    await t.waitForStatus(id, 'Failed');
    expect((await t.client.getStatus('rw-parent-child')).runtimeStatus).toBe('Failed');

    state().shipAllowed = true;
    expect((await rewind(id)).status).toBe(202);
    const done = await t.waitForStatus(id, 'Completed');
    expect(done.output).toEqual(['charged:o3', 'shipped:o3']);
    expect((await t.client.getStatus('rw-parent-child')).runtimeStatus).toBe('Completed');
  });

  it('answers 412 for an instance that has not failed, 404 for an unknown one, and the client can rewind too', async () => {
    state().shipAllowed = true;
    const id = await t.client.startNew('order', { instanceId: 'rw-done', input: 'o4' });
    await t.waitForStatus(id, 'Completed');
    const notFailed = await rewind(id);
    expect(notFailed.status).toBe(412);
    expect(await notFailed.text()).toContain('only Failed instances can be rewound');
    expect((await rewind('rw-nobody')).status).toBe(404);

    state().shipAllowed = false;
    const id2 = await t.client.startNew('order', { instanceId: 'rw-client', input: 'o5' });
    await t.waitForStatus(id2, 'Failed');
    state().shipAllowed = true;
    await t.client.rewind(id2, 'via client');
    expect((await t.waitForStatus(id2, 'Completed')).output).toEqual(['charged:o5', 'shipped:o5']);
  });
});
