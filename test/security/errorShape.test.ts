import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { startOrderApp } from '../fixtures/orderApp';
import { intakeOrder } from '../fixtures/orderHttp';

/**
 * One error shape for every HTTP error the app and the platform's own HTTP surface answer: `{"error":{code,
 * message, where, fix}}` (extras such as `issues` beside them), JSON endpoints refuse other media types with 415,
 * and a 404 never lists what else is served.
 */

const FUNCTION_KEY = 'error-shape-function-key';
const SYSTEM_KEY = 'error-shape-system-key';
let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp({ LOCAL_FUNCTION_KEY: FUNCTION_KEY, LOCAL_DURABLE_SYSTEM_KEY: SYSTEM_KEY });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

interface Answer {
  status: number;
  body: { error?: Record<string, unknown> } & Record<string, unknown>;
}

async function call(method: string, path: string, init: { body?: string; type?: string; key?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  if (init.key) headers['x-functions-key'] = init.key;
  const res = await fetch(`${t.baseUrl}${path}`, { method, headers, body: init.body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer['body'] };
}

const json = 'application/json';
const order = JSON.stringify(intakeOrder('ord-sec-e1', ['SKU-SE1', 'SKU-SE2']));
const key = FUNCTION_KEY;
const durable = `/runtime/webhooks/durabletask`;

const CASES: [string, number, () => Promise<Answer>][] = [
  ['order API: not JSON', 400, () => call('POST', '/api/orders', { body: '{', type: json, key })],
  ['order API: text/plain body', 415, () => call('POST', '/api/orders', { body: order, type: 'text/plain', key })],
  ['order API: no content-type', 415, () => call('POST', '/api/orders', { body: order, key })],
  ['order API: invalid order', 400, () => call('POST', '/api/orders', { body: '{}', type: json, key })],
  ['order API: bad id', 400, () => call('GET', '/api/orders/a.b', { key })],
  ['order API: unknown order', 404, () => call('GET', '/api/orders/ord-sec-e-none', { key })],
  ['order API: no key', 401, () => call('GET', '/api/orders/ord-sec-e1')],
  ['order API: wrong method', 405, () => call('PUT', '/api/orders', { key })],
  ['unknown route under /api', 404, () => call('GET', '/api/orchestrators/orderSaga', { key })],
  ['unknown path', 404, () => call('GET', '/no/such/thing')],
  ['payment webhook: unsigned', 401, () => call('POST', '/api/payments/webhook', { body: '{}', type: json })],
  ['bridge: no API key', 401, () => call('POST', '/api/bridge/eventbridge', { body: '{}', type: json })],
  ['Durable API: no system key', 401, () => call('GET', `${durable}/instances/x`)],
  ['Durable API: unknown instance', 404, () => call('GET', `${durable}/instances/x?code=${SYSTEM_KEY}`)],
  ['Durable API: unknown route', 404, () => call('GET', `${durable}/nothing?code=${SYSTEM_KEY}`)],
  ['Durable API: bad query', 400, () => call('GET', `${durable}/instances?runtimeStatus=Nope&code=${SYSTEM_KEY}`)],
];

describe('every HTTP error, the app and the platform alike', () => {
  it.each(CASES)('%s: %i with {error: {code, message, where, fix}}', async (_what, status, request) => {
    const answer = await request();
    expect(answer.status).toBe(status);
    const error = answer.body.error!;
    expect(Object.keys(answer.body)).toEqual(['error']);
    for (const field of ['code', 'message', 'where', 'fix']) {
      expect(typeof error[field], field).toBe('string');
      expect((error[field] as string).length, field).toBeGreaterThan(0);
    }
    expect(error.code).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('answers an unknown function route as any unknown path: nothing about the routes that exist', async () => {
    const unknown = await call('GET', '/api/orchestrators/orderSaga', { key });
    const text = JSON.stringify(unknown.body);
    expect(unknown.body.error).not.toHaveProperty('routes');
    for (const served of ['orders', 'payments/webhook', 'bridge/eventbridge']) expect(text).not.toContain(served);
  });
});
