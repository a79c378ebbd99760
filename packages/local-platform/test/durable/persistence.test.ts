import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { DurableEngine } from '../../src/durable/engine';
import { RegistryDurableWorker } from '../../src/durable/functionsWorker';
import { EventType } from '../../src/durable/historyEvents';
import { DurableStore } from '../../src/durable/store';
import { loadApp } from '../../src/functionsHost/appLoader';
import { FunctionInvoker } from '../../src/functionsHost/invoker';
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

// The same story one level down, on both kinds of store: a second engine takes over the store the first one left.
// In memory the store stays open between them; on a file it is closed and opened again.
describe.each([
  { kind: 'in memory', location: ':memory:' },
  { kind: 'on a file', location: path.join(dir, 'engine.sqlite') },
])('an engine restart on a store $kind', ({ kind, location }) => {
  const HOUR = 3_600_000;
  const tag = (name: string): string => `${kind}/${name}`;
  const ownCalls = (): string[] => calls().filter((c) => c.startsWith(`${kind}/`) || c.startsWith(`approved:${kind}/`));

  it('continues instances that were in flight, fires timers that fell due while it was down, runs no completed activity again', async () => {
    const registry = await loadApp(appRoot);
    const worker = new RegistryDurableWorker(registry, new FunctionInvoker(registry, () => undefined));
    let store = new DurableStore({ location });
    const startEngine = (clock: VirtualClock): DurableEngine => {
      const engine = new DurableEngine({ store, clock, worker });
      engine.start();
      return engine;
    };
    const input = (delayMs: number, name: string): string => JSON.stringify({ delayMs, tag: tag(name) });

    const first = startEngine(new VirtualClock(start));
    await first.startNew('waitThenWork', { instanceId: 'timer-1', input: input(HOUR, 't1') });
    await first.startNew('waitThenWork', { instanceId: 'timer-2', input: input(24 * HOUR, 't2') });
    await first.startNew('awaitApproval', { instanceId: 'approval-1' });
    await first.whenIdle();
    expect(first.getStatus('timer-1')?.runtimeStatus).toBe('Running');
    expect(ownCalls()).toEqual([tag('t1:before'), tag('t2:before')]);
    const historyBefore = first.getHistory('timer-1')!.length;
    await first.stop();
    if (kind === 'on a file') {
      await store.close();
      store = new DurableStore({ location });
    }

    // Two hours later: timer-1 (1 h) fell due during the downtime, timer-2 (24 h) did not.
    const clock = new VirtualClock(start + 2 * HOUR);
    const second = startEngine(clock);
    await second.whenIdle();
    expect(second.getStatus('timer-1')?.output).toEqual([`done:${tag('t1:before')}`, `done:${tag('t1:after')}`]);
    expect(second.getHistory('timer-1')!.length).toBeGreaterThan(historyBefore);
    expect(second.getStatus('timer-2')?.runtimeStatus).toBe('Running');
    expect(second.getStatus('approval-1')?.runtimeStatus).toBe('Running');

    await clock.advance(24 * HOUR, () => second.whenIdle());
    expect(second.getStatus('timer-2')?.output).toEqual([`done:${tag('t2:before')}`, `done:${tag('t2:after')}`]);

    await second.raiseEvent('approval-1', 'Approval', JSON.stringify({ by: tag('ops') }));
    await second.whenIdle();
    expect(second.getStatus('approval-1')?.output).toBe(`done:approved:${tag('ops')}`);

    // Each activity ran once per TaskCompleted in history: nothing completed before the restart ran again.
    expect(ownCalls().sort()).toEqual(
      [`approved:${tag('ops')}`, tag('t1:after'), tag('t1:before'), tag('t2:after'), tag('t2:before')].sort(),
    );
    const completed = ['timer-1', 'timer-2', 'approval-1'].flatMap((id) =>
      second.getHistory(id)!.filter((e) => e.EventType === EventType.TaskCompleted),
    );
    expect(completed).toHaveLength(5);
    await second.stop();
    await store.close();
  });
});
