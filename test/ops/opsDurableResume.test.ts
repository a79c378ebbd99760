/**
 * Durable resume of runs rewind cannot take (Terminated), through the ops HTTP API on the embedded platform with
 * the virtual clock: the resume run is a new instance of the same attempt that skips the steps done (their
 * results kept from the stopped run's history), so the charge is never made twice, the stock is taken once, one
 * e-mail goes out, and a later failure still compensates the skipped steps (one refund, the stock released).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../fixtures/orderApp';
import {
  KEYS,
  ops,
  OpsPlatform,
  order,
  passTimeUntil,
  placeOnDurable,
  setStock,
  sideEffectsOf,
  startOpsPlatform,
} from '../fixtures/opsPlatform';

let p: OpsPlatform;

const { chargesOf, refundsOf, emailsOf, ledger } = sideEffectsOf(() => p);
const stock = async (sku: string) => {
  const item = await inventory(p.t).get(sku);
  return { available: item?.available, reserved: item?.reserved, sold: item?.sold };
};

/** The order's latest Durable run as `show` answers it. */
async function latestRun(orderId: string): Promise<{ run: string; status: string; resume?: number }> {
  return (await ops(p, 'GET', `sagas/${orderId}`, KEYS.reader)).body.latest.durable.run;
}

async function terminate(orderId: string): Promise<void> {
  const res = await ops(p, 'POST', `sagas/${orderId}/terminate`, KEYS.operator, { reason: 'INC-9: host drained' });
  expect(res.status, res.text).toBe(200);
  await passTimeUntil(p, async () => (await latestRun(orderId)).status === 'Terminated', 0);
}

/** Lets the sagas reach their payment confirmation wait without letting time pass (the confirmation is due in 2 s). */
async function awaiting(...orderIds: string[]): Promise<void> {
  await passTimeUntil(
    p,
    async () => (await Promise.all(orderIds.map(latestRun))).every((r) => r.status === 'Awaiting'),
    0,
  );
}

async function resume(orderId: string, reason: string, dryRun = true, planHash?: string) {
  return ops(p, 'POST', 'replays', KEYS.operator, { orderIds: [orderId], mode: 'resume', reason, dryRun, planHash });
}

beforeAll(async () => {
  // The slow card answers 5 s (real time) after charging: room to stop a saga inside its charge, even under load.
  p = await startOpsPlatform({ LOCAL_PAYMENT_SLOW_MS: '5000' });
  await setStock(p, { 'SKU-RES': 10, 'SKU-RES-C': 10, 'SKU-RES-2': 10, 'SKU-RES-3': 10, 'SKU-RES-4': 10 });
  await placeOnDurable(p, order('dres-ok', 'pm_card_visa', 'SKU-RES'));
  await placeOnDurable(p, order('dres-comp', 'pm_card_no_confirm', 'SKU-RES-C'));
  await placeOnDurable(p, order('dres-again', 'pm_card_visa', 'SKU-RES-2'));
  await awaiting('dres-ok', 'dres-comp', 'dres-again');
  for (const id of ['dres-ok', 'dres-comp', 'dres-again']) await terminate(id);
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

describe('ops API: Durable resume run of a Terminated saga', () => {
  it('plans a resume run that skips the steps done with their results, and the dry run changes nothing', async () => {
    expect(chargesOf('dres-ok')).toMatchObject([{ status: 'pending' }]);
    const before = {
      ledger: JSON.stringify(ledger()),
      emails: emailsOf('dres-ok').length,
      stock: await stock('SKU-RES'),
    };
    const plan = await resume('dres-ok', 'INC-9: continue after the drain');
    expect(plan.status, plan.text).toBe(200);
    const item = plan.body.items[0];
    expect(item).toMatchObject({
      engine: 'durable',
      run: 'dres-ok',
      status: 'Terminated',
      action: 'resumeRun',
      eligible: true,
      newRun: 'dres-ok.resume1',
    });
    expect(item.reason).toMatch(/Durable rewinds Failed instances only, so the resume run dres-ok\.resume1/);
    const step = (name: string) => item.steps.find((s: { step: string }) => s.step === name);
    expect(step('reserveInventory')).toMatchObject({
      runs: false,
      effect: 'skipped: done in dres-ok; its result is kept',
      idempotencyKey: 'dres-ok',
    });
    const charge = chargesOf('dres-ok')[0];
    expect(step('chargePayment')).toMatchObject({
      runs: true,
      idempotencyKey: 'dres-ok:chargePayment',
      kept: { chargeId: charge.id },
    });
    expect(step('chargePayment').effect).toMatch(
      /^chargePayment not called again: done in dres-ok, its result kept \(key dres-ok:chargePayment not used again\); verifyPayment asks whether it settled, else it waits again for PaymentConfirmed$/,
    );
    expect(step('finalizeInventory')).toMatchObject({ runs: true, idempotencyKey: 'dres-ok' });
    expect(step('sendNotification').effect).toMatch(/^e-mails the confirmation .* with key dres-ok:orderConfirmed$/);

    expect(p.t.platform.engine.getStatus('dres-ok.resume1')).toBeUndefined();
    expect({
      ledger: JSON.stringify(ledger()),
      emails: emailsOf('dres-ok').length,
      stock: await stock('SKU-RES'),
    }).toEqual(before);
    // The run's history was read for the plan, but `show` does not hand out the kept activity answers.
    const shown = await ops(p, 'GET', 'sagas/dres-ok', KEYS.reader);
    expect(shown.body.latest.durable.resume).toMatchObject({ action: 'resumeRun', newRun: 'dres-ok.resume1' });
    expect(shown.body.latest.durable.keptSteps).toBeUndefined();
  });

  it('applies it: the saga completes with exactly one charge, the stock taken once and one e-mail', async () => {
    const plan = await resume('dres-ok', 'INC-9: continue after the drain');
    const applied = await resume('dres-ok', 'INC-9: continue after the drain', false, plan.body.planHash);
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body.results[0]).toMatchObject({
      result: 'applied',
      action: 'resumeRun',
      detail: 'started dres-ok.resume1',
      newRun: 'dres-ok.resume1',
    });
    await passTimeUntil(p, async () => (await latestRun('dres-ok')).status === 'Completed', 10);

    expect(chargesOf('dres-ok'), 'the resume did not charge again').toHaveLength(1);
    expect(chargesOf('dres-ok')[0].status).toBe('succeeded');
    expect(refundsOf('dres-ok')).toHaveLength(0);
    expect(await stock('SKU-RES')).toEqual({ available: 9, reserved: 0, sold: 1 });
    expect(emailsOf('dres-ok')).toHaveLength(1);
    // The customer's status poll follows the order to the resume run, not the Terminated one.
    const polled = (await (await fetch(`${p.t.baseUrl}/api/orders/dres-ok`)).json()) as { saga: unknown };
    expect(polled.saga).toMatchObject({ run: 'dres-ok.resume1', output: { outcome: 'Completed' } });

    const shown = (await ops(p, 'GET', 'sagas/dres-ok', KEYS.reader)).body;
    expect(shown.runs.map((r: { run: string; status: string }) => [r.run, r.status])).toEqual([
      ['dres-ok', 'Terminated'],
      ['dres-ok.resume1', 'Completed'],
    ]);
    const latest = shown.latest.durable;
    expect(latest.run).toMatchObject({ run: 'dres-ok.resume1', orderId: 'dres-ok', attempt: 1, resume: 1 });
    expect(latest.input).toMatchObject({ orderId: 'dres-ok' });
    expect(latest.output.steps.slice(0, 2)).toEqual([
      { step: 'reserveInventory', activity: 'reserveInventory', status: 'done', detail: 'kept from run dres-ok' },
      { step: 'chargePayment', activity: 'chargePayment', status: 'done', detail: 'kept from run dres-ok' },
    ]);
    // The trace reads as the whole attempt's: the kept steps, then the resume run's own calls and waits (the
    // gateway asked first, the charge still pending, so it waited for the confirmation).
    expect(latest.output.trace).toEqual([
      'reserveInventory',
      'chargePayment',
      'verifyPayment',
      'await:PaymentConfirmed',
      'verifyPayment',
      'finalizeInventory',
      'sendNotification',
      'syncAnalytics',
    ]);
    expect(latest.timeline.map((e: { activity?: string; event?: string }) => e.activity ?? e.event)).toEqual([
      'verifyPayment',
      'PaymentConfirmed',
      'verifyPayment',
      'finalizeInventory',
      'sendNotification',
      'syncAnalytics',
    ]);
    const listed = await ops(p, 'GET', 'sagas?orderId=dres-ok&engine=durable', KEYS.reader);
    expect(listed.body.runs.map((r: { run: string; status: string }) => [r.run, r.status]).sort()).toEqual([
      ['dres-ok', 'Terminated'],
      ['dres-ok.resume1', 'Completed'],
    ]);
  });

  it('refuses resuming the completed order with 409 saying why', async () => {
    const done = await resume('dres-ok', 'again?');
    expect(done.status).toBe(409);
    expect(done.body.error.message).toMatch(/dres-ok \(durable dres-ok\.resume1\): Completed: the order went through/);
  });

  it('compensates the skipped steps when a later step fails: the kept charge refunded once, the stock released', async () => {
    const plan = await resume('dres-comp', 'INC-9');
    expect(plan.body.items[0]).toMatchObject({ action: 'resumeRun', eligible: true, newRun: 'dres-comp.resume1' });
    const applied = await resume('dres-comp', 'INC-9', false, plan.body.planHash);
    expect(applied.body.results[0]).toMatchObject({ result: 'applied', newRun: 'dres-comp.resume1' });
    // pm_card_no_confirm: the confirmation never comes, so the resumed wait times out after 15 minutes.
    await passTimeUntil(p, async () => (await latestRun('dres-comp')).status === 'Compensated', 30);
    expect(chargesOf('dres-comp')).toHaveLength(1);
    expect(refundsOf('dres-comp')).toHaveLength(1);
    expect(refundsOf('dres-comp')[0].amount).toBe(chargesOf('dres-comp')[0].amount);
    expect(await stock('SKU-RES-C')).toEqual({ available: 10, reserved: 0, sold: 0 });
    expect(emailsOf('dres-comp')).toHaveLength(0);
    const output = (await ops(p, 'GET', 'sagas/dres-comp', KEYS.reader)).body.latest.durable.output;
    expect(output).toMatchObject({ outcome: 'Compensated', failedStep: 'chargePayment' });
    expect(output.compensations).toEqual([
      { step: 'chargePayment', activity: 'refundPayment', status: 'done' },
      { step: 'reserveInventory', activity: 'releaseInventory', status: 'done' },
    ]);

    // A restart after the resume run is the order's next attempt, from the order itself (not the resume input).
    const restart = { orderIds: ['dres-comp'], mode: 'restart', reason: 'INC-9: try again' };
    const dry = await ops(p, 'POST', 'replays', KEYS.operator, { ...restart, dryRun: true });
    expect(dry.body.items[0]).toMatchObject({ run: 'dres-comp.resume1', eligible: true, newRun: 'dres-comp.r2' });
    const started = await ops(p, 'POST', 'replays', KEYS.operator, {
      ...restart,
      dryRun: false,
      planHash: dry.body.planHash,
    });
    expect(started.body.results[0]).toMatchObject({ result: 'applied', newRun: 'dres-comp.r2' });
    expect(p.t.platform.engine.getStatus('dres-comp.r2')?.input).toEqual(
      order('dres-comp', 'pm_card_no_confirm', 'SKU-RES-C'),
    );
  });

  it('does not lose a confirmation sent while the saga was terminated: the resume run asks the gateway', async () => {
    // The gateway confirmed dres-again's charge while the saga was Terminated (its webhook was answered "ignored").
    expect(chargesOf('dres-again')).toMatchObject([{ status: 'succeeded' }]);
    const plan = await resume('dres-again', 'INC-9');
    await resume('dres-again', 'INC-9', false, plan.body.planHash);
    await passTimeUntil(p, async () => (await latestRun('dres-again')).status === 'Completed', 0);
    const output = (await ops(p, 'GET', 'sagas/dres-again', KEYS.reader)).body.latest.durable.output;
    expect(output.steps.slice(0, 3)).toEqual([
      { step: 'reserveInventory', activity: 'reserveInventory', status: 'done', detail: 'kept from run dres-again' },
      { step: 'chargePayment', activity: 'chargePayment', status: 'done', detail: 'kept from run dres-again' },
      {
        step: 'chargePayment',
        activity: 'verifyPayment',
        status: 'done',
        detail: 'confirmed by verifyPayment on resuming',
      },
    ]);
    expect(chargesOf('dres-again')).toHaveLength(1);
    expect(emailsOf('dres-again')).toHaveLength(1);
    expect(await stock('SKU-RES-2')).toEqual({ available: 9, reserved: 0, sold: 1 });
  });

  it('resumes a resume run: what the first run and the resume run did are both kept', async () => {
    await placeOnDurable(p, order('dres-twice', 'pm_card_visa', 'SKU-RES-3'));
    await awaiting('dres-twice');
    await terminate('dres-twice');
    const first = await resume('dres-twice', 'INC-9');
    await resume('dres-twice', 'INC-9', false, first.body.planHash);
    // No time passes: the gateway's confirmation (due in 2 s) has not come, so the resume run waits for it.
    await awaiting('dres-twice');
    expect((await latestRun('dres-twice')).run).toBe('dres-twice.resume1');
    await terminate('dres-twice');

    const plan = await resume('dres-twice', 'INC-9: stopped again');
    const item = plan.body.items[0];
    expect(item).toMatchObject({ run: 'dres-twice.resume1', action: 'resumeRun', newRun: 'dres-twice.resume2' });
    expect(item.steps.find((s: { step: string }) => s.step === 'reserveInventory')).toMatchObject({
      runs: false,
      effect: 'skipped: done in dres-twice.resume1; its result is kept',
      // The keys stay the attempt's: a resume run is not a new attempt.
      idempotencyKey: 'dres-twice',
    });
    const applied = await resume('dres-twice', 'INC-9: stopped again', false, plan.body.planHash);
    expect(applied.body.results[0]).toMatchObject({ result: 'applied', newRun: 'dres-twice.resume2' });
    await passTimeUntil(p, async () => (await latestRun('dres-twice')).status === 'Completed', 10);
    expect(chargesOf('dres-twice')).toHaveLength(1);
    expect(refundsOf('dres-twice')).toHaveLength(0);
    expect(await stock('SKU-RES-3')).toEqual({ available: 9, reserved: 0, sold: 1 });
    expect(emailsOf('dres-twice')).toHaveLength(1);
    const runs = (await ops(p, 'GET', 'sagas/dres-twice', KEYS.reader)).body.runs;
    expect(runs.map((r: { run: string }) => r.run)).toEqual(['dres-twice', 'dres-twice.resume1', 'dres-twice.resume2']);
  });

  it('runs a step the stopped run was in the middle of again under the same key: charged once', async () => {
    // pm_card_slow_1: the gateway creates the charge at once but answers only after 5 s (real time).
    await placeOnDurable(p, order('dres-mid', 'pm_card_slow_1', 'SKU-RES-4'));
    const inCharge = async () =>
      chargesOf('dres-mid').length === 1 &&
      JSON.stringify(p.t.platform.engine.getStatus('dres-mid')?.customStatus) ===
        JSON.stringify({ orderId: 'dres-mid', phase: 'running', step: 'chargePayment' });
    for (let i = 0; i < 1000 && !(await inCharge()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await inCharge(), 'the saga is inside chargePayment, the charge made, its answer not back').toBe(true);
    await terminate('dres-mid');

    const plan = await resume('dres-mid', 'INC-9');
    const charge = plan.body.items[0].steps.find((s: { step: string }) => s.step === 'chargePayment');
    expect(charge).toMatchObject({ runs: true, idempotencyKey: 'dres-mid:chargePayment' });
    expect(charge.kept).toBeUndefined();
    expect(charge.effect).toBe(
      'charges the order total with key dres-mid:chargePayment, already used in this attempt: the earlier result answers, it is not done twice',
    );
    await resume('dres-mid', 'INC-9', false, plan.body.planHash);
    await passTimeUntil(p, async () => (await latestRun('dres-mid')).status === 'Completed', 10);
    expect(chargesOf('dres-mid')).toMatchObject([{ status: 'succeeded' }]);
    expect(await stock('SKU-RES-4')).toEqual({ available: 9, reserved: 0, sold: 1 });
    expect(emailsOf('dres-mid')).toHaveLength(1);
  });

  it('fails a resume run started by hand with a malformed input before any step, naming the field', async () => {
    await p.t.client.startNew('orderSaga', {
      instanceId: 'dres-bad.resume1',
      input: {
        order: order('dres-bad', 'pm_card_visa', 'SKU-RES'),
        resume: { from: 'dres-bad', kept: [{ step: 'teleport', result: {}, confirmed: true }] },
      },
    });
    await passTimeUntil(
      p,
      async () => p.t.platform.engine.getStatus('dres-bad.resume1')?.runtimeStatus === 'Failed',
      0,
    );
    expect(JSON.stringify(p.t.platform.engine.getStatus('dres-bad.resume1')?.output)).toMatch(
      /Invalid orderSaga resume input: resume\.kept\[0\]\.step \\"teleport\\" is not a step of the order saga/,
    );
    expect(chargesOf('dres-bad')).toHaveLength(0);
    expect(await inventory(p.t).reservation('SKU-RES', 'dres-bad')).toBeUndefined();
  });
});
