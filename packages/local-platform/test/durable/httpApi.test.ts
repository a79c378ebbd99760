// The Durable Functions HTTP API of the embedded platform (durable-host-contract §8), driven over real HTTP with
// fetch against the fixture app test/fixtures/http-app: every route at the rpc base (/durabletask/) and at the
// webhook base (/runtime/webhooks/durabletask/), the URLs createCheckStatusResponse hands out, the durable client
// methods, bad input and the system key.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const appRoot = path.resolve(__dirname, '../fixtures/http-app');
const repoRoot = path.resolve(__dirname, '../..');
const TASK_HUB = 'HttpHub';
const SYSTEM_KEY = 'http-api-test-system-key';
const ORCHESTRATORS = ['quick', 'approval', 'failing', 'sleeper'];
const MANAGEMENT_KEYS = [
  'id',
  'statusQueryGetUri',
  'sendEventPostUri',
  'terminatePostUri',
  'rewindPostUri',
  'purgeHistoryDeleteUri',
  'restartPostUri',
  'suspendPostUri',
  'resumePostUri',
];
const STATUS_KEYS = [
  'name',
  'instanceId',
  'runtimeStatus',
  'input',
  'output',
  'customStatus',
  'createdTime',
  'lastUpdatedTime',
];

/** Settings this file writes into process.env (through startTestPlatform); restored in afterAll. */
const ENV_KEYS = ['HTTP_APP_HOURLY_SCHEDULE', 'LOCAL_DURABLE_SYSTEM_KEY', 'WEBSITE_HOSTNAME'];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

interface CheckStatusPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

interface HistoryRow {
  EventType: string;
  Name?: string;
  Result?: unknown;
  Input?: unknown;
  OrchestrationStatus?: string;
}

interface StatusBody {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: HistoryRow[];
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method,
    body,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const asStatus = (a: Answer): StatusBody => a.json as StatusBody;
const asPayload = (a: Answer): CheckStatusPayload => a.json as CheckStatusPayload;
const errorText = (a: Answer): string => JSON.stringify(a.json ?? a.text);

function expectStatusShape(body: StatusBody): void {
  for (const key of STATUS_KEYS) expect(body, `status body lacks "${key}"`).toHaveProperty(key);
  expect(body.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  expect(body.lastUpdatedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  expect(Date.parse(body.lastUpdatedTime)).toBeGreaterThanOrEqual(Date.parse(body.createdTime));
}

let t: TestPlatform;
let uniq = 0;
const newId = (label: string): string => `${label}-${++uniq}`;

/** The two places the API is served. Webhook calls carry the system key, as the URLs the platform issues do. */
interface Base {
  label: string;
  url(route: string, query?: Record<string, string>): string;
}

const bases: Base[] = [
  {
    label: 'rpc base /durabletask/',
    url: (route, query = {}) => {
      const q = new URLSearchParams(query).toString();
      return `${t.baseUrl}/durabletask/${route}${q ? `?${q}` : ''}`;
    },
  },
  {
    label: 'webhook base /runtime/webhooks/durabletask/',
    url: (route, query = {}) =>
      `${t.baseUrl}/runtime/webhooks/durabletask/${route}?${new URLSearchParams({ ...query, taskHub: TASK_HUB, connection: 'Storage', code: SYSTEM_KEY })}`,
  },
];

async function startVia(base: Base, name: string, input?: unknown, instanceId?: string): Promise<string> {
  const a = await call(
    'POST',
    base.url(`orchestrators/${name}${instanceId ? `/${encodeURIComponent(instanceId)}` : ''}`),
    input === undefined ? undefined : JSON.stringify(input),
  );
  expect(a.status, errorText(a)).toBe(202);
  return asPayload(a).id;
}

beforeAll(async () => {
  t = await startTestPlatform({
    appRoot,
    settings: { HTTP_APP_HOURLY_SCHEDULE: '0 0 * * * *', LOCAL_DURABLE_SYSTEM_KEY: SYSTEM_KEY },
  });
});

afterAll(async () => {
  await t?.stop();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe.each(bases)('Durable HTTP API at the $label', (base) => {
  it('POST orchestrators/{name} answers 202 with the instance ID and its management URLs; the JSON body is the input', async () => {
    const a = await call('POST', base.url('orchestrators/quick'), '"Ann"');
    expect(a.status, errorText(a)).toBe(202);
    const payload = asPayload(a);
    expect(Object.keys(payload).sort()).toEqual([...MANAGEMENT_KEYS].sort());
    expect(payload.id).toMatch(/^\S+$/);
    const instanceBase = `${t.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}`;
    expect(payload.statusQueryGetUri.startsWith(`${instanceBase}?`)).toBe(true);
    expect(payload.sendEventPostUri.startsWith(`${instanceBase}/raiseEvent/{eventName}?`)).toBe(true);
    expect(payload.terminatePostUri).toContain(`${instanceBase}/terminate?reason={text}`);
    expect(payload.purgeHistoryDeleteUri.startsWith(`${instanceBase}?`)).toBe(true);
    for (const key of MANAGEMENT_KEYS.filter((k) => k !== 'id')) {
      const url = new URL((payload as unknown as Record<string, string>)[key]);
      expect(url.searchParams.get('taskHub'), key).toBe(TASK_HUB);
      expect(url.searchParams.get('code'), key).toBe(SYSTEM_KEY);
    }
    expect(a.headers.get('location')).toBe(payload.statusQueryGetUri);

    const done = await t.waitForStatus(payload.id, 'Completed');
    expect(done.name).toBe('quick');
    expect(done.input).toBe('Ann');
    expect(done.output).toEqual({ input: 'Ann', greeting: 'Hello, Ann!' });
  });

  it('POST orchestrators/{name}/{id} starts the instance under the given ID with an object input', async () => {
    const id = newId('explicit');
    const input = { order: 42, items: ['a', 'b'], nested: { ok: true } };
    const a = await call('POST', base.url(`orchestrators/approval/${id}`), JSON.stringify(input));
    expect(a.status, errorText(a)).toBe(202);
    expect(asPayload(a).id).toBe(id);
    const running = await t.waitForStatus(id, 'Running');
    expect(running.input).toEqual(input);
    expect(running.name).toBe('approval');
  });

  it('an empty body starts the orchestration with no input', async () => {
    const a = await call('POST', base.url('orchestrators/quick'));
    expect(a.status, errorText(a)).toBe(202);
    const done = await t.waitForStatus(asPayload(a).id, 'Completed');
    expect(done.input).toBeNull();
    expect(done.output).toEqual({ input: null, greeting: 'Hello, nobody!' });
  });

  it('GET instances/{id} answers 202 while Running with every status field (input/output null, never missing)', async () => {
    const id = await startVia(base, 'approval', undefined, newId('get-running'));
    await t.waitForStatus(id, 'Running');
    const a = await call('GET', base.url(`instances/${id}`));
    expect(a.status, errorText(a)).toBe(202);
    const body = asStatus(a);
    expectStatusShape(body);
    expect(body).toMatchObject({
      name: 'approval',
      instanceId: id,
      runtimeStatus: 'Running',
      input: null,
      output: null,
      customStatus: { stage: 'waiting' },
    });
    expect(body.historyEvents).toBeUndefined();
  });

  it('GET instances/{id} answers 200 once Completed, Failed or Terminated', async () => {
    const completed = await startVia(base, 'quick', 'Bo');
    await t.waitForStatus(completed, 'Completed');
    let a = await call('GET', base.url(`instances/${completed}`));
    expect(a.status).toBe(200);
    expectStatusShape(asStatus(a));
    expect(asStatus(a)).toMatchObject({
      runtimeStatus: 'Completed',
      input: 'Bo',
      output: { input: 'Bo', greeting: 'Hello, Bo!' },
      customStatus: null,
    });

    const failed = await startVia(base, 'failing', 'on purpose');
    await t.waitForStatus(failed, 'Failed');
    a = await call('GET', base.url(`instances/${failed}`));
    expect(a.status).toBe(200);
    expectStatusShape(asStatus(a));
    expect(asStatus(a).runtimeStatus).toBe('Failed');
    expect(JSON.stringify(asStatus(a).output)).toContain('explode: on purpose');

    const terminated = await startVia(base, 'sleeper');
    await t.waitForStatus(terminated, 'Running');
    expect((await call('POST', base.url(`instances/${terminated}/terminate`, { reason: 'enough' }))).status).toBe(202);
    await t.waitForStatus(terminated, 'Terminated');
    a = await call('GET', base.url(`instances/${terminated}`));
    expect(a.status).toBe(200);
    expect(asStatus(a)).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough', input: null });
  });

  it('showHistory=true adds historyEvents, showHistoryOutput=true adds results, showInput=false hides the input', async () => {
    const id = await startVia(base, 'quick', 'Cy');
    await t.waitForStatus(id, 'Completed');

    const plain = asStatus(await call('GET', base.url(`instances/${id}`)));
    expect(plain.historyEvents).toBeUndefined();
    expect(plain.input).toBe('Cy');

    const withHistory = asStatus(await call('GET', base.url(`instances/${id}`, { showHistory: 'true' })));
    expect(Array.isArray(withHistory.historyEvents)).toBe(true);
    const types = withHistory.historyEvents!.map((e) => e.EventType);
    expect(types).toContain('ExecutionStarted');
    expect(types).toContain('TaskCompleted');
    expect(types).toContain('ExecutionCompleted');
    expect(types.indexOf('ExecutionStarted')).toBeLessThan(types.indexOf('TaskCompleted'));
    expect(types.indexOf('TaskCompleted')).toBeLessThan(types.indexOf('ExecutionCompleted'));
    const completedNoOutput = withHistory.historyEvents!.find((e) => e.EventType === 'TaskCompleted')!;
    expect(completedNoOutput).not.toHaveProperty('Result');

    const withOutput = asStatus(
      await call('GET', base.url(`instances/${id}`, { showHistory: 'true', showHistoryOutput: 'true' })),
    );
    const taskCompleted = withOutput.historyEvents!.find((e) => e.EventType === 'TaskCompleted')!;
    expect(taskCompleted.Result).toBe('Hello, Cy!');
    const executionCompleted = withOutput.historyEvents!.find((e) => e.EventType === 'ExecutionCompleted')!;
    expect(executionCompleted.OrchestrationStatus).toBe('Completed');
    expect(executionCompleted.Result).toEqual({ input: 'Cy', greeting: 'Hello, Cy!' });

    const hidden = await call('GET', base.url(`instances/${id}`, { showInput: 'false' }));
    expect(hidden.status).toBe(200);
    expect(hidden.json).toHaveProperty('input', null);
    expect(asStatus(hidden).output).toEqual({ input: 'Cy', greeting: 'Hello, Cy!' });
  });

  it('GET instances/ filters by runtimeStatus (comma list) and createdTimeFrom/createdTimeTo', async () => {
    await t.advanceTime('7m');
    const from = new Date(t.clock!.now());
    const quick = [await startVia(base, 'quick', 'L1'), await startVia(base, 'quick', 'L2')];
    const waiting = [
      await startVia(base, 'approval', undefined, newId('list-wait')),
      await startVia(base, 'approval', undefined, newId('list-wait')),
    ];
    for (const id of quick) await t.waitForStatus(id, 'Completed');
    for (const id of waiting) await t.waitForStatus(id, 'Running');
    await t.advanceTime('3m');
    const later = new Date(t.clock!.now());
    const late = await startVia(base, 'quick', 'L3');
    await t.waitForStatus(late, 'Completed');

    const ids = (a: Answer): string[] => (a.json as StatusBody[]).map((s) => s.instanceId).sort();
    const window = {
      createdTimeFrom: from.toISOString(),
      createdTimeTo: new Date(later.getTime() - 1000).toISOString(),
    };

    let a = await call('GET', base.url('instances/', window));
    expect(a.status, errorText(a)).toBe(200);
    expect(ids(a)).toEqual([...quick, ...waiting].sort());
    for (const s of a.json as StatusBody[]) expectStatusShape(s);

    a = await call('GET', base.url('instances/', { ...window, runtimeStatus: 'Running' }));
    expect(ids(a)).toEqual([...waiting].sort());
    a = await call('GET', base.url('instances/', { ...window, runtimeStatus: 'Completed' }));
    expect(ids(a)).toEqual([...quick].sort());
    a = await call('GET', base.url('instances/', { ...window, runtimeStatus: 'Completed,Running' }));
    expect(ids(a)).toEqual([...quick, ...waiting].sort());
    a = await call('GET', base.url('instances/', { ...window, runtimeStatus: 'Failed,Terminated' }));
    expect(ids(a)).toEqual([]);

    a = await call('GET', base.url('instances/', { createdTimeFrom: later.toISOString() }));
    expect(ids(a)).toEqual([late]);
    a = await call('GET', base.url('instances/', { createdTimeFrom: from.toISOString(), runtimeStatus: 'Completed' }));
    expect(ids(a)).toEqual([...quick, late].sort());
  });

  it('GET instances/?top=N pages with x-ms-continuation-token until exhausted, every instance exactly once', async () => {
    await t.advanceTime('11m');
    const from = new Date(t.clock!.now()).toISOString();
    const started: string[] = [];
    for (let i = 0; i < 7; i++) started.push(await startVia(base, i % 2 ? 'approval' : 'quick', `P${i}`));
    for (const id of started) await t.waitForStatus(id, ['Completed', 'Running']);

    for (const top of [1, 2, 3, 7, 50]) {
      const seen: string[] = [];
      let token: string | null = null;
      let requests = 0;
      do {
        const a = await call(
          'GET',
          base.url('instances/', { createdTimeFrom: from, top: String(top) }),
          undefined,
          token ? { 'x-ms-continuation-token': token } : {},
        );
        expect(a.status, errorText(a)).toBe(200);
        const page = a.json as StatusBody[];
        expect(page.length).toBeLessThanOrEqual(top);
        seen.push(...page.map((s) => s.instanceId));
        token = a.headers.get('x-ms-continuation-token');
        if (token) expect(page.length, 'a page with a continuation token is full').toBe(top);
        expect(++requests, 'paging does not terminate').toBeLessThanOrEqual(started.length + 1);
      } while (token);
      expect([...seen].sort(), `top=${top}`).toEqual([...started].sort());
      expect(new Set(seen).size, `top=${top}: an instance was listed twice`).toBe(seen.length);
      expect(requests, `top=${top}`).toBe(Math.max(1, Math.ceil(started.length / top)));
    }
  });

  it('POST instances/{id}/raiseEvent/{name} delivers the event (202); 404 for an unknown instance; 410 once completed', async () => {
    const id = await startVia(base, 'approval', { order: 1 }, newId('raise'));
    await t.waitForStatus(id, 'Running');
    let a = await call(
      'POST',
      base.url(`instances/${id}/raiseEvent/Approval`),
      JSON.stringify({ ok: true, by: 'Dee' }),
    );
    expect(a.status, errorText(a)).toBe(202);
    const done = await t.waitForStatus(id, 'Completed');
    expect(done.output).toEqual({ input: { order: 1 }, approval: { ok: true, by: 'Dee' } });
    expect(done.customStatus).toEqual({ stage: 'approved' });

    a = await call('POST', base.url(`instances/${id}/raiseEvent/Approval`), '"again"');
    expect(a.status, errorText(a)).toBe(410);
    a = await call('POST', base.url(`instances/${newId('no-such-instance')}/raiseEvent/Approval`), '"x"');
    expect(a.status, errorText(a)).toBe(404);
  });

  it('POST instances/{id}/terminate answers 202 and the instance ends Terminated with the reason as output; 410 when finished', async () => {
    const id = await startVia(base, 'approval', undefined, newId('terminate'));
    await t.waitForStatus(id, 'Running');
    let a = await call('POST', base.url(`instances/${id}/terminate`, { reason: 'no longer needed' }));
    expect(a.status, errorText(a)).toBe(202);
    const done = await t.waitForStatus(id, 'Terminated');
    expect(done.output).toBe('no longer needed');
    a = await call('POST', base.url(`instances/${id}/terminate`, { reason: 'again' }));
    expect(a.status, errorText(a)).toBe(410);

    const completed = await startVia(base, 'quick', 'Ed');
    await t.waitForStatus(completed, 'Completed');
    a = await call('POST', base.url(`instances/${completed}/terminate`, { reason: 'late' }));
    expect(a.status, errorText(a)).toBe(410);
    expect((await t.platform.engine.getStatus(completed))!.runtimeStatus).toBe('Completed');
  });

  it('POST suspend / resume: the instance shows Suspended (GET answers 202), then runs on and takes its event', async () => {
    const id = await startVia(base, 'approval', undefined, newId('suspend'));
    await t.waitForStatus(id, 'Running');
    let a = await call('POST', base.url(`instances/${id}/suspend`, { reason: 'hold on' }));
    expect(a.status, errorText(a)).toBe(202);
    await t.waitForStatus(id, 'Suspended');
    a = await call('GET', base.url(`instances/${id}`));
    expect(a.status).toBe(202);
    expect(asStatus(a).runtimeStatus).toBe('Suspended');
    a = await call('GET', base.url('instances/', { runtimeStatus: 'Suspended' }));
    expect((a.json as StatusBody[]).map((s) => s.instanceId)).toContain(id);

    a = await call('POST', base.url(`instances/${id}/resume`, { reason: 'carry on' }));
    expect(a.status, errorText(a)).toBe(202);
    await t.waitForStatus(id, 'Running');
    a = await call('POST', base.url(`instances/${id}/raiseEvent/Approval`), '"after resume"');
    expect(a.status).toBe(202);
    const done = await t.waitForStatus(id, 'Completed');
    expect(done.output).toEqual({ input: null, approval: 'after resume' });
  });

  it('POST restart reruns the instance under the same ID, or under a new one with restartWithNewInstanceId=true, with the same input', async () => {
    const id = newId('restart');
    await startVia(base, 'approval', { round: 1 }, id);
    await t.waitForStatus(id, 'Running');
    await call('POST', base.url(`instances/${id}/raiseEvent/Approval`), '"first"');
    await t.waitForStatus(id, 'Completed');

    let a = await call('POST', base.url(`instances/${id}/restart`));
    expect(a.status, errorText(a)).toBe(202);
    expect(asPayload(a).id).toBe(id);
    const again = await t.waitForStatus(id, 'Running');
    expect(again.input).toEqual({ round: 1 });
    expect(again.output).toBeNull();
    expect(t.history(id).filter((e) => e.EventType === 0 /* ExecutionStarted */)).toHaveLength(1);

    a = await call('POST', base.url(`instances/${id}/restart`, { restartWithNewInstanceId: 'true' }));
    expect(a.status, errorText(a)).toBe(202);
    const freshId = asPayload(a).id;
    expect(freshId).not.toBe(id);
    const fresh = await t.waitForStatus(freshId, 'Running');
    expect(fresh.name).toBe('approval');
    expect(fresh.input).toEqual({ round: 1 });

    // Restarting a running instance under its own ID ends the old execution and starts afresh.
    await call('POST', base.url(`instances/${freshId}/raiseEvent/Approval`), '"not yet"');
    await t.waitForStatus(freshId, 'Completed');
    const running = newId('restart-running');
    await startVia(base, 'sleeper', undefined, running);
    await t.waitForStatus(running, 'Running');
    a = await call('POST', base.url(`instances/${running}/restart`));
    expect(a.status, errorText(a)).toBe(202);
    expect(asPayload(a).id).toBe(running);
    const restarted = await t.waitForStatus(running, 'Running');
    expect(restarted.name).toBe('sleeper');
    expect(t.history(running).filter((e) => e.EventType === 0 /* ExecutionStarted */)).toHaveLength(1);
  });

  it('POST rewind answers 412 for an instance that has not failed, 404 for an unknown one', async () => {
    const id = await startVia(base, 'quick', 'Flo');
    await t.waitForStatus(id, 'Completed');
    let a = await call('POST', base.url(`instances/${id}/rewind`, { reason: 'why not' }));
    expect(a.status, errorText(a)).toBe(412);
    a = await call('POST', base.url(`instances/${newId('no-such-instance')}/rewind`, { reason: 'x' }));
    expect(a.status, errorText(a)).toBe(404);
  });

  it('DELETE instances/{id} purges it (200 {instancesDeleted:1}); afterwards the instance is 404', async () => {
    const id = await startVia(base, 'quick', 'Gus');
    await t.waitForStatus(id, 'Completed');
    let a = await call('DELETE', base.url(`instances/${id}`));
    expect(a.status, errorText(a)).toBe(200);
    expect(a.json).toEqual({ instancesDeleted: 1 });
    a = await call('GET', base.url(`instances/${id}`));
    expect(a.status).toBe(404);
    a = await call('DELETE', base.url(`instances/${id}`));
    expect(a.status).toBe(404);
  });

  it('DELETE instances/?createdTimeFrom=...&runtimeStatus=Completed purges the matching instances only', async () => {
    await t.advanceTime('13m');
    const from = new Date(t.clock!.now()).toISOString();
    const completed = [
      await startVia(base, 'quick', 'H1'),
      await startVia(base, 'quick', 'H2'),
      await startVia(base, 'quick', 'H3'),
    ];
    const running = await startVia(base, 'approval', undefined, newId('purge-running'));
    for (const id of completed) await t.waitForStatus(id, 'Completed');
    await t.waitForStatus(running, 'Running');

    let a = await call('DELETE', base.url('instances/', { createdTimeFrom: from, runtimeStatus: 'Completed' }));
    expect(a.status, errorText(a)).toBe(200);
    expect(a.json).toEqual({ instancesDeleted: 3 });
    for (const id of completed) expect((await call('GET', base.url(`instances/${id}`))).status).toBe(404);
    expect((await call('GET', base.url(`instances/${running}`))).status).toBe(202);

    a = await call('GET', base.url('instances/', { createdTimeFrom: from }));
    expect((a.json as StatusBody[]).map((s) => s.instanceId)).toEqual([running]);
  });

  it('unknown instance: GET, raiseEvent, terminate, suspend, resume and restart answer 404', async () => {
    const id = newId('missing');
    expect((await call('GET', base.url(`instances/${id}`))).status).toBe(404);
    expect((await call('POST', base.url(`instances/${id}/raiseEvent/Approval`), '"x"')).status).toBe(404);
    expect((await call('POST', base.url(`instances/${id}/terminate`, { reason: 'x' }))).status).toBe(404);
    expect((await call('POST', base.url(`instances/${id}/suspend`, { reason: 'x' }))).status).toBe(404);
    expect((await call('POST', base.url(`instances/${id}/resume`, { reason: 'x' }))).status).toBe(404);
    expect((await call('POST', base.url(`instances/${id}/restart`))).status).toBe(404);
  });

  it('suspend and resume of a finished instance answer 410', async () => {
    const id = await startVia(base, 'quick', 'Hal');
    await t.waitForStatus(id, 'Completed');
    expect((await call('POST', base.url(`instances/${id}/suspend`, { reason: 'late' }))).status).toBe(410);
    expect((await call('POST', base.url(`instances/${id}/resume`, { reason: 'late' }))).status).toBe(410);
    expect(t.platform.engine.getStatus(id)!.runtimeStatus).toBe('Completed');
  });

  it('a malformed JSON body on start is a 400 that quotes the JSON parse error', async () => {
    const bad = '{"order": 42,';
    let parseError = '';
    try {
      JSON.parse(bad);
    } catch (e) {
      parseError = (e as Error).message;
    }
    const a = await call('POST', base.url('orchestrators/quick'), bad);
    expect(a.status).toBe(400);
    expect(a.text).toContain(parseError);
  });

  it('an unknown orchestrator is a 404 whose message names the registered orchestrators', async () => {
    const a = await call('POST', base.url('orchestrators/doesNotExist'), '{}');
    expect(a.status).toBe(404);
    expect(a.text).toContain('doesNotExist');
    for (const name of ORCHESTRATORS) expect(a.text).toContain(name);
  });
});

describe('Durable HTTP API: more bad input', () => {
  it('a malformed JSON event payload is a 400, and the instance keeps waiting', async () => {
    const id = await startVia(bases[0], 'approval', undefined, newId('bad-event'));
    await t.waitForStatus(id, 'Running');
    const a = await call('POST', bases[0].url(`instances/${id}/raiseEvent/Approval`), '{not json');
    expect(a.status).toBe(400);
    expect(t.platform.engine.getStatus(id)!.runtimeStatus).toBe('Running');
  });

  it('an unknown runtimeStatus in a query is a 400 naming the valid statuses', async () => {
    const a = await call('GET', bases[0].url('instances/', { runtimeStatus: 'Running,Sleeping' }));
    expect(a.status).toBe(400);
    expect(a.text).toContain('Sleeping');
    expect(a.text).toContain('Completed');
  });

  it('an instance ID with a malformed percent-escape is an unknown instance (404), not a platform failure', async () => {
    for (const base of bases) {
      const a = await call('GET', base.url('instances/%ZZnot-an-escape'));
      expect(a.status, `${base.label}: ${errorText(a)}`).toBe(404);
    }
  });
});

describe('Durable HTTP API: createCheckStatusResponse from an HTTP starter function', () => {
  it('statusQueryGetUri, sendEventPostUri ({eventName}) and purgeHistoryDeleteUri work as handed out', async () => {
    const a = await call('POST', `${t.baseUrl}/api/start/approval`, JSON.stringify({ who: 'Kim' }));
    expect(a.status, errorText(a)).toBe(202);
    const payload = asPayload(a);
    expect(Object.keys(payload).sort()).toEqual([...MANAGEMENT_KEYS].sort());
    expect(a.headers.get('location')).toBe(payload.statusQueryGetUri);
    expect(a.headers.get('retry-after')).toBe('10');
    for (const key of MANAGEMENT_KEYS.filter((k) => k !== 'id')) {
      const url = (payload as unknown as Record<string, string>)[key];
      expect(url.startsWith(`${t.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}`), key).toBe(true);
      expect(new URL(url).searchParams.get('code'), key).toBe(SYSTEM_KEY);
    }
    await t.waitForStatus(payload.id, 'Running');

    let s = await call('GET', payload.statusQueryGetUri);
    expect(s.status).toBe(202);
    expect(asStatus(s)).toMatchObject({ instanceId: payload.id, runtimeStatus: 'Running', input: { who: 'Kim' } });

    const ev = await call('POST', payload.sendEventPostUri.replace('{eventName}', 'Approval'), '"granted"');
    expect(ev.status, errorText(ev)).toBe(202);
    await t.waitForStatus(payload.id, 'Completed');
    s = await call('GET', payload.statusQueryGetUri);
    expect(s.status).toBe(200);
    expect(asStatus(s).output).toEqual({ input: { who: 'Kim' }, approval: 'granted' });

    const purge = await call('DELETE', payload.purgeHistoryDeleteUri);
    expect(purge.status, errorText(purge)).toBe(200);
    expect(purge.json).toEqual({ instancesDeleted: 1 });
    expect((await call('GET', payload.statusQueryGetUri)).status).toBe(404);
  });

  it('terminatePostUri ({text}), suspendPostUri and resumePostUri work; the starter honours an instance ID in its route', async () => {
    const id = newId('starter');
    const a = await call('POST', `${t.baseUrl}/api/start/approval/${id}`);
    expect(a.status, errorText(a)).toBe(202);
    const payload = asPayload(a);
    expect(payload.id).toBe(id);
    await t.waitForStatus(id, 'Running');

    expect(
      (await call('POST', payload.suspendPostUri.replace('{text}', encodeURIComponent('pause please')))).status,
    ).toBe(202);
    await t.waitForStatus(id, 'Suspended');
    expect((await call('POST', payload.resumePostUri.replace('{text}', 'resume'))).status).toBe(202);
    await t.waitForStatus(id, 'Running');
    const term = await call('POST', payload.terminatePostUri.replace('{text}', encodeURIComponent('stopped by test')));
    expect(term.status, errorText(term)).toBe(202);
    const done = await t.waitForStatus(id, 'Terminated');
    expect(done.output).toBe('stopped by test');
    expect((await call('POST', payload.terminatePostUri.replace('{text}', 'again'))).status).toBe(410);
  });

  it('with LOCAL_DURABLE_SYSTEM_KEY set, webhook calls need the key: 401 without code or with a wrong one', async () => {
    const a = await call('POST', `${t.baseUrl}/api/start/quick`, '"Ivy"');
    expect(a.status).toBe(202);
    const payload = asPayload(a);
    await t.waitForStatus(payload.id, 'Completed');
    const withoutCode = new URL(payload.statusQueryGetUri);
    withoutCode.searchParams.delete('code');
    expect((await call('GET', withoutCode.href)).status).toBe(401);
    const wrongCode = new URL(payload.statusQueryGetUri);
    wrongCode.searchParams.set('code', 'not-the-key');
    expect((await call('GET', wrongCode.href)).status).toBe(401);
    expect((await call('POST', `${t.baseUrl}/runtime/webhooks/durabletask/orchestrators/quick`, '"x"')).status).toBe(
      401,
    );
    expect((await call('DELETE', `${t.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}`)).status).toBe(
      401,
    );
    // The key is also accepted in the x-functions-key header, as by the Functions host.
    const viaHeader = await call('GET', withoutCode.href, undefined, { 'x-functions-key': SYSTEM_KEY });
    expect(viaHeader.status).toBe(200);
    expect((await call('GET', payload.statusQueryGetUri)).status).toBe(200);
    expect(t.platform.engine.getStatus(payload.id)).toBeDefined();
  });
});

describe('Durable HTTP API through the durable-functions client (t.client)', () => {
  it('startNew / getStatus / raiseEvent / suspend / resume / terminate', async () => {
    const id = await t.client.startNew('approval', { input: { via: 'client' }, instanceId: newId('client') });
    await t.waitForStatus(id, 'Running');
    let status = await t.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Running');
    expect(status.input).toEqual({ via: 'client' });
    expect(status.customStatus).toEqual({ stage: 'waiting' });

    await t.client.suspend(id, 'client suspend');
    await t.waitForStatus(id, 'Suspended');
    await t.client.resume(id, 'client resume');
    await t.waitForStatus(id, 'Running');
    await t.client.raiseEvent(id, 'Approval', { from: 'client' });
    await t.waitForStatus(id, 'Completed');
    status = await t.client.getStatus(id, { showHistory: true, showHistoryOutput: true });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ input: { via: 'client' }, approval: { from: 'client' } });

    const other = await t.client.startNew('sleeper');
    await t.waitForStatus(other, 'Running');
    await t.client.terminate(other, 'client terminate');
    const terminated = await t.waitForStatus(other, 'Terminated');
    expect(terminated.output).toBe('client terminate');
    // The client treats 410 (already finished) as success.
    await expect(t.client.terminate(other, 'again')).resolves.toBeUndefined();
    await expect(t.client.raiseEvent(other, 'Approval', 1)).resolves.toBeUndefined();
    await expect(t.client.getStatus(newId('client-missing'))).rejects.toThrow(/404/);
    await expect(t.client.raiseEvent(newId('client-missing'), 'Approval', 1)).rejects.toThrow(/No instance/);
  });

  it('getStatusBy / getStatusAll follow continuation tokens over more than one default page', async () => {
    await t.advanceTime('17m');
    const from = new Date(t.clock!.now());
    const ids: string[] = [];
    for (let i = 0; i < 105; i++) ids.push(await t.client.startNew('quick', { input: `N${i}` }));
    for (const id of ids) await t.waitForStatus(id, 'Completed');

    const byTime = await t.client.getStatusBy({ createdTimeFrom: from });
    expect(byTime.map((s) => s.instanceId).sort()).toEqual([...ids].sort());
    const completed = await t.client.getStatusBy({ createdTimeFrom: from, runtimeStatus: ['Completed' as never] });
    expect(completed).toHaveLength(105);
    const none = await t.client.getStatusBy({
      createdTimeFrom: from,
      runtimeStatus: ['Running' as never, 'Failed' as never],
    });
    expect(none).toEqual([]);

    const all = await t.client.getStatusAll();
    const allIds = all.map((s) => s.instanceId);
    expect(new Set(allIds).size).toBe(allIds.length);
    for (const id of ids) expect(allIds).toContain(id);
  });

  it('purgeInstanceHistory / purgeInstanceHistoryBy', async () => {
    await t.advanceTime('19m');
    const from = new Date(t.clock!.now());
    const a = await t.client.startNew('quick', { input: 'P-a' });
    const b = await t.client.startNew('quick', { input: 'P-b' });
    const c = await t.client.startNew('quick', { input: 'P-c' });
    const waiting = await t.client.startNew('approval');
    for (const id of [a, b, c]) await t.waitForStatus(id, 'Completed');
    await t.waitForStatus(waiting, 'Running');

    expect((await t.client.purgeInstanceHistory(a)).instancesDeleted).toBe(1);
    expect((await t.client.purgeInstanceHistory(a)).instancesDeleted).toBe(0);
    const byFilter = await t.client.purgeInstanceHistoryBy({
      createdTimeFrom: from,
      runtimeStatus: ['Completed' as never],
    });
    expect(byFilter.instancesDeleted).toBe(2);
    expect(
      (await t.client.purgeInstanceHistoryBy({ createdTimeFrom: from, runtimeStatus: ['Completed' as never] }))
        .instancesDeleted,
    ).toBe(0);
    expect(t.platform.engine.getStatus(b)).toBeUndefined();
    expect(t.platform.engine.getStatus(waiting)?.runtimeStatus).toBe('Running');
  });
});

describe('Durable HTTP API: an event raised while the instance is suspended', () => {
  it('is kept and delivered after resume (run in a child process so a hang fails instead of stalling the run)', async () => {
    const script = path.join(appRoot, 'scripts/suspended-event.js');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>(
      (resolve) => {
        const child = spawn(process.execPath, [script], {
          cwd: repoRoot,
          env: { ...process.env, LOCAL_TEST_LOG: 'quiet' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve({ code: null, stdout, stderr, timedOut: true });
        }, 15_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, timedOut: false });
        });
      },
    );
    expect(
      result.timedOut,
      `the platform stopped answering after the event was raised to the suspended instance (killed after 15 s). Child progress:\n${result.stderr}`,
    ).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      error?: string;
      steps: { name: string; status: number }[];
      whileSuspended: { status: number; body: StatusBody };
      final: { status: number; body: StatusBody };
    };
    expect(report.error).toBeUndefined();
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['start', 202],
      ['suspend', 202],
      ['raiseEvent', 202],
      ['resume', 202],
    ]);
    expect(report.whileSuspended.status).toBe(202);
    expect(report.whileSuspended.body.runtimeStatus).toBe('Suspended');
    expect(report.final.status).toBe(200);
    expect(report.final.body.runtimeStatus).toBe('Completed');
    expect(report.final.body.output).toEqual({ input: { order: 7 }, approval: 'while suspended' });
  }, 30_000);
});

describe('Durable HTTP API without a system key', () => {
  let open: TestPlatform;
  beforeAll(async () => {
    open = await startTestPlatform({
      appRoot,
      settings: { HTTP_APP_HOURLY_SCHEDULE: '0 0 * * * *', LOCAL_DURABLE_SYSTEM_KEY: '' },
    });
  });
  afterAll(async () => {
    await open?.stop();
  });

  it('webhook routes are open and the URLs handed out carry no code', async () => {
    const a = await call('POST', `${open.baseUrl}/api/start/quick`, '"Jo"');
    expect(a.status, errorText(a)).toBe(202);
    const payload = asPayload(a);
    expect(
      payload.statusQueryGetUri.startsWith(`${open.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}?`),
    ).toBe(true);
    for (const key of MANAGEMENT_KEYS.filter((k) => k !== 'id')) {
      expect(new URL((payload as unknown as Record<string, string>)[key]).searchParams.has('code'), key).toBe(false);
    }
    await open.waitForStatus(payload.id, 'Completed');
    const s = await call('GET', `${open.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}`);
    expect(s.status).toBe(200);
    expect(asStatus(s).output).toEqual({ input: 'Jo', greeting: 'Hello, Jo!' });
    // The instance lives in this platform's own store, not in the other one's.
    expect(t.platform.engine.getStatus(payload.id)).toBeUndefined();
  });
});
