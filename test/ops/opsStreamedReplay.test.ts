/**
 * A bulk replay larger than its pages (OPS_REPLAY_PAGE_ITEMS=4 here, 200 by default), on both engines with the
 * virtual clock: the dry run is planned, hashed and stored page by page and answers its first page with a token
 * (the rest paged with a reader key), it changes nothing; the apply streams the stored plan, restarts every saga
 * exactly once (the gateway's ledger, the e-mails), skips with its reason a saga that another operator restarted
 * while the apply ran, and records every result in the audit in parts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaBackend } from '../../ops/backends/sagaBackend';
import { CosmosAuditLog } from '../../ops/audit/cosmosAuditLog';
import { OpsService } from '../../ops/opsService';
import type { PlanItem, ReplayResults } from '../../ops/replay/replayPlan';
import { orderSaga } from '../../saga/definition/orderSaga';
import { opsLibrary } from '../fixtures/opsLibrary';
import {
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

/** dashboard/browser/components/partApply.ts's applyInParts, as this test calls it. */
type ApplyInParts = (
  ctx: { api: object },
  target: object,
  plan: unknown,
  reason: string,
  progress: (done: unknown[]) => void,
  stopRequested: () => boolean,
) => Promise<ReplayResults>;

const PAGE = 4;
const ids = Array.from({ length: 14 }, (_, i) => `flat-${i % 2 ? 'sfn' : 'df'}-${i}`);
const where = { orderId: 'flat-', status: 'Compensated' };
let p: OpsPlatform;
let lib: OpsService;

const ledger = () => p.t.platform.clouds.paymentGateway.ledger();
const chargesOf = (orderId: string) => ledger().charges.filter((c) => c.orderId === orderId && c.status !== 'failed');
const confirmationsOf = (orderId: string) =>
  p.t.platform.clouds.email.sent().filter((e) => e.subject === `Order ${orderId} confirmed`);

beforeAll(async () => {
  p = await startOpsPlatform({ OPS_REPLAY_PAGE_ITEMS: String(PAGE) });
  lib = opsLibrary(p);
  await setStock(p, { 'SKU-FLAT': 0 });
  for (const id of ids)
    if (id.includes('sfn')) await placeOnStepFunctions(p, order(id, 'pm_card_visa', 'SKU-FLAT'));
    else await placeOnDurable(p, order(id, 'pm_card_visa', 'SKU-FLAT'));
  await passTimeUntil(p, async () => (await lib.counts({ orderIdPrefix: 'flat-' })).byStatus.Compensated === 14, 10);
  await setStock(p, { 'SKU-FLAT': 100 });
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

describe('bulk replay streamed page by page', () => {
  let planHash: string;
  let items: PlanItem[] = [];

  it('answers the first page of the dry run, pages the rest with a reader key, and changes nothing', async () => {
    const before = { charges: ledger().charges.length, emails: p.t.platform.clouds.email.sent().length };
    const dry = await ops(p, 'POST', 'replays', KEYS.reader, {
      where,
      mode: 'restart',
      reason: 'restocked',
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toEqual({ eligible: 14, ineligible: 0 });
    expect(dry.body.byAction).toEqual({ restart: { eligible: 14, ineligible: 0 } });
    expect(dry.body.items).toHaveLength(PAGE);
    expect(dry.body.items[0].steps.length).toBeGreaterThan(0);
    expect(dry.body.itemsContinuationToken).toEqual(expect.any(String));
    planHash = dry.body.planHash;

    items = [...dry.body.items];
    let token: string | undefined = dry.body.itemsContinuationToken;
    let pages = 1;
    while (token) {
      const page = await ops(p, 'GET', `replays/${planHash}/items?continuationToken=${token}`, KEYS.reader);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(PAGE);
      items.push(...page.body.items);
      token = page.body.continuationToken;
      pages++;
    }
    expect(pages).toBe(Math.ceil(14 / PAGE));
    expect(items.map((i) => i.orderId).sort()).toEqual([...ids].sort());
    expect(items.every((i) => i.eligible && i.newRun === `${i.orderId}.r2` && i.steps.length > 0)).toBe(true);

    expect((await ops(p, 'GET', `replays/${planHash}/items`)).status).toBe(401);
    const badToken = await ops(p, 'GET', `replays/${planHash}/items?continuationToken=99`, KEYS.reader);
    expect(badToken.status).toBe(400);
    expect(badToken.body.error.message).toMatch(/is not a page of plan .* \(it has 4 page\(s\)\)/);
    const unknown = await ops(p, 'GET', `replays/${'0'.repeat(32)}/items`, KEYS.reader);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PlanNotFound');

    // The dry run changed nothing anywhere: no charge, no e-mail, no new run.
    expect({ charges: ledger().charges.length, emails: p.t.platform.clouds.email.sent().length }).toEqual(before);
    for (const id of ids) expect((await lib.show(id)).runs.map((r) => r.run)).toEqual([id]);
  });

  it('restarts every saga once, and skips with its reason one that another operator restarted meanwhile', async () => {
    // The last Durable saga of the plan is restarted outside the tool as soon as the apply starts its first saga
    // (a real concurrent restart, through the Durable client), after the apply's first pass found it unchanged.
    const victim = items.filter((i) => i.engine === 'durable').at(-1)!.orderId;
    let fired = false;
    const durable = lib.backends.find((b) => b.engine === 'durable')!;
    const hooked: SagaBackend = Object.create(durable);
    hooked.start = async (run, input) => {
      if (!fired) {
        fired = true;
        await p.t.client.startNew('orderSaga', {
          instanceId: `${victim}.r2`,
          input: order(victim, 'pm_card_visa', 'SKU-FLAT'),
        });
      }
      return durable.start(run, input);
    };
    const streamed = new OpsService(
      lib.backends.map((b) => (b === durable ? hooked : b)),
      new CosmosAuditLog(() => p.t.platform.clouds.cosmos!.client.database('orders').container('ops-audit')),
      orderSaga,
      () => new Date(p.t.clock!.now()),
      PAGE,
    );
    const applied = (await streamed.replay(
      { name: 'otto', role: 'operator' },
      {
        selection: { where: { orderIdPrefix: 'flat-', statuses: ['Compensated'] } },
        mode: 'restart',
        reason: 'restocked',
        dryRun: false,
        planHash,
        bounds: { concurrency: 1, perSecond: 1000 },
      },
    )) as ReplayResults;
    expect(fired).toBe(true);
    expect(applied.summary).toMatchObject({ applied: 13, skipped: 1, failed: 0 });
    expect(applied.results[0]).toMatchObject({ orderId: victim, result: 'skipped' });
    expect(applied.results[0].detail).toMatch(
      new RegExp(
        `^changed since the plan was checked: durable/${victim} \\(Compensated ${victim} → \\w+ ${victim}\\.r2\\)`,
      ),
    );
    expect(applied.auditId).toEqual(expect.any(String));

    await passTimeUntil(p, async () => (await lib.counts({ orderIdPrefix: 'flat-' })).byStatus.Completed === 14, 10);
    for (const id of ids) {
      expect(chargesOf(id), id).toHaveLength(1);
      expect(confirmationsOf(id), id).toHaveLength(1);
    }

    // Every result is in the audit, in parts: the entry, found by an order of its last part too, and its parts.
    const last = items.at(-1)!.orderId;
    const byOrder = await ops(p, 'GET', `audit?action=replay&orderId=${last}`, KEYS.reader);
    const entry = byOrder.body.entries.find((e: { id: string }) => e.id === applied.auditId);
    expect(entry).toMatchObject({
      dryRun: false,
      planHash,
      chunks: Math.ceil(14 / PAGE),
      itemCount: 14,
      outcomeCounts: { applied: 13, skipped: 1, failed: 0 },
    });
    const exported = await ops(p, 'GET', `audit?action=replay&format=jsonl&pageSize=50`, KEYS.reader);
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; chunkOf?: string; outcomes?: { orderId: string; result: string }[] });
    const outcomes = lines
      .filter((l) => l.id === applied.auditId || l.chunkOf === applied.auditId)
      .flatMap((l) => l.outcomes ?? []);
    expect(outcomes.map((o) => o.orderId).sort()).toEqual([...ids].sort());
    expect(outcomes.filter((o) => o.result === 'skipped').map((o) => o.orderId)).toEqual([victim]);
  }, 120_000);

  it('refuses the same plan again with 409, counting every saga that changed, and another selection with 400, before starting any', async () => {
    const runsBefore = (await lib.counts({ orderIdPrefix: 'flat-' })).total;
    const again = await ops(p, 'POST', 'replays', KEYS.operator, {
      where,
      mode: 'restart',
      reason: 'restocked',
      dryRun: false,
      planHash,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('StalePlan');
    expect(again.body.error.message).toMatch(/14 saga\(s\) changed since it was made: .*→ Completed flat-/);
    const otherSelection = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: [ids[0]],
      mode: 'restart',
      reason: 'restocked',
      dryRun: false,
      planHash,
    });
    expect(otherSelection.status).toBe(400);
    expect(otherSelection.body.error.message).toMatch(/was made for another selection/);
    expect((await lib.counts({ orderIdPrefix: 'flat-' })).total).toBe(runsBefore);
  });

  it("the dashboard's part-by-part apply (its own code, over the HTTP API) pages the plan's items beyond the first", async () => {
    const more = Array.from({ length: 6 }, (_, i) => `flatd-${i % 2 ? 'sfn' : 'df'}-${i}`);
    await setStock(p, { 'SKU-FLATD': 0 });
    for (const id of more)
      if (id.includes('sfn')) await placeOnStepFunctions(p, order(id, 'pm_card_visa', 'SKU-FLATD'));
      else await placeOnDurable(p, order(id, 'pm_card_visa', 'SKU-FLATD'));
    await passTimeUntil(p, async () => (await lib.counts({ orderIdPrefix: 'flatd-' })).byStatus.Compensated === 6, 10);
    await setStock(p, { 'SKU-FLATD': 10 });
    const target = { where: { orderId: 'flatd-' } };
    const dry = await ops(p, 'POST', 'replays', KEYS.reader, {
      ...target,
      mode: 'restart',
      reason: 'parts',
      dryRun: true,
    });
    expect(dry.body.items).toHaveLength(PAGE);
    const answer = async (res: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await res;
      if (status !== 200) throw new Error(JSON.stringify(body));
      return body as never;
    };
    const api = {
      applyPart: (t: object, mode: string, reason: string, planHash: string, part: string[]) =>
        answer(ops(p, 'POST', 'replays', KEYS.operator, { ...t, mode, reason, dryRun: false, planHash, part })),
      planItems: (planHash: string, token: string) =>
        answer(ops(p, 'GET', `replays/${planHash}/items?continuationToken=${token}`, KEYS.operator)),
    };
    // The page's module, loaded at run time: its types need the DOM library, which the tests' program lacks.
    const page = '../../dashboard/browser/components/partApply';
    const { applyInParts } = (await import(page)) as { applyInParts: ApplyInParts };
    const counted: number[] = [];
    const results = await applyInParts(
      { api },
      target,
      dry.body,
      'parts',
      (done) => counted.push(done.length),
      () => false,
    );
    expect(results.summary).toMatchObject({ applied: 6, skipped: 0, failed: 0 });
    expect(counted.at(-1)).toBe(6);
    await passTimeUntil(p, async () => (await lib.counts({ orderIdPrefix: 'flatd-' })).byStatus.Completed === 6, 10);
    for (const id of more) expect(chargesOf(id), id).toHaveLength(1);
  }, 120_000);
});
