import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

/**
 * Threat model, customers: an order id is the saga's instance id, so it can belong to one order only. No app
 * route starts an arbitrary orchestration (the generic starter is gone) and the intake never starts over an
 * instance that is not this order's saga. Order ids `ord-sec-i*` and SKUs `SKU-SI*` belong to this file.
 */

let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const sagaOf = (orderId: string) => t.platform.engine.getStatus(orderId);

describe("an order saga's instance id is never reused", () => {
  it('cannot be taken over through the old generic starter: POST /api/orchestrators/... is not served', async () => {
    const orderId = 'ord-sec-i1';
    await inventory(t).set({ 'SKU-SI1A': 10, 'SKU-SI1B': 5 });
    expect((await postOrder(t, intakeOrder(orderId, ['SKU-SI1A', 'SKU-SI1B']))).status).toBe(202);
    await settleSaga(t, orderId);
    const before = sagaOf(orderId)!;
    for (const name of ['helloSequence', 'orderSaga']) {
      const res = await fetch(`${t.baseUrl}/api/orchestrators/${name}/${orderId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify('pwned'),
      });
      expect(res.status).toBe(404);
    }
    const after = sagaOf(orderId)!;
    expect(after.createdTime).toEqual(before.createdTime);
    expect(after.output).toMatchObject({ orderId, outcome: 'Completed' });
  });

  it('answers 409 to an order whose id is the instance id of a saga started for another order', async () => {
    const orderId = 'ord-sec-i2';
    const first = intakeOrder(orderId, ['SKU-SI2A', 'SKU-SI2B'], { paymentMethod: 'pm_card_no_confirm' });
    // Started past the intake (the platform's management API), so no order record holds the id yet.
    await t.client.startNew('orderSaga', { instanceId: orderId, input: first });
    await t.platform.whenIdle();
    const created = sagaOf(orderId)!.createdTime;
    const res = await postOrder(t, { ...first, customer: { id: 'c-other', email: 'other@example.com' } });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('OrderIdInUse');
    expect(res.body.error?.message).toMatch(/the saga of a different order/);
    expect(sagaOf(orderId)!.createdTime).toEqual(created);
  });

  it('answers 409 to an order whose id is the instance id of a failed instance, and leaves it as it was', async () => {
    const orderId = 'ord-sec-i3';
    await t.client.startNew('orderSaga', { instanceId: orderId, input: {} });
    await t.platform.whenIdle();
    expect(sagaOf(orderId)!.runtimeStatus).toBe('Failed');
    const res = await postOrder(t, intakeOrder(orderId, ['SKU-SI3A', 'SKU-SI3B']));
    expect(res.status).toBe(409);
    expect(sagaOf(orderId)!.runtimeStatus).toBe('Failed');
    expect(t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === orderId)).toEqual([]);
  });
});
