/**
 * The dashboard's routes without a browser: the files it serves (and every path it refuses), and the two API
 * routes the page adds to the ops API (session, overview), checked against what the sagas really did.
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSaga } from '../../saga/definition/orderSaga';
import {
  executionStatus,
  KEYS,
  ops,
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  placeOnStepFunctions,
  setStock,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;
/** Declined orders (Compensated) the part-by-part apply restarts. */
const PART_ORDERS = ['part-1', 'part-2', 'part-3'];

const parked = (id: string) =>
  (p.t.platform.engine.getStatus(id)?.customStatus as { phase?: string } | undefined)?.phase === 'parked';

beforeAll(async () => {
  p = await startOpsPlatform();
  await setStock(p, { 'SKU-TEA': 50 });
  await placeOnDurable(p, order('route-df-dec', 'pm_card_declined'));
  await placeOnDurable(p, order('route-df-na', 'pm_card_no_confirm_refund_fails'));
  await placeOnStepFunctions(p, order('route-sfn-ok', 'pm_card_visa'));
  for (const id of PART_ORDERS) await placeOnDurable(p, order(id, 'pm_card_declined'));
  await placeOnStepFunctions(p, order('route-sfn-na', 'pm_card_no_confirm_refund_fails'));
  await passTimeUntil(
    p,
    async () =>
      parked('route-df-na') &&
      [...PART_ORDERS, 'route-df-dec'].every(
        (id) => p.t.platform.engine.getStatus(id)?.runtimeStatus === 'Completed',
      ) &&
      (await executionStatus(p, 'route-sfn-ok')) === 'SUCCEEDED',
  );
  // The parked Step Functions saga waits on its decision task.
  await passTimeUntil(
    p,
    async () =>
      (await ops(p, 'GET', 'sagas?engine=stepFunctions&orderId=route-sfn-na', KEYS.reader)).body.runs?.[0]?.status ===
      'NeedsAttention',
  );
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

const get = (path: string) => fetch(`${p.t.baseUrl}/api/ops/ui${path}`, { redirect: 'manual' });

describe('the dashboard files', () => {
  it('serves the page at /api/ops/ui/ (redirecting the bare path) with a Content-Security-Policy that allows only its own files', async () => {
    const bare = await get('');
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/api/ops/ui/');
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'.*frame-ancestors 'none'/,
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const app = await get('/app.js');
    expect(app.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await app.text()).toMatch(/from '\.\/pages\/list\.js'/);
    expect(html).toContain('<link rel="modulepreload" href="pages/list.js">');
    const list = await get('/pages/list.js');
    expect(list.status).toBe(200);
    const etag = list.headers.get('etag')!;
    const again = await fetch(`${p.t.baseUrl}/api/ops/ui/pages/list.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await get('/styles.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers 404 for anything that is not one of its files, however the path is spelled', async () => {
    for (const path of [
      '/nope.js',
      '/api.d.ts',
      '/..%2F..%2Fpackage.json',
      '/%2e%2e/%2e%2e/host.json',
      '/pages/../../server/assets.js',
      '/a/b/c.js',
      '/.tsbuildinfo',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toMatch(/import |require\(/);
    }
  });
});

describe('GET /api/ops/session', () => {
  it("answers the key's name and role and the saga's steps, never the key; 401 without one", async () => {
    expect((await ops(p, 'GET', 'session')).status).toBe(401);
    const res = await ops(p, 'GET', 'session', KEYS.rotated);
    expect(res.status).toBe(200);
    expect(res.body.caller).toEqual({ name: 'olga', role: 'operator' });
    expect(res.text).not.toContain(KEYS.rotated);
    expect(res.body.saga.steps.map((s: { name: string }) => s.name)).toEqual(orderSaga.steps.map((s) => s.name));
    const charge = res.body.saga.steps.find((s: { name: string }) => s.name === 'chargePayment');
    expect(charge).toMatchObject({
      compensation: 'refundPayment',
      critical: true,
      awaits: { event: 'PaymentConfirmed' },
    });
    expect((await ops(p, 'GET', 'session', KEYS.reader)).body.caller).toEqual({ name: 'rita', role: 'reader' });
  });
});

describe('GET /api/ops/overview', () => {
  it('counts runs per status per engine as the list does, names the oldest saga needing action, and counts starts per minute', async () => {
    expect((await ops(p, 'GET', 'overview')).status).toBe(401);
    const res = await ops(p, 'GET', 'overview', KEYS.reader);
    expect(res.status).toBe(200);
    const listed = await ops(p, 'GET', 'sagas?pageSize=500&counts=true', KEYS.reader);
    expect(res.body.total).toBe(listed.body.runs.length);
    expect(res.body.byEngine).toEqual(listed.body.counts.byEngine);
    expect(res.body.byEngine.durable).toMatchObject({ Compensated: 1 + PART_ORDERS.length, NeedsAttention: 1 });
    expect(res.body.byEngine.stepFunctions).toMatchObject({ Completed: 1 });
    expect(res.body.oldestNeedingAction).toMatchObject({
      orderId: 'route-df-na',
      engine: 'durable',
      status: 'NeedsAttention',
    });

    const minutes = res.body.startedPerMinute as { minute: string; byEngine: Record<string, number> }[];
    expect(minutes).toHaveLength(15);
    const from = Date.parse(minutes[0].minute);
    const to = Date.parse(minutes[14].minute) + 60_000;
    const inWindow = listed.body.runs.filter(
      (r: { createdAt: string }) => Date.parse(r.createdAt) >= from && Date.parse(r.createdAt) < to,
    );
    const counted = minutes.reduce((n, m) => n + Object.values(m.byEngine).reduce((a, b) => a + b, 0), 0);
    expect(counted).toBe(inWindow.length);
    expect(counted).toBeGreaterThan(0);
  });
});

describe('GET /api/ops/overview?engine=', () => {
  it('answers one engine alone (the page draws the fast one first) and refuses an unknown engine', async () => {
    const durable = await ops(p, 'GET', 'overview?engine=durable', KEYS.reader);
    expect(durable.status).toBe(200);
    expect(Object.keys(durable.body.byEngine)).toEqual(['durable']);
    expect(durable.body.byEngine.durable).toMatchObject({ Compensated: 1 + PART_ORDERS.length, NeedsAttention: 1 });
    const sfn = await ops(p, 'GET', 'overview?engine=stepFunctions', KEYS.reader);
    expect(Object.keys(sfn.body.byEngine)).toEqual(['stepFunctions']);
    expect(sfn.body.oldestNeedingAction).toMatchObject({ orderId: 'route-sfn-na', engine: 'stepFunctions' });
    const both = await ops(p, 'GET', 'overview', KEYS.reader);
    expect(durable.body.total + sfn.body.total).toBe(both.body.total);
    // Requests arriving while one engine's overview is computed share that computation (one walk, one answer);
    // a request after it is done computes anew.
    const together = await Promise.all(
      [1, 2, 3].map(() => ops(p, 'GET', 'overview?engine=stepFunctions', KEYS.reader)),
    );
    expect(new Set(together.map((r) => r.body.generatedAt)).size).toBe(1);
    const after = await ops(p, 'GET', 'overview?engine=stepFunctions', KEYS.reader);
    expect(after.body.generatedAt > together[0].body.generatedAt).toBe(true);
    const bad = await ops(p, 'GET', 'overview?engine=lambda', KEYS.reader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/engine="lambda" is not one of durable, stepFunctions/);
  });
});

describe('the custom status phase', () => {
  it('lists each run with its phase on both engines and filters by it server-side', async () => {
    const all = (await ops(p, 'GET', 'sagas?orderId=route-&pageSize=100', KEYS.reader)).body.runs as {
      run: string;
      engine: string;
      phase?: string;
    }[];
    const phase = (run: string, engine: string) => all.find((r) => r.run === run && r.engine === engine)?.phase;
    expect(phase('route-df-na', 'durable')).toBe('parked');
    expect(phase('route-df-dec', 'durable')).toBe('done');
    expect(phase('route-sfn-ok', 'stepFunctions')).toBe('done');
    const parkedOnly = await ops(p, 'GET', 'sagas?phase=parked&pageSize=100', KEYS.reader);
    expect(parkedOnly.body.runs.map((r: { run: string; engine: string }) => `${r.engine}/${r.run}`).sort()).toEqual([
      'durable/route-df-na',
      'stepFunctions/route-sfn-na',
    ]);
    const done = await ops(p, 'GET', 'sagas?phase=done&orderId=route-&pageSize=100', KEYS.reader);
    expect(done.body.runs.map((r: { run: string }) => r.run).sort()).toEqual(['route-df-dec', 'route-sfn-ok']);
    const bad = await ops(p, 'GET', 'sagas?phase=sleeping', KEYS.reader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/phase="sleeping" is not one of running, awaiting/);
  });

  it("shows the Durable custom status as the orchestration set it on the order's latest run", async () => {
    const res = await ops(p, 'GET', 'sagas/route-df-na', KEYS.reader);
    expect(res.body.latest.durable.customStatus).toMatchObject({ orderId: 'route-df-na', phase: 'parked' });
    expect(res.body.latest.durable.run.phase).toBe('parked');
  });
});

describe('GET /api/ops/sagas/{orderId}/calls', () => {
  const call = (query: string, key: string | null = KEYS.reader, orderId = 'route-df-dec') =>
    ops(p, 'GET', `sagas/${orderId}/calls?${query}`, key ?? undefined);

  it("answers one activity call's input, output and error, as the engine recorded them, on both engines", async () => {
    const view = await ops(p, 'GET', 'sagas/route-df-dec', KEYS.reader);
    const attempts = view.body.latest.durable.timeline.filter((e: { kind: string }) => e.kind === 'attempt');
    const reserve = await call('engine=durable&run=route-df-dec&call=0');
    expect(reserve.status).toBe(200);
    expect(reserve.body).toMatchObject({ engine: 'durable', run: 'route-df-dec', call: 0 });
    expect(reserve.body.activity).toBe(attempts[0].activity);
    expect(JSON.parse(reserve.body.input.text)).toMatchObject({ order: { orderId: 'route-df-dec' } });
    expect(reserve.body.output.truncated).toBe(false);
    // Every attempt of the timeline is a call, in the same order.
    for (let i = 0; i < attempts.length; i++)
      expect((await call(`engine=durable&run=route-df-dec&call=${i}`)).body.activity).toBe(attempts[i].activity);

    const sfn = await call('engine=stepFunctions&run=route-sfn-ok&call=0', KEYS.reader, 'route-sfn-ok');
    expect(sfn.status).toBe(200);
    expect(sfn.body.activity).toBe('reserveInventory');
    expect(JSON.parse(sfn.body.input.text)).toMatchObject({
      activity: 'reserveInventory',
      order: { orderId: 'route-sfn-ok' },
    });
    expect(JSON.parse(sfn.body.output.text)).toHaveProperty('ok', true);
  });

  it('cuts payloads to maxChars and says how long they are, so the page can ask for all of it', async () => {
    const cut = await call('engine=durable&run=route-df-dec&call=0&maxChars=20');
    expect(cut.body.input.text).toHaveLength(20);
    expect(cut.body.input.truncated).toBe(true);
    const whole = await call(`engine=durable&run=route-df-dec&call=0&maxChars=${cut.body.input.chars}`);
    expect(whole.body.input.truncated).toBe(false);
    expect(whole.body.input.text.startsWith(cut.body.input.text)).toBe(true);
    expect(whole.body.input.text).toHaveLength(cut.body.input.chars);
  });

  it('refuses what is not a call of the order: 401 without a key, 400 for a bad parameter or a run of another order, 404 for a call or run that does not exist', async () => {
    expect((await call('engine=durable&run=route-df-dec&call=0', null)).status).toBe(401);
    const other = await call('engine=durable&run=route-df-na&call=0');
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/not a run of order route-df-dec/);
    expect((await call('engine=durable&run=route-df-dec&call=-1')).status).toBe(400);
    expect((await call('engine=durable&run=route-df-dec&call=0&maxChars=0')).status).toBe(400);
    expect((await call('engine=azure&run=route-df-dec&call=0')).status).toBe(400);
    expect((await call('run=route-df-dec&call=0')).body.error.message).toMatch(/engine is required/);
    const beyond = await call('engine=durable&run=route-df-dec&call=99');
    expect(beyond.status).toBe(404);
    expect(beyond.body.error.message).toMatch(/made \d+ activity call\(s\); call 99 does not exist/);
    const elsewhere = await call('engine=stepFunctions&run=route-df-dec&call=0');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('RunNotFound');
  });
});

describe('POST /api/ops/replays with part: applying an approved plan part by part', () => {
  it('applies only the part, re-checks it against the dry run (a part applied twice is stale), and audits each part', async () => {
    const target = { orderIds: PART_ORDERS, mode: 'restart', reason: 'part by part' };
    const dry = await ops(p, 'POST', 'replays', KEYS.operator, { ...target, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.summary.eligible).toBe(3);
    const apply = (part: string[], key = KEYS.operator, planHash = dry.body.planHash) =>
      ops(p, 'POST', 'replays', key, { ...target, dryRun: false, planHash, part });

    expect((await apply(['part-1'], KEYS.reader)).status).toBe(403);
    const first = await apply(['part-1']);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([
      expect.objectContaining({ orderId: 'part-1', result: 'applied', newRun: 'part-1.r2' }),
    ]);
    expect(p.t.platform.engine.getStatus('part-1.r2')).toBeDefined();
    expect(p.t.platform.engine.getStatus('part-2.r2')).toBeUndefined();

    const again = await apply(['part-1']);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('StalePlan');
    expect(again.body.error.message).toMatch(/durable\/part-1/);

    const rest = await apply(['part-2', 'part-3']);
    expect(rest.body.summary).toMatchObject({ applied: 2, failed: 0 });
    expect(p.t.platform.engine.getStatus('part-3.r2')).toBeDefined();

    const outside = await apply(['route-df-dec']);
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/does not hold: route-df-dec/);
    const unknownPlan = await apply(['part-2'], KEYS.operator, '0'.repeat(32));
    expect(unknownPlan.status).toBe(409);

    const audit = await ops(p, 'GET', `audit?action=replay&pageSize=50`, KEYS.reader);
    const parts = audit.body.entries.filter(
      (e: { planHash?: string; dryRun: boolean }) => e.planHash === dry.body.planHash && !e.dryRun,
    );
    expect(
      parts.map((e: { targets: { orderId: string }[] }) => e.targets.map((t) => t.orderId).join(',')).sort(),
    ).toEqual(['part-1', 'part-2,part-3']);
  });
});

describe('GET /api/ops/sagas/{orderId} on a parked Step Functions saga', () => {
  it("never sends the decision task's token (with it and AWS credentials one could decide without the audit), and deciding still works", async () => {
    const executionArn = `${p.stateMachineArn.replace(':stateMachine:', ':execution:')}:route-sfn-na`;
    const events =
      (await p.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100 })))
        .events ?? [];
    const token = events
      .map((e) => e.taskScheduledEventDetails?.parameters)
      .filter((text): text is string => !!text && text.includes('taskToken'))
      .map((text) => (JSON.parse(text) as { Payload: { taskToken: string } }).Payload.taskToken)[0];
    expect(token).toBeTruthy();
    for (const key of [KEYS.reader, KEYS.operator]) {
      const res = await ops(p, 'GET', 'sagas/route-sfn-na', key);
      expect(res.body.latest.stepFunctions.run.status).toBe('NeedsAttention');
      expect(res.body.latest.stepFunctions).not.toHaveProperty('decisionToken');
      expect(res.text).not.toContain(token);
    }
    const decided = await ops(p, 'POST', 'sagas/route-sfn-na/decision', KEYS.operator, {
      action: 'markResolved',
      note: 'settled by hand',
    });
    expect(decided.status).toBe(202);
    expect(decided.text).not.toContain(token);
  });
});
