/**
 * The dashboard's routes without a browser: the files it serves (and every path it refuses), and the two API
 * routes the page adds to the ops API (session, overview), checked against what the sagas really did.
 */
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

const parked = (id: string) =>
  (p.t.platform.engine.getStatus(id)?.customStatus as { phase?: string } | undefined)?.phase === 'parked';

beforeAll(async () => {
  p = await startOpsPlatform();
  await setStock(p, { 'SKU-TEA': 50 });
  await placeOnDurable(p, order('route-df-dec', 'pm_card_declined'));
  await placeOnDurable(p, order('route-df-na', 'pm_card_no_confirm_refund_fails'));
  await placeOnStepFunctions(p, order('route-sfn-ok', 'pm_card_visa'));
  await passTimeUntil(
    p,
    async () =>
      parked('route-df-na') &&
      p.t.platform.engine.getStatus('route-df-dec')?.runtimeStatus === 'Completed' &&
      (await executionStatus(p, 'route-sfn-ok')) === 'SUCCEEDED',
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
    expect(res.body.byEngine.durable).toMatchObject({ Compensated: 1, NeedsAttention: 1 });
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
