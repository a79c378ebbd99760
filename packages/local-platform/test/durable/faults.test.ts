import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/durable/historyEvents';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const flags = (): { changed: boolean } => (globalThis as unknown as { __faults: { changed: boolean } }).__faults;

describe('bad and oversize input ends the instance Failed with what and where, and the platform keeps serving', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({
      appRoot: path.join(__dirname, '../fixtures/faults-app'),
      printErrors: false,
      settings: { LOCAL_DURABLE_MAX_PAYLOAD_BYTES: '4096', LOCAL_DURABLE_MAX_HISTORY_EVENTS: '40' },
    });
  });
  afterAll(() => t.stop());

  const run = async (name: string, input?: unknown, id = `${name}-${Math.random().toString(36).slice(2)}`) => {
    await t.client.startNew(name, { instanceId: id, input });
    return t.waitForStatus(id, ['Completed', 'Failed']);
  };

  it('an orchestrator that throws before its first yield fails with its error', async () => {
    const s = await run('throwsAtStart');
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain("Orchestrator function 'throwsAtStart' failed");
    expect(String(s.output)).toContain('order is missing its lines');
  });

  it('an orchestrator that is not a generator function fails with the library error', async () => {
    const s = await run('notAGenerator');
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain('generator.next is not a function');
  });

  it.each([
    ['bigint', 'BigInt'],
    ['cycle', 'circular'],
  ])('an activity returning a value JSON cannot hold (%s) fails the call with the reason', async (name, reason) => {
    const s = await run('callActivity', { name, input: null });
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain(`Activity '${name}' returned a value JSON cannot hold`);
    expect(String(s.output)).toMatch(new RegExp(reason, 'i'));
  });

  it('an activity result over the payload limit fails the call, naming the activity, the size and the excess', async () => {
    const s = await run('callActivity', { name: 'huge', input: 5000 });
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain("The result of activity 'huge'");
    expect(String(s.output)).toContain('5002 bytes');
    expect(String(s.output)).toContain('over the 4.0 KB limit by 906 bytes');
  });

  it('an activity input over the limit fails the instance before the activity runs', async () => {
    const s = await run('bigActivityInput', 5000);
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain(
      "The input of activity 'echo' in TaskScheduled #0 of orchestration 'bigActivityInput'",
    );
    const history = t.history(s.instanceId);
    expect(history.some((e) => e.EventType === EventType.TaskScheduled)).toBe(false);
  });

  it('an orchestration output over the limit fails the instance', async () => {
    const s = await run('bigOutput', 6000);
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain("The output of ExecutionCompleted #-1 of orchestration 'bigOutput'");
  });

  it('a custom status over 16 KB fails the instance', async () => {
    const s = await run('bigStatus');
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain('The custom status of instance');
    expect(String(s.output)).toContain('LOCAL_DURABLE_MAX_CUSTOM_STATUS_BYTES');
  });

  it('a history over the event limit fails the instance and says how to avoid it', async () => {
    const s = await run('manySteps', 30);
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toMatch(/would have \d+ history events, over the limit of 40/);
    expect(String(s.output)).toContain('continueAsNew');
    expect(t.logs.some((l) => l.startsWith('warn:') && l.includes('history events'))).toBe(true);
    const small = await run('manySteps', 3);
    expect(small).toMatchObject({ runtimeStatus: 'Completed', output: 3 });
  });

  it('an oversize start input is refused with 413 and starts nothing', async () => {
    const res = await fetch(`${t.baseUrl}/runtime/webhooks/durabletask/orchestrators/callActivity/too-big`, {
      method: 'POST',
      body: JSON.stringify({ name: 'echo', input: 'q'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("The input of orchestration 'callActivity'");
    expect(t.platform.engine.getStatus('too-big')).toBeUndefined();
  });

  it('the platform keeps serving other instances after all of that', async () => {
    expect(await run('callActivity', { name: 'hello', input: 'world' })).toMatchObject({
      runtimeStatus: 'Completed',
      output: 'hello world',
    });
  });
});

describe('determinism check', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ appRoot: path.join(__dirname, '../fixtures/faults-app'), printErrors: false });
  });
  afterAll(() => t.stop());

  it('fails the instance with NonDeterministicOrchestration when replay asks for other work than history recorded', async () => {
    flags().changed = false;
    const id = 'shifty-1';
    await t.client.startNew('shifty', { instanceId: id });
    await t.platform.whenIdle();
    expect(t.platform.engine.getStatus(id)?.runtimeStatus).toBe('Running');
    const before = t.history(id).length;

    flags().changed = true; // a changed orchestrator is deployed while the instance waits
    await t.client.raiseEvent(id, 'Go', 'yes');
    const s = await t.waitForStatus(id, 'Failed');
    flags().changed = false;
    const message = String(s.output);
    expect(message).toContain('NonDeterministicOrchestration');
    expect(message).toContain('instance "shifty-1"');
    expect(message).toContain('CallActivity(hello)');
    expect(message).toContain('CallActivity(echo)');
    expect(message).toContain('EventId 0');
    // History recorded before the change is intact; only the failure was appended.
    const history = t.history(id);
    expect(history.slice(0, before).map((e) => e.EventType)).toEqual(
      t
        .history(id)
        .slice(0, before)
        .map((e) => e.EventType),
    );
    expect(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.Name)).toEqual(['echo']);
    expect(history.at(-1)).toMatchObject({ EventType: EventType.ExecutionCompleted, OrchestrationStatus: 'Failed' });
  });

  it('an unchanged orchestrator replays cleanly', async () => {
    const id = 'shifty-2';
    await t.client.startNew('shifty', { instanceId: id });
    await t.platform.whenIdle();
    await t.client.raiseEvent(id, 'Go', 'yes');
    expect(await t.waitForStatus(id, 'Completed')).toMatchObject({ output: ['a', 'yes'] });
  });
});
