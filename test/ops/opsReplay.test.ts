/**
 * Replays and decisions through the ops HTTP API on both engines, with the virtual clock: restart after a refund
 * charges exactly once more, a redriven execution never charges twice, a dry run changes nothing, a stale plan
 * is refused naming the saga, parked sagas are settled by an operator's decision recorded alike on both engines,
 * and every call lands in the audit under the key's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../fixtures/orderApp';
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
  sideEffectsOf,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;
let stopped: { status: number; body: { outcomes: { result: string }[] } };

const durableStatus = (id: string) => p.t.platform.engine.getStatus(id);
const { chargesOf, refundsOf, emailsOf, ledger } = sideEffectsOf(() => p);
const keptOf = (orderId: string) =>
  chargesOf(orderId)
    .filter((c) => c.status !== 'failed')
    .reduce((s, c) => s + c.amount - c.amountRefunded, 0);

/** The order's latest run as the ops API lists it, per engine. */
async function latest(orderId: string): Promise<Record<string, { run: string; status: string }>> {
  const res = await ops(p, 'GET', `sagas/${orderId}`, KEYS.reader);
  const out: Record<string, { run: string; status: string }> = {};
  for (const [engine, d] of Object.entries(res.body.latest ?? {}))
    out[engine] = (d as { run: { run: string; status: string } }).run;
  return out;
}

async function settled(orderId: string, engine: string, statuses: string[]): Promise<boolean> {
  return statuses.includes((await latest(orderId))[engine]?.status ?? '');
}

async function placeBoth(base: string, paymentMethod: string, sku = 'SKU-TEA'): Promise<void> {
  await placeOnDurable(p, order(`${base}-df`, paymentMethod, sku));
  await placeOnStepFunctions(p, order(`${base}-sfn`, paymentMethod, sku));
}

beforeAll(async () => {
  p = await startOpsPlatform();
  await setStock(p, { 'SKU-TEA': 500, 'SKU-LATE': 0 });
  await placeBoth('rr', 'pm_card_no_confirm'); // confirmation never arrives: refunded, Compensated
  await placeBoth('oos', 'pm_card_visa', 'SKU-LATE'); // out of stock: Compensated, nothing charged
  await placeBoth('na', 'pm_card_no_confirm_refund_fails'); // refund fails: parked, NeedsAttention
  await placeBoth('ok', 'pm_card_visa');
  await placeOnStepFunctions(p, order('rd-sfn', 'pm_card_no_confirm')); // terminated while awaiting, then redriven
  await passTimeUntil(p, async () => (await latest('rd-sfn')).stepFunctions?.status === 'Awaiting', 5);
  stopped = await ops(p, 'POST', 'sagas/rd-sfn/terminate', KEYS.operator, { reason: 'testing redrive' });
  await p.t.client.startNew('orderSaga', { instanceId: 'fail-df', input: null }); // an orchestration that fails
  await passTimeUntil(p, async () => {
    const ends = await Promise.all([
      ...['rr', 'oos'].flatMap((b) => [
        settled(`${b}-df`, 'durable', ['Compensated']),
        settled(`${b}-sfn`, 'stepFunctions', ['Compensated']),
      ]),
      settled('na-df', 'durable', ['NeedsAttention']),
      settled('na-sfn', 'stepFunctions', ['NeedsAttention']),
      settled('ok-df', 'durable', ['Completed']),
      settled('ok-sfn', 'stepFunctions', ['Completed']),
    ]);
    return ends.every(Boolean);
  });
}, 180_000);

afterAll(async () => {
  await p?.stop();
});

describe('ops API: restart', () => {
  it("plans a restart with each step's side effect and key, and the dry run changes nothing anywhere", async () => {
    const before = {
      charges: ledger().charges.length,
      refunds: ledger().refunds.length,
      emails: p.t.platform.clouds.email.sent().length,
    };
    const res = await ops(p, 'POST', 'replays', KEYS.reader, {
      orderIds: ['rr-df', 'rr-sfn'],
      mode: 'restart',
      reason: 'INC-7: confirmations were lost',
      dryRun: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.planHash).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.summary).toEqual({ eligible: 2, ineligible: 0 });
    const df = res.body.items.find((i: { engine: string }) => i.engine === 'durable');
    expect(df).toMatchObject({
      orderId: 'rr-df',
      run: 'rr-df',
      action: 'restart',
      eligible: true,
      newRun: 'rr-df.r2',
      status: 'Compensated',
    });
    const charge = df.steps.find((s: { step: string }) => s.step === 'chargePayment');
    expect(charge).toMatchObject({ runs: true, idempotencyKey: 'rr-df.r2:chargePayment' });
    expect(charge.effect).toMatch(
      /charges the order total again with key rr-df\.r2:chargePayment \(a new attempt: rr-df:chargePayment is not reused\)/,
    );
    const sfn = res.body.items.find((i: { engine: string }) => i.engine === 'stepFunctions');
    expect(sfn).toMatchObject({ orderId: 'rr-sfn', newRun: 'rr-sfn.r2', eligible: true });

    expect({
      charges: ledger().charges.length,
      refunds: ledger().refunds.length,
      emails: p.t.platform.clouds.email.sent().length,
    }).toEqual(before);
    expect(durableStatus('rr-df.r2')).toBeUndefined();
    await expect(executionStatus(p, 'rr-sfn.r2')).rejects.toThrow(/does not exist/i);
  });

  it("applies the plan by its hash: a restart after a refund charges exactly once more, under the new run's key", async () => {
    const plan = await ops(p, 'POST', 'replays', KEYS.reader, {
      orderIds: ['rr-df', 'rr-sfn'],
      mode: 'restart',
      reason: 'INC-7: confirmations were lost',
      dryRun: true,
    });
    const applied = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rr-df', 'rr-sfn'],
      mode: 'restart',
      reason: 'INC-7: confirmations were lost',
      dryRun: false,
      planHash: plan.body.planHash,
    });
    expect(applied.status).toBe(200);
    expect(applied.body.summary).toMatchObject({ applied: 2, skipped: 0, failed: 0 });
    await passTimeUntil(
      p,
      async () =>
        (await settled('rr-df', 'durable', ['Compensated'])) &&
        (await settled('rr-sfn', 'stepFunctions', ['Compensated'])) &&
        !!durableStatus('rr-df.r2'),
    );
    for (const [orderId, engine] of [
      ['rr-df', 'durable'],
      ['rr-sfn', 'stepFunctions'],
    ]) {
      expect((await latest(orderId))[engine].run, orderId).toBe(`${orderId}.r2`);
      expect(chargesOf(orderId), `${orderId}: one charge per run`).toHaveLength(2);
      expect(new Set(chargesOf(orderId).map((c) => c.id)).size).toBe(2);
      expect(refundsOf(orderId), `${orderId}: the new charge refunded too, the old refund not replayed`).toHaveLength(
        2,
      );
      expect(keptOf(orderId)).toBe(0);
      expect(emailsOf(orderId)).toHaveLength(0);
    }
    const shown = await ops(p, 'GET', 'sagas/rr-df', KEYS.reader);
    expect(shown.body.runs.map((r: { run: string; attempt: number }) => [r.run, r.attempt])).toEqual([
      ['rr-df', 1],
      ['rr-df.r2', 2],
    ]);
  });

  it('refuses a stale plan with 409 naming the saga that changed since the dry run', async () => {
    await setStock(p, { 'SKU-LATE': 10 });
    const first = await ops(p, 'POST', 'replays', KEYS.reader, {
      orderIds: ['oos-df'],
      mode: 'restart',
      reason: 'restocked',
      dryRun: true,
    });
    const second = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['oos-df'],
      mode: 'restart',
      reason: 'restocked',
      dryRun: true,
    });
    expect(second.body.planHash).toBe(first.body.planHash);
    expect(
      (
        await ops(p, 'POST', 'replays', KEYS.operator, {
          orderIds: ['oos-df'],
          mode: 'restart',
          reason: 'restocked',
          dryRun: false,
          planHash: second.body.planHash,
        })
      ).status,
    ).toBe(200);
    await passTimeUntil(p, () => settled('oos-df', 'durable', ['Completed']));
    const stale = await ops(p, 'POST', 'replays', KEYS.rotated, {
      orderIds: ['oos-df'],
      mode: 'restart',
      reason: 'restocked',
      dryRun: false,
      planHash: first.body.planHash,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('StalePlan');
    expect(stale.body.error.message).toMatch(/durable\/oos-df \(Compensated oos-df → Completed oos-df\.r2\)/);
    // The restart after restocking completed the order: one charge, one e-mail, the stock taken once.
    expect(chargesOf('oos-df')).toHaveLength(1);
    expect(emailsOf('oos-df')).toHaveLength(1);
    expect((await inventory(p.t).get('SKU-LATE'))?.available).toBe(9);
    // The customer's status poll follows the order to its newest run, not the compensated first one.
    const polled = await fetch(`${p.t.baseUrl}/api/orders/oos-df`);
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { saga: unknown }).saga).toMatchObject({
      run: 'oos-df.r2',
      output: { outcome: 'Completed' },
    });
  });

  it('refuses replaying a Completed saga with 409 saying why, and a replay without a reason with 400', async () => {
    const done = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['ok-df'],
      mode: 'restart',
      reason: 'why not',
      dryRun: true,
    });
    expect(done.status).toBe(409);
    expect(done.body.error.message).toMatch(/ok-df \(durable ok-df\): Completed: the order went through/);
    const noReason = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rr-df'],
      mode: 'restart',
      dryRun: true,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/reason is required/);
    const blank = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rr-df'],
      mode: 'restart',
      reason: '  ',
      dryRun: true,
    });
    expect(blank.status).toBe(400);
    const unknown = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['nobody-1'],
      mode: 'restart',
      reason: 'x',
      dryRun: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/nobody-1/);
    const noHash = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rr-df'],
      mode: 'restart',
      reason: 'x',
      dryRun: false,
    });
    expect(noHash.status).toBe(400);
    expect(noHash.body.error.message).toMatch(/needs planHash/);
  });
});

describe('ops API: resume', () => {
  it('redrives a terminated execution from where it stopped: the charge is never made twice', async () => {
    expect(stopped.status).toBe(200);
    expect(stopped.body.outcomes).toMatchObject([{ result: 'applied' }]);
    expect((await latest('rd-sfn')).stepFunctions.status).toBe('Terminated');
    expect(chargesOf('rd-sfn')).toHaveLength(1);
    const plan = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rd-sfn'],
      mode: 'resume',
      reason: 'resume after test stop',
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    const item = plan.body.items[0];
    expect(item).toMatchObject({ action: 'redrive', eligible: true, status: 'Terminated', engineStatus: 'ABORTED' });
    expect(item.steps.find((s: { step: string }) => s.step === 'chargePayment')).toMatchObject({
      runs: false,
      effect: 'kept: done in this run',
    });
    const applied = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['rd-sfn'],
      mode: 'resume',
      reason: 'resume after test stop',
      dryRun: false,
      planHash: plan.body.planHash,
    });
    expect(applied.body.results[0]).toMatchObject({ result: 'applied', detail: 'redriven' });
    await passTimeUntil(p, () => settled('rd-sfn', 'stepFunctions', ['Compensated']), 30);
    expect(chargesOf('rd-sfn'), 'the redrive did not charge again').toHaveLength(1);
    expect(refundsOf('rd-sfn')).toHaveLength(1);
    expect(keptOf('rd-sfn')).toBe(0);
  });

  it('rewinds a failed Durable orchestration, and reports redrive rules as reasons, not SDK errors', async () => {
    const plan = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['fail-df'],
      mode: 'resume',
      reason: 'fixed',
      dryRun: true,
    });
    expect(plan.body.items[0]).toMatchObject({ engine: 'durable', action: 'rewind', eligible: true, status: 'Failed' });
    const applied = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['fail-df'],
      mode: 'resume',
      reason: 'fixed',
      dryRun: false,
      planHash: plan.body.planHash,
    });
    expect(applied.body.results[0]).toMatchObject({ result: 'applied', detail: 'rewound' });

    const succeeded = await ops(p, 'POST', 'replays', KEYS.operator, {
      orderIds: ['oos-sfn'],
      mode: 'resume',
      reason: 'x',
      dryRun: true,
    });
    expect(succeeded.status).toBe(409);
    expect(succeeded.body.error.message).toMatch(
      /SUCCEEDED \(Compensated\): a succeeded execution cannot be redriven; restart for a new attempt/,
    );
  });
});

describe('ops API: decide', () => {
  it('settles parked sagas on both engines and records who, the note and when in the same output shape', async () => {
    const bad = await ops(p, 'POST', 'sagas/na-df/decision', KEYS.operator, { action: 'shrug' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Invalid operator decision: .*retryCompensation/);
    const noNote = await ops(p, 'POST', 'sagas/na-df/decision', KEYS.operator, { action: 'markResolved' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.message).toMatch(/Invalid operator decision: note/);
    const notParked = await ops(p, 'POST', 'sagas/ok-df/decision', KEYS.operator, {
      action: 'markResolved',
      note: 'x',
    });
    expect(notParked.status).toBe(409);

    for (const orderId of ['na-df', 'na-sfn']) {
      const res = await ops(p, 'POST', `sagas/${orderId}/decision`, KEYS.operator, {
        action: 'markResolved',
        note: 'refunded by hand, ticket FIN-12',
      });
      expect(res.status, orderId).toBe(202);
      expect(res.body.decision).toMatchObject({
        action: 'markResolved',
        by: 'otto',
        note: 'refunded by hand, ticket FIN-12',
      });
    }
    await passTimeUntil(
      p,
      async () =>
        (await settled('na-df', 'durable', ['Compensated'])) &&
        (await settled('na-sfn', 'stepFunctions', ['Compensated'])),
    );
    const df = (await ops(p, 'GET', 'sagas/na-df', KEYS.reader)).body.latest.durable.output.resolution;
    const sfn = (await ops(p, 'GET', 'sagas/na-sfn', KEYS.reader)).body.latest.stepFunctions.output.resolution;
    for (const r of [df, sfn]) {
      expect(Object.keys(r).sort()).toEqual(['action', 'at', 'by', 'note']);
      expect(r).toMatchObject({ action: 'markResolved', by: 'otto', note: 'refunded by hand, ticket FIN-12' });
      expect(Number.isNaN(Date.parse(r.at))).toBe(false);
    }
  });
});

describe('ops API: audit', () => {
  it("records every dry run and mutating call with the key's name, never the key, and exports JSON Lines", async () => {
    const res = await ops(p, 'GET', 'audit?pageSize=200', KEYS.reader);
    expect(res.status).toBe(200);
    const entries = res.body.entries as {
      who: string;
      action: string;
      dryRun: boolean;
      reason: string;
      planHash?: string;
      outcomes?: { result: string }[];
    }[];
    expect(entries.some((e) => e.action === 'replay' && e.dryRun && e.who === 'rita')).toBe(true);
    const applied = entries.filter((e) => e.action === 'replay' && !e.dryRun);
    expect(applied.length).toBeGreaterThanOrEqual(4);
    expect(applied.every((e) => e.planHash && e.reason && e.outcomes?.length)).toBe(true);
    expect(entries.filter((e) => e.action === 'decide' && e.who === 'otto')).toHaveLength(2);
    expect(entries.some((e) => e.action === 'terminate' && e.reason === 'testing redrive')).toBe(true);
    for (const key of Object.values(KEYS)) expect(res.text).not.toContain(key);

    const jsonl = await ops(p, 'GET', 'audit?format=jsonl&action=decide', KEYS.reader);
    const lines = jsonl.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.action === 'decide')).toBe(true);
  });
});
