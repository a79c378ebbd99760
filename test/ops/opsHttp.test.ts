/**
 * The operator tool's HTTP API on the embedded platform, both engines: sagas driven into each status for real
 * (declined card, refund failing, confirmation never arriving, an orchestration that fails), then listed,
 * shown, replayed and decided through /api/ops with role keys, checking the gateway's ledger, stock and e-mails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const durableStatus = (id: string) => p.t.platform.engine.getStatus(id);
const parked = (id: string) => (durableStatus(id)?.customStatus as { phase?: string } | undefined)?.phase === 'parked';
const closed = (id: string) => ['Completed', 'Failed', 'Terminated'].includes(durableStatus(id)?.runtimeStatus ?? '');

beforeAll(async () => {
  p = await startOpsPlatform();
  await setStock(p, { 'SKU-TEA': 500, 'SKU-BOTH': 50, 'SKU-OOS-DF': 0, 'SKU-OOS-SFN': 0 });
  await placeOnDurable(p, order('ops-df-ok', 'pm_card_visa'));
  await placeOnDurable(p, order('ops-df-dec', 'pm_card_declined'));
  await placeOnDurable(p, order('ops-df-na', 'pm_card_no_confirm_refund_fails'));
  await placeOnDurable(p, order('ops-df-oos', 'pm_card_visa', 'SKU-OOS-DF'));
  await placeOnDurable(p, order('ops-both', 'pm_card_declined'));
  // An orchestration that fails: started without its order (the generic starter takes any input).
  await p.t.client.startNew('orderSaga', { instanceId: 'ops-df-fail', input: null });
  await placeOnStepFunctions(p, order('ops-sfn-ok', 'pm_card_visa'));
  await placeOnStepFunctions(p, order('ops-sfn-dec', 'pm_card_declined'));
  await placeOnStepFunctions(p, order('ops-sfn-na', 'pm_card_no_confirm_refund_fails'));
  await placeOnStepFunctions(p, order('ops-sfn-oos', 'pm_card_visa', 'SKU-OOS-SFN'));
  // Its own SKU: one platform, one stock, and the two runs of one order id must not share reservations.
  await placeOnStepFunctions(p, order('ops-both', 'pm_card_declined', 'SKU-BOTH'));
  await passTimeUntil(p, async () => {
    const sfnDone = await Promise.all(
      ['ops-sfn-ok', 'ops-sfn-dec', 'ops-sfn-oos', 'ops-both'].map(
        async (n) => (await executionStatus(p, n)) === 'SUCCEEDED',
      ),
    );
    return (
      ['ops-df-ok', 'ops-df-dec', 'ops-df-oos', 'ops-both', 'ops-df-fail'].every(closed) &&
      parked('ops-df-na') &&
      sfnDone.every(Boolean)
    );
  });
  // The parked Step Functions saga waits on its decision task.
  await passTimeUntil(p, async () => {
    const res = await ops(p, 'GET', 'sagas?engine=stepFunctions&orderId=ops-sfn-na', KEYS.reader);
    return res.body.runs?.[0]?.status === 'NeedsAttention';
  });
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

describe('ops API: list', () => {
  it("shows every run on both engines with one normalized status beside the engine's own, and counts per status", async () => {
    const res = await ops(p, 'GET', 'sagas?orderId=ops-&pageSize=100&counts=true', KEYS.reader);
    expect(res.status).toBe(200);
    const byRun = Object.fromEntries(
      res.body.runs.map((r: { engine: string; run: string }) => [`${r.engine}/${r.run}`, r]),
    );
    const expectRun = (key: string, status: string, engineStatus: string) =>
      expect({ status: byRun[key]?.status, engineStatus: byRun[key]?.engineStatus }, key).toEqual({
        status,
        engineStatus,
      });
    expectRun('durable/ops-df-ok', 'Completed', 'Completed');
    expectRun('durable/ops-df-dec', 'Compensated', 'Completed');
    expectRun('durable/ops-df-na', 'NeedsAttention', 'Running');
    expectRun('durable/ops-df-fail', 'Failed', 'Failed');
    expectRun('stepFunctions/ops-sfn-ok', 'Completed', 'SUCCEEDED');
    expectRun('stepFunctions/ops-sfn-dec', 'Compensated', 'SUCCEEDED');
    expectRun('stepFunctions/ops-sfn-na', 'NeedsAttention', 'RUNNING');
    expect(byRun['durable/ops-df-dec'].reason).toMatch(/PaymentDeclined/);
    expect(byRun['durable/ops-df-dec'].step).toBe('chargePayment');
    expect(byRun['stepFunctions/ops-sfn-dec'].reason).toMatch(/PaymentDeclined/);
    expect(res.body.runs).toHaveLength(11);
    expect(res.body.counts.total).toBe(11);
    expect(res.body.counts.byStatus).toMatchObject({ Completed: 2, Compensated: 6, NeedsAttention: 2, Failed: 1 });
    expect(res.body.counts.byEngine.stepFunctions.Compensated).toBe(3);
  });

  it('filters by status, engine, step and reason, and pages across both engines with continuation tokens', async () => {
    const comp = await ops(p, 'GET', 'sagas?status=Compensated&orderId=ops-', KEYS.reader);
    expect(comp.body.runs.map((r: { run: string }) => r.run).sort()).toEqual([
      'ops-both',
      'ops-both',
      'ops-df-dec',
      'ops-df-oos',
      'ops-sfn-dec',
      'ops-sfn-oos',
    ]);
    const declined = await ops(p, 'GET', 'sagas?reason=declined&engine=stepFunctions&orderId=ops-sfn', KEYS.reader);
    expect(declined.body.runs.map((r: { run: string }) => r.run)).toEqual(['ops-sfn-dec']);
    const atStock = await ops(p, 'GET', 'sagas?step=reserveInventory&orderId=ops-', KEYS.reader);
    expect(atStock.body.runs.map((r: { run: string }) => r.run).sort()).toEqual(['ops-df-oos', 'ops-sfn-oos']);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ops(
        p,
        'GET',
        `sagas?orderId=ops-&pageSize=5${token ? `&continuationToken=${token}` : ''}`,
        KEYS.reader,
      );
      expect(page.status).toBe(200);
      expect(page.body.runs.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.runs.map((r: { engine: string; run: string }) => `${r.engine}/${r.run}`));
      token = page.body.continuationToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(11);
    expect(seen).toHaveLength(11);
  });

  it('refuses filters it does not know and malformed values with 400 naming them', async () => {
    const bad = await ops(p, 'GET', 'sagas?status=Broken', KEYS.reader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status="Broken" is not one of Running, Awaiting/);
    const unknown = await ops(p, 'GET', 'sagas?colour=red', KEYS.reader);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/"colour" is not a filter/);
    const token = await ops(p, 'GET', 'sagas?continuationToken=garbage', KEYS.reader);
    expect(token.status).toBe(400);
  });
});

describe('ops API: show', () => {
  it("shows an order's runs with its timeline and, where it ran on both engines, a trace diff", async () => {
    const res = await ops(p, 'GET', 'sagas/ops-both', KEYS.reader);
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r: { engine: string }) => r.engine).sort()).toEqual(['durable', 'stepFunctions']);
    for (const engine of ['durable', 'stepFunctions']) {
      const d = res.body.latest[engine];
      expect(d.trace, engine).toEqual(['reserveInventory', 'chargePayment', 'releaseInventory', 'syncAnalytics']);
      const charge = d.timeline.find((e: { activity?: string }) => e.activity === 'chargePayment');
      expect(charge, engine).toMatchObject({ kind: 'attempt', attempt: 1, result: 'succeeded' });
      expect(d.run.status).toBe('Compensated');
    }
    expect(res.body.diff).toMatchObject({ same: true, missingOnDurable: [], missingOnStepFunctions: [], attempts: [] });
  });

  it('answers 404 naming an unknown order and 400 for a malformed id', async () => {
    const res = await ops(p, 'GET', 'sagas/ord-nobody', KEYS.reader);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/No saga run of order ord-nobody/);
    expect((await ops(p, 'GET', 'sagas/bad%20id', KEYS.reader)).status).toBe(400);
  });
});

describe('ops API: keys and roles', () => {
  it('answers 401 without a key or with a wrong one, 403 naming the role for a reader key on a mutating call', async () => {
    expect((await ops(p, 'GET', 'sagas')).status).toBe(401);
    const wrong = await ops(p, 'GET', 'sagas', 'not-a-key-at-all-0000000000');
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(KEYS.reader);
    const forbidden = await ops(p, 'POST', 'sagas/ops-df-na/decision', KEYS.reader, {
      action: 'markResolved',
      note: 'x',
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toMatch(/needs the operator role; key "rita" has the reader role/);
    const applyAsReader = await ops(p, 'POST', 'replays', KEYS.reader, {
      orderIds: ['ops-df-dec'],
      mode: 'restart',
      reason: 'r',
      dryRun: false,
      planHash: 'x',
    });
    expect(applyAsReader.status).toBe(403);
  });
});
