/**
 * The operator library itself (as the CLI and the app wire it) on the embedded platform: the stuck rule against
 * the virtual clock, orphans listed rather than dropped, and a bulk restart of 50 sagas mixed across both engines
 * that completes every order with no duplicate side effect.
 */
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpsService } from '../../ops/opsService';
import type { ReplayPlan, ReplayResults } from '../../ops/replay/replayPlan';
import { inventory } from '../fixtures/orderApp';
import { opsLibrary } from '../fixtures/opsLibrary';
import {
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  placeOnStepFunctions,
  setStock,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;
let lib: OpsService;
const otto = { name: 'otto', role: 'operator' as const };
const ledger = () => p.t.platform.clouds.paymentGateway.ledger();

beforeAll(async () => {
  p = await startOpsPlatform();
  lib = opsLibrary(p);
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

describe('ops library: stuck and orphans', () => {
  it("calls a run Stuck only past its step's own deadline plus the threshold, and shows the rule", async () => {
    await setStock(p, { 'SKU-TEA': 100 });
    await placeOnDurable(p, order('wait-df', 'pm_card_no_confirm'));
    await placeOnStepFunctions(p, order('wait-sfn', 'pm_card_no_confirm'));
    await passTimeUntil(
      p,
      async () => (await lib.list({ orderIdPrefix: 'wait-', statuses: ['Awaiting'] }, 10)).runs.length === 2,
      3,
    );

    const later = (minutes: number) => opsLibrary(p, () => p.t.clock!.now() + minutes * 60_000);
    const soon = await later(40).list({ orderIdPrefix: 'wait-' }, 10);
    expect(soon.runs.map((r) => r.status)).toEqual(['Awaiting', 'Awaiting']);
    const stuck = await later(50).list({ orderIdPrefix: 'wait-', statuses: ['Stuck'] }, 10);
    expect(stuck.runs.map((r) => `${r.engine}/${r.run}`).sort()).toEqual(['durable/wait-df', 'stepFunctions/wait-sfn']);
    for (const r of stuck.runs) {
      expect(r.engineStatus).toMatch(/^(Running|RUNNING)$/);
      expect(r.stuckRule).toMatch(
        /^no progress for 5\dm since .*: the PaymentConfirmed wait of chargePayment allows 15m, plus the stuck threshold 30m$/,
      );
    }
  });

  it('lists a saga run whose name is no order id as an orphan, counts it, and will not replay it', async () => {
    await p.t.client.startNew('orderSaga', { instanceId: 'manual.test', input: order('manual-1', 'pm_card_declined') });
    await passTimeUntil(
      p,
      async () => (await lib.list({ orderIdPrefix: 'manual' }, 10)).runs[0]?.status === 'Compensated',
      5,
    );
    const page = await lib.list({ orderIdPrefix: 'manual' }, 10);
    expect(page.runs).toHaveLength(1);
    expect(page.runs[0].orderId).toBeUndefined();
    expect(page.runs[0].run).toBe('manual.test');
    expect((await lib.counts({ orderIdPrefix: 'manual' })).orphans).toBe(1);
    const plan = (await lib.replay(otto, {
      selection: { where: { orderIdPrefix: 'manual' } },
      mode: 'restart',
      reason: 'x',
      dryRun: true,
    })) as ReplayPlan;
    expect(plan.items).toMatchObject([
      { run: 'manual.test', eligible: false, reason: expect.stringMatching(/^orphan/) },
    ]);
  });
});

describe('ops library: Step Functions outcomes without DescribeExecution', () => {
  it('lists SUCCEEDED executions as Completed or Compensated from the outcome each run recorded, and running ones from their events, with no describe', async () => {
    await setStock(p, { 'SKU-TEA': 100 });
    await placeOnStepFunctions(p, order('rec-ok', 'pm_card_visa'));
    await placeOnStepFunctions(p, order('rec-declined', 'pm_card_declined'));
    await placeOnStepFunctions(p, order('rec-wait', 'pm_card_no_confirm'));
    // Waited for through the SDK, not the tool: no listing may have described them (and recorded what it saw).
    const succeeded = async () =>
      (
        (await p.sfn.send(new ListExecutionsCommand({ stateMachineArn: p.stateMachineArn, statusFilter: 'SUCCEEDED' })))
          .executions ?? []
      ).filter((e) => e.name?.startsWith('rec-')).length;
    await passTimeUntil(p, async () => (await succeeded()) === 2, 5);
    const described: string[] = [];
    p.sfn.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DescribeExecutionCommand') described.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countDescribes' },
    );
    try {
      // A fresh library (a new process): nothing described before.
      const fresh = opsLibrary(p);
      const page = await fresh.list({ orderIdPrefix: 'rec-' }, 10, undefined, ['stepFunctions']);
      expect(
        page.runs.map((r) => `${r.run} ${r.engineStatus} ${r.status} ${r.step ?? '-'} ${r.reason ?? '-'}`).sort(),
      ).toEqual([
        'rec-declined SUCCEEDED Compensated chargePayment PaymentDeclined: card_declined: Your card was declined.',
        'rec-ok SUCCEEDED Completed - -',
        'rec-wait RUNNING Awaiting chargePayment -',
      ]);
      const counts = await fresh.counts({ orderIdPrefix: 'rec-' }, ['stepFunctions']);
      expect(counts.byStatus).toMatchObject({ Completed: 1, Compensated: 1, Awaiting: 1 });
      // Succeeded ones from their records, the running one from its newest events: no describe at all.
      expect(described).toEqual([]);

      // A run with no record (one from before runs recorded outcomes) is described once, then recorded for good.
      await p.t.platform.clouds
        .cosmos!.client.database('orders')
        .container('run-outcomes')
        .item('rec-declined', 'rec-declined')
        .delete();
      const again = await opsLibrary(p).list({ orderIdPrefix: 'rec-declined' }, 10, undefined, ['stepFunctions']);
      expect(again.runs.map((r) => r.status)).toEqual(['Compensated']);
      expect(described).toHaveLength(1);
      await opsLibrary(p).list({ orderIdPrefix: 'rec-declined' }, 10, undefined, ['stepFunctions']);
      expect(described).toHaveLength(1);
    } finally {
      p.sfn.middlewareStack.remove('countDescribes');
    }
  });
});

describe('ops library: bulk replay', () => {
  it('restarts 50 sagas mixed across both engines by a filter, bounded, and every order completes once', async () => {
    await setStock(p, { 'SKU-BULK': 0 });
    const ids = Array.from({ length: 50 }, (_, i) => `bulk-${i % 2 ? 'sfn' : 'df'}-${i}`);
    for (const id of ids) {
      if (id.includes('sfn')) await placeOnStepFunctions(p, order(id, 'pm_card_visa', 'SKU-BULK'));
      else await placeOnDurable(p, order(id, 'pm_card_visa', 'SKU-BULK'));
    }
    const compensated = async () => (await lib.counts({ orderIdPrefix: 'bulk-' })).byStatus.Compensated;
    await passTimeUntil(p, async () => (await compensated()) === 50, 10);
    await setStock(p, { 'SKU-BULK': 80 });

    const where = { orderIdPrefix: 'bulk-', statuses: ['Compensated' as const] };
    const plan = (await lib.replay(otto, {
      selection: { where },
      mode: 'restart',
      reason: 'restocked SKU-BULK',
      dryRun: true,
    })) as ReplayPlan;
    expect(plan.summary).toEqual({ eligible: 50, ineligible: 0 });
    expect(new Set(plan.items.map((i) => i.engine))).toEqual(new Set(['durable', 'stepFunctions']));
    const applied = (await lib.replay(otto, {
      selection: { where },
      mode: 'restart',
      reason: 'restocked SKU-BULK',
      dryRun: false,
      planHash: plan.planHash,
      bounds: { concurrency: 8, perSecond: 200 },
    })) as ReplayResults;
    expect(applied.summary).toMatchObject({ applied: 50, skipped: 0, failed: 0 });

    await passTimeUntil(p, async () => (await lib.counts({ orderIdPrefix: 'bulk-' })).byStatus.Completed === 50, 10);
    for (const id of ids) {
      const charges = ledger().charges.filter((c) => c.orderId === id);
      expect(charges, id).toHaveLength(1);
      expect(
        p.t.platform.clouds.email.sent().filter((e) => e.subject === `Order ${id} confirmed`),
        id,
      ).toHaveLength(1);
    }
    expect((await inventory(p.t).get('SKU-BULK'))?.available).toBe(30);
  }, 120_000);
});
