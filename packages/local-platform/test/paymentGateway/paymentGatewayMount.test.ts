// The local payment gateway mounted on the platform's own HTTP host (as local/platform.ts mounts it) and called
// over real HTTP with fetch, as the app's payment adapter calls it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { HttpHost } from '../../src/functionsHost/httpServer';
import type { MountedApi } from '../../src/http/mountedApi';
import type { FunctionInvoker } from '../../src/functionsHost/invoker';
import { Charge, PAYMENT_GATEWAY_PREFIX, PaymentGatewayEmulator } from '../../src/paymentGateway';

const API_KEY = 'pgw-mount-test-key';
const clock = new VirtualClock(Date.parse('2026-06-01T00:00:00Z'));
const gateway = new PaymentGatewayEmulator({
  clock,
  apiKey: API_KEY,
  webhookSecret: 'whsec_mount',
  webhookUrl: 'http://127.0.0.1:9/unused',
});
// Type-checks that the gateway's handler fits the platform's MountedApi contract.
const mount: MountedApi = { prefix: PAYMENT_GATEWAY_PREFIX, authLevel: 'loopback', handle: (r) => gateway.handle(r) };
const host = new HttpHost({
  host: '127.0.0.1',
  port: 0,
  routePrefix: 'api',
  routes: [],
  mounts: [mount],
  keys: { functionKeys: [] },
  invoker: {} as FunctionInvoker,
  extraInputs: () => ({}),
  maxBodyBytes: 1024 * 1024,
  log: () => undefined,
});
let base = '';

beforeAll(async () => {
  base = `${await host.listen()}${PAYMENT_GATEWAY_PREFIX}`;
});

afterAll(async () => {
  await gateway.stop();
  await host.close();
});

const post = (path: string, key: string, body: unknown, apiKey = API_KEY): Promise<Response> =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Idempotency-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

it('charges, replays and reads back over HTTP through the platform host', async () => {
  const body = { amount: 1500, currency: 'GBP', paymentMethod: 'pm_card_visa', orderId: 'o-http' };
  const first = await post('/v1/charges', 'o-http:charge', body);
  expect(first.status).toBe(201);
  expect(first.headers.get('content-type')).toContain('application/json');
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  const charge = (await first.json()) as Charge;
  expect(charge).toMatchObject({ object: 'charge', status: 'pending', currency: 'gbp', orderId: 'o-http' });

  const replay = await post('/v1/charges', 'o-http:charge', body);
  expect(replay.status).toBe(201);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(await replay.json()).toEqual(charge);

  const read = await fetch(`${base}/v1/charges?orderId=o-http`, { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(await read.json()).toEqual({ object: 'list', data: [charge] });
});

it('answers errors as JSON error bodies over HTTP', async () => {
  const declined = await post('/v1/charges', 'o-2:charge', {
    amount: 100,
    currency: 'eur',
    paymentMethod: 'pm_card_declined',
    orderId: 'o-2',
  });
  expect(declined.status).toBe(402);
  expect(await declined.json()).toMatchObject({ error: { type: 'card_error', code: 'card_declined' } });
  const unauthorised = await post('/v1/charges', 'o-3:charge', {}, 'wrong');
  expect(unauthorised.status).toBe(401);
  expect(await unauthorised.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
});
