import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const appRoot = path.join(__dirname, '../fixtures/persist-app');
const calls = (): string[] => ((globalThis as Record<string, unknown>).__persistCalls as string[] | undefined) ?? [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-persist-'));
const store = path.join(dir, 'durable.sqlite');
const start = Date.UTC(2026, 0, 1);

describe('a platform restart on a file store', () => {
  let second: TestPlatform | undefined;
  afterAll(async () => {
    await second?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('continues instances that were in flight, fires timers that fell due while it was down, runs no completed activity again', async () => {
    const first = await startTestPlatform({ appRoot, store, startTime: start });
    await first.client.startNew('waitThenWork', { instanceId: 'timer-1', input: { delayMs: 3_600_000, tag: 't1' } });
    await first.client.startNew('waitThenWork', { instanceId: 'timer-2', input: { delayMs: 86_400_000, tag: 't2' } });
    await first.client.startNew('awaitApproval', { instanceId: 'approval-1' });
    await first.platform.whenIdle();
    expect(first.platform.engine.getStatus('timer-1')?.runtimeStatus).toBe('Running');
    expect(calls()).toEqual(['t1:before', 't2:before']);
    const historyBefore = first.history('timer-1').length;
    await first.stop();

    // Two hours later: timer-1 (1 h) fell due during the downtime, timer-2 (24 h) did not.
    second = await startTestPlatform({ appRoot, store, startTime: start + 2 * 3_600_000 });
    const t1 = await second.waitForStatus('timer-1', 'Completed');
    expect(t1.output).toEqual(['done:t1:before', 'done:t1:after']);
    expect(second.history('timer-1').length).toBeGreaterThan(historyBefore);
    expect(second.platform.engine.getStatus('timer-2')?.runtimeStatus).toBe('Running');
    expect(second.platform.engine.getStatus('approval-1')?.runtimeStatus).toBe('Running');

    await second.advanceTime('1d');
    expect((await second.waitForStatus('timer-2', 'Completed')).output).toEqual(['done:t2:before', 'done:t2:after']);

    await second.client.raiseEvent('approval-1', 'Approval', { by: 'ops' });
    expect((await second.waitForStatus('approval-1', 'Completed')).output).toBe('done:approved:ops');

    // Each activity ran once per TaskCompleted in history: nothing completed before the restart ran again.
    expect(calls().sort()).toEqual(['approved:ops', 't1:after', 't1:before', 't2:after', 't2:before']);
    const completed = ['timer-1', 'timer-2', 'approval-1'].flatMap((id) =>
      second!.history(id).filter((e) => e.EventType === EventType.TaskCompleted),
    );
    expect(completed).toHaveLength(5);
  });
});
