import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { inventory, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

/**
 * Threat model, the platform itself: the Durable management API (raise events, terminate, restart, rewind,
 * purge, start anything) is the platform's own, behind the system key. A customer's function key opens none of
 * it, and no app route forwards to it. Order ids `ord-sec-m*` and SKUs `SKU-SM*` belong to this file.
 */

const FUNCTION_KEY = 'management-test-function-key';
const SYSTEM_KEY = 'management-test-system-key';
let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp({ LOCAL_FUNCTION_KEY: FUNCTION_KEY, LOCAL_DURABLE_SYSTEM_KEY: SYSTEM_KEY });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe("a customer's key never reaches the management API", () => {
  const orderId = 'ord-sec-m1';
  const hook = `/runtime/webhooks/durabletask/instances/${orderId}`;

  it('refuses restart, terminate, raiseEvent, rewind, purge and status with the function key (401), changing nothing', async () => {
    await inventory(t).set({ 'SKU-SM1A': 10, 'SKU-SM1B': 5 });
    const placed = await fetch(`${t.baseUrl}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': FUNCTION_KEY },
      body: JSON.stringify(intakeOrder(orderId, ['SKU-SM1A', 'SKU-SM1B'], { paymentMethod: 'pm_card_no_confirm' })),
    });
    expect(placed.status).toBe(202);
    await t.platform.whenIdle();
    const before = t.platform.engine.getHistory(orderId)!.length;

    const attempts: [string, string, string?][] = [
      ['POST', `${hook}/restart`],
      ['POST', `${hook}/terminate`],
      ['POST', `${hook}/suspend`],
      ['POST', `${hook}/rewind`],
      ['POST', `${hook}/raiseEvent/PaymentConfirmed`, JSON.stringify({ orderId, status: 'succeeded' })],
      ['DELETE', hook],
      ['GET', hook],
      ['POST', `/runtime/webhooks/durabletask/orchestrators/orderSaga/${orderId}`, '{}'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await fetch(`${t.baseUrl}${path}?code=${FUNCTION_KEY}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    await t.platform.whenIdle();
    expect(t.platform.engine.getStatus(orderId)!.runtimeStatus).toBe('Running');
    expect(t.platform.engine.getHistory(orderId)!.length).toBe(before);
  });

  it('offers no app route that restarts, terminates or raises events', async () => {
    for (const path of [`/api/orders/${orderId}/restart`, `/api/orders/${orderId}/events/PaymentConfirmed`]) {
      const res = await fetch(`${t.baseUrl}${path}?code=${FUNCTION_KEY}`, { method: 'POST', body: '{}' });
      expect(res.status, path).toBe(404);
    }
    expect((await postOrder(t, {})).status, 'and nothing at all without a key').toBe(401);
  });
});
