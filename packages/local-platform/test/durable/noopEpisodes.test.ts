/**
 * Episodes that add nothing to history (a resume of an instance that is not suspended, a duplicate or stale message
 * that is only dropped) must not write a history row: the instance's next episode appends at the same position.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestPlatform } from '../../src/testing';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/durable-app'), printErrors: false });
});

afterAll(async () => {
  await t?.stop();
});

describe('episodes that change nothing', () => {
  it('resuming a running (not suspended) instance changes nothing, and it goes on to complete', async () => {
    const id = await t.client.startNew('twoEvents');
    await t.platform.whenIdle();
    const before = t.history(id).length;
    await t.platform.engine.resume(id, 'not suspended');
    await t.platform.whenIdle();
    expect(t.history(id)).toHaveLength(before);
    await t.client.raiseEvent(id, 'Item', 'a');
    await t.client.raiseEvent(id, 'Item', 'b');
    const done = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(done.output).toEqual(['a', 'b']);
    expect(t.logs.filter((l) => l.includes('UNIQUE constraint'))).toEqual([]);
  });

  it('an instance that resumed twice in a row while running still takes events in the same commit as others', async () => {
    const ids = await Promise.all([t.client.startNew('twoEvents'), t.client.startNew('twoEvents')]);
    await t.platform.whenIdle();
    await t.platform.engine.resume(ids[0], 'noop 1');
    await t.platform.engine.resume(ids[0], 'noop 2');
    await Promise.all(ids.flatMap((id) => [t.client.raiseEvent(id, 'Item', 1), t.client.raiseEvent(id, 'Item', 2)]));
    for (const id of ids) expect((await t.waitForStatus(id, ['Completed', 'Failed'])).runtimeStatus).toBe('Completed');
  });
});
