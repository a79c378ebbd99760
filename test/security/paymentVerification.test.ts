import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { PAYMENT_NOT_VERIFIED, verifyPayment } from '../../activities/verifyPayment';
import { HttpPaymentGateway } from '../../adapters/paymentGateway';
import { remainingSeconds } from '../../aws-stepfunctions/handlers/verificationLambda';
import { OrderSchema, type Order } from '../../saga/domain/order';
import type { Charge } from '../../saga/ports';
import { startOrderApp } from '../fixtures/orderApp';
import { intakeOrder } from '../fixtures/orderHttp';

/**
 * Threat model, the payment gateway: only its word about a charge counts for money. verifyPayment (what both
 * engines run before a confirmed payment counts) against the local gateway over HTTP: the charge must exist,
 * have succeeded, and be for the order's amount and currency. Order ids `ord-sec-v*` belong to this file.
 */

let t: TestPlatform;
const gateway = new HttpPaymentGateway();

beforeAll(async () => {
  t = await startOrderApp({ LOCAL_PAYMENT_CONFIRM_DELAY_MS: '0' });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const orderOf = (orderId: string, overrides: Record<string, unknown> = {}): Order =>
  OrderSchema.parse(intakeOrder(orderId, ['SKU-SV1', 'SKU-SV2'], overrides));

/** A charge made at the gateway as chargePayment makes it, then settled by the gateway's own confirmation. */
async function settledCharge(orderId: string, amountMinor: number, currency: string, method = 'pm_card_visa') {
  const made = await gateway.charge({ orderId, amountMinor, currency, paymentMethod: method, idempotencyKey: orderId });
  if (!made.ok) throw new Error(`the gateway refused the test charge: ${made.reason}`);
  await t.advanceTime('1s');
  return made.data;
}

const verify = (order: Order, charge: Pick<Charge, 'chargeId'>) =>
  verifyPayment({ order, results: { chargePayment: charge } }, gateway);

describe('verifyPayment: the gateway decides whether an order is paid', () => {
  it('accepts a charge that succeeded for the order total in its currency', async () => {
    const order = orderOf('ord-sec-v1');
    const charge = await settledCharge(order.orderId, 2600, 'EUR');
    expect(await verify(order, charge)).toMatchObject({
      ok: true,
      data: { chargeId: charge.chargeId, status: 'succeeded' },
    });
  });

  it('refuses a charge still pending (the forged "succeeded" of the issue)', async () => {
    const order = orderOf('ord-sec-v2', { paymentMethod: 'pm_card_no_confirm' });
    const charge = await settledCharge(order.orderId, 2600, 'EUR', 'pm_card_no_confirm');
    expect(await verify(order, charge)).toEqual({
      ok: false,
      code: PAYMENT_NOT_VERIFIED,
      reason: `charge ${charge.chargeId} is pending at the gateway, not succeeded`,
    });
  });

  it('refuses a charge for less than the order total', async () => {
    const order = orderOf('ord-sec-v3');
    const charge = await settledCharge(order.orderId, 50, 'EUR');
    expect(await verify(order, charge)).toMatchObject({
      ok: false,
      reason: `charge ${charge.chargeId} is for 50 minor units, the order is for 2600`,
    });
  });

  it('refuses a charge in another currency', async () => {
    const order = orderOf('ord-sec-v4');
    const charge = await settledCharge(order.orderId, 2600, 'JPY');
    expect(await verify(order, charge)).toMatchObject({
      ok: false,
      reason: `charge ${charge.chargeId} is in JPY, the order in EUR`,
    });
  });

  it('refuses a charge id the gateway does not know, and a saga without a charge', async () => {
    const order = orderOf('ord-sec-v5');
    expect(await verify(order, { chargeId: 'ch_forged' })).toMatchObject({
      ok: false,
      reason: 'the gateway has no charge ch_forged',
    });
    expect(await verifyPayment({ order, results: {} }, gateway)).toMatchObject({ ok: false });
  });
});

describe('the time left of a wait after an unverified confirmation (Step Functions)', () => {
  it('is the wait less the time since it began, on the execution clock, never below 0', () => {
    const startedAt = '2026-01-01T00:00:00.000Z';
    expect(remainingSeconds({ startedAt, now: startedAt, timeoutSeconds: 900 })).toBe(900);
    expect(remainingSeconds({ startedAt, now: '2026-01-01T00:10:00.500Z', timeoutSeconds: 900 })).toBe(299);
    expect(remainingSeconds({ startedAt, now: '2026-01-01T00:20:00.000Z', timeoutSeconds: 900 })).toBe(0);
  });
});
