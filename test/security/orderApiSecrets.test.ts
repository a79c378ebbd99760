import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder } from '../fixtures/orderHttp';

/**
 * Threat model, customers: they place and read their own order with a function key and must never receive a
 * management capability (the Durable management URLs carry the system key) or any key, in a body, a header or a
 * log line. Every answer the order API gives, success and error, is checked for each configured key.
 * Order ids `ord-sec-k*` and SKUs `SKU-SK*` belong to this file.
 */

const KEYS = {
  LOCAL_FUNCTION_KEY: 'customer-function-key-4d1f',
  LOCAL_MASTER_KEY: 'master-key-never-shown-9a7c',
  LOCAL_DURABLE_SYSTEM_KEY: 'durable-system-key-never-shown-2e5b',
};
const SECRETS = Object.values(KEYS);

let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp(KEYS);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

interface Seen {
  status: number;
  text: string;
}

/** Calls the order API as a customer (function key in the query, where a careless echo would show it). */
async function call(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Seen> {
  const res = await fetch(`${t.baseUrl}${path}${path.includes('?') ? '&' : '?'}code=${KEYS.LOCAL_FUNCTION_KEY}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body,
  });
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return { status: res.status, text: `${headers}\n\n${await res.text()}` };
}

function expectNoSecret(seen: Seen, what: string): void {
  for (const secret of SECRETS) expect(seen.text, `${what} carries a key`).not.toContain(secret);
  expect(seen.text, `${what} links the Durable management API`).not.toMatch(/runtime\/webhooks|durabletask/i);
}

describe('the order API never hands a customer a key or a management link', () => {
  const orderId = 'ord-sec-k1';
  const order = intakeOrder(orderId, ['SKU-SK1A', 'SKU-SK1B']);

  it("answers an accepted order with the order's own URL only", async () => {
    await inventory(t).set({ 'SKU-SK1A': 10, 'SKU-SK1B': 5 });
    const placed = await call('POST', '/api/orders', JSON.stringify(order));
    expect(placed.status).toBe(202);
    expectNoSecret(placed, 'the 202');
    const body = JSON.parse(placed.text.split('\n\n')[1]) as Record<string, unknown>;
    expect(body).toEqual({ status: 'Accepted', orderId, orderUri: `${t.baseUrl}/api/orders/${orderId}` });
  });

  it('answers repeats, reads and every kind of refusal without a key', async () => {
    const answers: [string, Seen][] = [
      ['a repeat while running', await call('POST', '/api/orders', JSON.stringify(order))],
      ['the running order', await call('GET', `/api/orders/${orderId}`)],
      ['invalid JSON', await call('POST', '/api/orders', '{"orderId":')],
      ['an invalid order', await call('POST', '/api/orders', JSON.stringify({ ...order, total: 0.5 }))],
      [
        'another order under the id',
        await call('POST', '/api/orders', JSON.stringify({ ...order, paymentMethod: 'pm_card_mastercard' })),
      ],
      ['an unknown order', await call('GET', '/api/orders/ord-sec-k-none')],
      ['a bad order id', await call('GET', '/api/orders/bad%20id')],
      ['a wrong method', await call('DELETE', `/api/orders/${orderId}`)],
      ['an unknown route', await call('GET', '/api/orchestrators')],
      ['a wrong key', { ...(await fetch(`${t.baseUrl}/api/orders/${orderId}?code=nope`).then(seen)) }],
    ];
    await settleSaga(t, orderId);
    answers.push(['the finished order', await call('GET', `/api/orders/${orderId}`)]);
    answers.push(['a repeat after the end', await call('POST', '/api/orders', JSON.stringify(order))]);
    for (const [what, answer] of answers) expectNoSecret(answer, what);
    expect(answers.map(([, a]) => a.status)).toEqual([202, 200, 400, 400, 409, 404, 400, 405, 404, 401, 200, 200]);
  });

  it('logs no key, although every request carried one', () => {
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs) for (const secret of SECRETS) expect(line).not.toContain(secret);
  });
});

async function seen(res: Response): Promise<Seen> {
  return { status: res.status, text: `${[...res.headers].join('\n')}\n\n${await res.text()}` };
}
