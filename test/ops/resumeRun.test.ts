/** What a Durable resume run keeps, read from a stopped run's activity calls (as its history holds them). */
import { describe, expect, it } from 'vitest';
import { resumeEligibility } from '../../ops/backends/durable/durableBackend';
import { keptSteps, resumeRunOf } from '../../ops/backends/durable/resumeRun';
import type { SagaRun } from '../../ops/model/sagaRun';
import { orderSaga } from '../../saga/definition/orderSaga';

const order = { orderId: 'ord-7' };
const reserved = { activity: 'reserveInventory', output: { ok: true, data: { holds: 1 } } };
// Azure's HTTP API gives an activity's output as its JSON text.
const charged = { activity: 'chargePayment', output: JSON.stringify({ ok: true, data: { chargeId: 'ch_1' } }) };

describe('resume run of a stopped Durable run', () => {
  it('keeps the steps whose activity answered ok, with their data; a wait counts once verify confirmed it', () => {
    expect(keptSteps(orderSaga, order, [reserved, charged])).toEqual([
      { step: 'reserveInventory', result: { holds: 1 }, confirmed: true },
      { step: 'chargePayment', result: { chargeId: 'ch_1' }, confirmed: false },
    ]);
    const verified = { activity: 'verifyPayment', output: { ok: true, data: {} } };
    expect(keptSteps(orderSaga, order, [reserved, charged, verified])[1].confirmed).toBe(true);
  });

  it('does not keep a step that failed, was refused, or never answered: it runs again under the same key', () => {
    const calls = [
      reserved,
      { activity: 'chargePayment', error: 'Error: gateway_unavailable' },
      { activity: 'chargePayment', output: { ok: false, code: 'card_declined', reason: 'declined' } },
      { activity: 'chargePayment' },
    ];
    expect(keptSteps(orderSaga, order, calls).map((k) => k.step)).toEqual(['reserveInventory']);
  });

  it('resuming a resume run keeps what its input kept and what it did itself, under the next name', () => {
    const input = {
      order,
      resume: { from: 'ord-7', kept: [{ step: 'reserveInventory', result: { holds: 1 }, confirmed: true }] },
    };
    const next = resumeRunOf(orderSaga, 'ord-7.r2.resume1', input, [charged]);
    expect(next).toEqual({
      newRun: 'ord-7.r2.resume2',
      input: {
        order,
        resume: {
          from: 'ord-7.r2.resume1',
          kept: [
            { step: 'reserveInventory', result: { holds: 1 }, confirmed: true },
            { step: 'chargePayment', result: { chargeId: 'ch_1' }, confirmed: false },
          ],
        },
      },
      compensationsCalled: [],
    });
    expect(resumeRunOf(orderSaga, 'not an order', order, [])).toBeUndefined();
  });

  it('refuses to resume a run stopped while compensating: the steps it kept may have been undone', () => {
    const compensating = [
      reserved,
      charged,
      { activity: 'verifyPayment', error: 'Error: no confirmation' },
      { activity: 'refundPayment', output: { ok: true, data: { amountMinor: 450 } } },
      { activity: 'releaseInventory' },
    ];
    const next = resumeRunOf(orderSaga, 'ord-7', order, compensating)!;
    expect(next.compensationsCalled).toEqual(['refundPayment', 'releaseInventory']);
    const terminated = { run: 'ord-7', status: 'Terminated', engineStatus: 'Terminated' } as SagaRun;
    expect(resumeEligibility(terminated, next)).toMatchObject({
      eligible: false,
      reason: expect.stringMatching(/^Terminated while compensating \(refundPayment, releaseInventory called\)/),
    });
    // Stopped before any compensation: resumed, keeping what was done.
    expect(resumeEligibility(terminated, resumeRunOf(orderSaga, 'ord-7', order, [reserved, charged]))).toMatchObject({
      eligible: true,
      action: 'resumeRun',
      newRun: 'ord-7.resume1',
    });
  });
});
