// The app's functions in a worker thread of their own (LOCAL_FUNCTIONS_WORKER=thread, what `npm start` does), on
// the fixture app test/fixtures/worker-thread-app: it really runs off the host's thread, sees the settings the
// platform fills after loading it, keeps HTTP bodies byte for byte, turns a thrown error into a 500 and an
// activity's error into the orchestration's, runs hooks and logs, and survives the app killing its worker.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../src/testing';

const appRoot = path.resolve(__dirname, '../fixtures/worker-thread-app');
const unsupportedAppRoot = path.resolve(__dirname, '../fixtures/unsupported-app');

let t: TestPlatform;
const api = (route: string): string => `${t.baseUrl}/api/${route}`;

beforeAll(async () => {
  t = await startTestPlatform({
    appRoot,
    clock: 'real',
    printErrors: false,
    settings: { LOCAL_FUNCTIONS_WORKER: 'thread', LOCAL_FUNCTION_KEY: '', LOCAL_DURABLE_SYSTEM_KEY: '' },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('the language worker thread', () => {
  it('runs the functions off the host thread, after appStart, with the settings filled after the app was loaded', async () => {
    const res = await fetch(api('whereAmI?setting=PAYMENT_GATEWAY_URL'));
    const body = (await res.json()) as { isMainThread: boolean; threadId: number; appStarted: number; setting: string };
    expect(body.isMainThread).toBe(false);
    expect(body.threadId).toBeGreaterThan(0);
    expect(body.appStarted).toBe(1);
    // Filled by the platform once its port was known, after the worker had loaded the app.
    expect(body.setting).toBe(t.platform.settings.PAYMENT_GATEWAY_URL);
    expect(body.setting).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/payment-gateway$/);
    expect(t.logs.some((l) => l.includes('[whereAmI] whereAmI asked for PAYMENT_GATEWAY_URL'))).toBe(true);
  });

  it('keeps a binary body byte for byte both ways', async () => {
    const bytes = randomBytes(70_000);
    const res = await fetch(api('echoBytes'), { method: 'POST', body: bytes });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 500 when a handler throws, with the error (name, message) in the log', async () => {
    const res = await fetch(api('fail'));
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FunctionFailed');
    expect(t.logs.some((l) => /function 'fail' failed \(Error: the fixture failed on purpose\)/.test(l))).toBe(true);
  });

  it('runs orchestrations and activities there: results, an activity error caught by the orchestrator, custom status', async () => {
    const res = await fetch(api('pipeline/p-1?n=21'), { method: 'POST' });
    expect(res.status).toBe(202);
    const status = await t.waitForStatus('p-1', ['Completed', 'Failed'], 20_000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({
      first: { doubled: 42, isMainThread: false },
      second: { doubled: 84, isMainThread: false },
      refusal: expect.stringContaining('refused politely'),
    });
    expect(status.customStatus).toEqual({ phase: 'done' });
  });

  it('replaces a worker the app brought down, and serves the next request from the new one', async () => {
    const before = ((await (await fetch(api('whereAmI'))).json()) as { threadId: number }).threadId;
    expect((await fetch(api('crash'), { method: 'POST' })).status).toBe(202);
    let after = { threadId: before, appStarted: 0 };
    for (let i = 0; i < 100 && after.threadId === before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const res = await fetch(api('whereAmI'));
      if (res.status === 200) after = (await res.json()) as typeof after;
    }
    expect(after.threadId).not.toBe(before);
    // The new worker loaded the app afresh and ran its appStart hook before taking calls.
    expect(after.appStarted).toBe(1);
    expect(t.logs.some((l) => l.includes('an unhandled error outside any handler'))).toBe(true);
    const status = await fetch(api('pipeline/p-2?n=1'), { method: 'POST' });
    expect(status.status).toBe(202);
    expect((await t.waitForStatus('p-2', ['Completed', 'Failed'], 20_000)).output).toMatchObject({
      second: { doubled: 4 },
    });
  });
});

describe('the language worker thread at start-up', () => {
  it('an app with a trigger the platform cannot serve stops start-up with the same error as in the host thread', async () => {
    const started = startTestPlatform({ appRoot: unsupportedAppRoot, settings: { LOCAL_FUNCTIONS_WORKER: 'thread' } });
    await expect(started).rejects.toMatchObject({ name: 'UnsupportedTriggerError' });
    await expect(started).rejects.toThrow(/processOrderQueue/);
  });

  it('an app whose entry file throws stops start-up with an AppLoadError naming the file and the error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-app-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'broken', main: 'index.js' }));
    fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0' }));
    fs.writeFileSync(path.join(dir, 'index.js'), "throw new Error('the entry file is broken');\n");
    try {
      const started = startTestPlatform({ appRoot: dir, settings: { LOCAL_FUNCTIONS_WORKER: 'thread' } });
      await expect(started).rejects.toMatchObject({ name: 'AppLoadError' });
      await expect(started).rejects.toThrow(/Loading index\.js failed: Error: the entry file is broken/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
