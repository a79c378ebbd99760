// The local payment gateway's API, called through handle() as the platform's HTTP host calls it: charges,
// Stripe-style idempotency keys, the failure modes chosen by payment method, refunds, auth and validation.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import {
  AMOUNT_LIMIT,
  Charge,
  FAILURE_MODES,
  failureModeOf,
  GatewayResponse,
  PaymentGatewayEmulator,
  PaymentGatewayOptions,
  Refund,
} from '../../src/paymentGateway';

const API_KEY = 'pgw-test-api-key';
const START = Date.parse('2026-04-01T08:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

let clock: VirtualClock;
let gateway: PaymentGatewayEmulator;
const logs: string[] = [];

function start(options: Partial<PaymentGatewayOptions> = {}): PaymentGatewayEmulator {
  clock = new VirtualClock(START);
  gateway = new PaymentGatewayEmulator({
    clock,
    apiKey: API_KEY,
    webhookSecret: 'whsec_test',
    // Nothing listens here; these tests do not look at webhooks (paymentGatewayWebhook.test.ts does).
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhookMaxAttempts: 1,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  });
  return gateway;
}

afterEach(async () => {
  await gateway?.stop();
  logs.length = 0;
});

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  key?: string;
  auth?: string | null;
  headers?: Record<string, string>;
}

function call(method: string, target: string, options: CallOptions = {}): Promise<GatewayResponse> {
  const [path, search = ''] = target.split('?');
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = options.auth ?? `Bearer ${API_KEY}`;
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  const text = options.rawBody ?? (options.body === undefined ? '' : JSON.stringify(options.body));
  return gateway.handle({
    method,
    path,
    query: new URLSearchParams(search),
    headers,
    body: Buffer.from(text),
    origin: 'http://127.0.0.1:7071',
  });
}

const chargeBody = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  amount: 2599,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  orderId: 'order-1',
  ...over,
});

const charge = (key: string, over: Record<string, unknown> = {}): Promise<GatewayResponse> =>
  call('POST', '/v1/charges', { key, body: chargeBody(over) });

const errorOf = (res: GatewayResponse): { type: string; code: string; message: string; param?: string } =>
  (res.body as { error: { type: string; code: string; message: string; param?: string } }).error;

describe('charges', () => {
  it('creates a pending charge with the contract fields', async () => {
    start();
    const res = await charge('order-1:charge', { description: 'Order 1' });
    expect(res.status).toBe(201);
    const body = res.body as Charge;
    expect(body).toEqual({
      id: expect.stringMatching(/^ch_[0-9a-f]{24}$/),
      object: 'charge',
      status: 'pending',
      amount: 2599,
      currency: 'eur',
      paymentMethod: 'pm_card_visa',
      orderId: 'order-1',
      created: START / 1000,
      amountRefunded: 0,
      description: 'Order 1',
    });
    expect(res.headers?.['Idempotent-Replayed']).toBeUndefined();
    expect(gateway.ledger().charges).toEqual([body]);
  });

  it('reads a charge by id and lists charges by order', async () => {
    start();
    const a = (await charge('k1', { orderId: 'A' })).body as Charge;
    const b = (await charge('k2', { orderId: 'B' })).body as Charge;
    expect(await call('GET', `/v1/charges/${a.id}`)).toEqual({ status: 200, body: a });
    expect(await call('GET', '/v1/charges?orderId=B')).toEqual({ status: 200, body: { object: 'list', data: [b] } });
    expect((await call('GET', '/v1/charges')).body).toEqual({ object: 'list', data: [a, b] });
    expect(gateway.chargesFor('A')).toEqual([a]);
    const missing = await call('GET', '/v1/charges/ch_nope');
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
  });

  it('tolerates a path without the leading slash, as the platform HTTP host passes it', async () => {
    start();
    expect((await call('POST', 'v1/charges', { key: 'k', body: chargeBody() })).status).toBe(201);
    expect((await call('GET', 'v1/charges/')).status).toBe(200);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and body, without a second charge', async () => {
    start();
    const first = await charge('order-1:charge');
    // Key order in the JSON body does not change the fingerprint.
    const again = await call('POST', '/v1/charges', {
      key: 'order-1:charge',
      rawBody: '{"orderId":"order-1","paymentMethod":"pm_card_visa","currency":"EUR","amount":2599}',
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers).toEqual({ 'Idempotent-Replayed': 'true' });
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    start();
    await charge('k');
    const res = await charge('k', { amount: 100 });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    // ... and the same key on another endpoint.
    const refund = await call('POST', '/v1/refunds', { key: 'k', body: { charge: 'ch_x' } });
    expect(errorOf(refund).code).toBe('idempotency_key_reused');
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('answers 409 to a request whose key is still being processed', async () => {
    start({ latencyMs: 50 });
    const [a, b] = await Promise.all([charge('k'), charge('k')]);
    expect([a.status, b.status]).toEqual([201, 409]);
    expect(errorOf(b)).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    const c = await charge('k');
    expect(c.status).toBe(201);
    expect(c.body).toEqual(a.body);
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('requires an Idempotency-Key on POST', async () => {
    start();
    const res = await call('POST', '/v1/charges', { body: chargeBody() });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_missing' });
    const refund = await call('POST', '/v1/refunds', { body: { charge: 'ch_x' } });
    expect(errorOf(refund).code).toBe('idempotency_key_missing');
    expect(errorOf(await charge('x'.repeat(256))).code).toBe('idempotency_key_invalid');
  });

  it('scopes keys per API key: the header name is matched case-insensitively', async () => {
    start();
    const res = await call('POST', '/v1/charges', { headers: { 'Idempotency-Key': 'mixed' }, body: chargeBody() });
    expect(res.status).toBe(201);
    expect((await charge('mixed')).headers?.['Idempotent-Replayed']).toBe('true');
  });

  it('forgets keys after 24 hours on the clock', async () => {
    start();
    const first = (await charge('k', { paymentMethod: 'pm_card_no_confirm' })).body as Charge;
    await clock.advance(DAY - 1, () => gateway.whenIdle());
    expect(errorOf(await charge('k', { paymentMethod: 'pm_card_no_confirm', amount: 1 })).code).toBe(
      'idempotency_key_reused',
    );
    await clock.advance(1, () => gateway.whenIdle());
    const second = await charge('k', { paymentMethod: 'pm_card_no_confirm', amount: 1 });
    expect(second.status).toBe(201);
    expect((second.body as Charge).id).not.toBe(first.id);
  });

  it('does not save validation errors, so a fixed body may reuse the key (as on Stripe)', async () => {
    start();
    expect((await charge('k', { amount: 0 })).status).toBe(400);
    expect((await charge('k')).status).toBe(201);
  });
});

describe('failure modes', () => {
  it('declines with 402 and replays the decline for the same key', async () => {
    start();
    const declined = await charge('k1', { paymentMethod: 'pm_card_declined' });
    expect(declined.status).toBe(402);
    expect(errorOf(declined)).toMatchObject({ type: 'card_error', code: 'card_declined' });
    const replay = await charge('k1', { paymentMethod: 'pm_card_declined' });
    expect(replay).toEqual({ ...declined, headers: { 'Idempotent-Replayed': 'true' } });

    const poor = await charge('k2', { paymentMethod: 'pm_card_insufficient_funds' });
    expect(poor.status).toBe(402);
    expect(errorOf(poor)).toMatchObject({ type: 'card_error', code: 'insufficient_funds' });
    expect(gateway.ledger().charges).toEqual([]);
  });

  it('refuses amounts at or above the limit with 402 amount_too_large', async () => {
    start();
    const res = await charge('k', { amount: AMOUNT_LIMIT });
    expect(res.status).toBe(402);
    expect(errorOf(res)).toMatchObject({ type: 'card_error', code: 'amount_too_large', param: 'amount' });
    expect((await charge('k2', { amount: AMOUNT_LIMIT - 1 })).status).toBe(201);
  });

  it('pm_card_flaky_N answers exactly N 503s per key, then charges once', async () => {
    start();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await charge('flaky', { paymentMethod: 'pm_card_flaky_2' })).status);
    expect(statuses).toEqual([503, 503, 201, 201]);
    const failure = await charge('flaky-2', { paymentMethod: 'pm_card_flaky_2' });
    expect(errorOf(failure)).toMatchObject({ type: 'api_error', code: 'gateway_unavailable' });
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('pm_card_slow_N creates the charge on the first (slow) attempt; a retry with the key replays it', async () => {
    start({ slowMs: 300 });
    const began = Date.now();
    const slow = charge('slow', { paymentMethod: 'pm_card_slow_1' });
    await new Promise((r) => setTimeout(r, 20));
    // The client has not had its answer yet, but the charge exists and the gateway is not busy.
    expect(gateway.ledger().charges).toHaveLength(1);
    expect(gateway.inFlight()).toBe(0);
    // A client that timed out retries with the same key: attempt 2 is beyond N=1, so it is answered at once.
    const retry = await charge('slow', { paymentMethod: 'pm_card_slow_1' });
    expect(Date.now() - began).toBeLessThan(250);
    expect(retry.status).toBe(201);
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    const first = await slow;
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect((retry.body as Charge).id).toBe((first.body as Charge).id);
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('pm_card_slow_2 keeps the first two attempts slow, replays included', async () => {
    start({ slowMs: 100 });
    const t0 = Date.now();
    const a = await charge('slow', { paymentMethod: 'pm_card_slow_2' });
    const t1 = Date.now();
    const b = await charge('slow', { paymentMethod: 'pm_card_slow_2' });
    const t2 = Date.now();
    const c = await charge('slow', { paymentMethod: 'pm_card_slow_2' });
    const t3 = Date.now();
    expect([t1 - t0 >= 95, t2 - t1 >= 95, t3 - t2 < 95]).toEqual([true, true, true]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    expect(gateway.ledger().charges).toHaveLength(1);
  });

  it('applies latencyMs to every call', async () => {
    start({ latencyMs: 60 });
    const t0 = Date.now();
    await call('GET', '/v1/charges');
    await call('GET', '/v1/charges', { auth: null });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('documents every mode in FAILURE_MODES', () => {
    expect(FAILURE_MODES.length).toBeGreaterThanOrEqual(9);
    for (const mode of FAILURE_MODES) expect(mode.description.length).toBeGreaterThan(20);
    const examples: Record<string, string> = {
      pm_card_visa: 'normal',
      pm_card_declined: 'declined',
      pm_card_insufficient_funds: 'declined',
      pm_card_flaky_2: 'flaky',
      pm_card_slow_1: 'slow',
      pm_card_no_confirm: 'noConfirm',
      pm_card_fails_async: 'failsAsync',
      pm_card_refund_fails: 'refundFails',
    };
    for (const [pm, kind] of Object.entries(examples)) {
      expect(failureModeOf(pm).kind).toBe(kind);
      expect(FAILURE_MODES.some((m) => m.kind === kind)).toBe(true);
    }
    expect(FAILURE_MODES.some((m) => m.kind === 'amountTooLarge')).toBe(true);
  });
});

describe('refunds', () => {
  async function newCharge(paymentMethod = 'pm_card_visa', amount = 1000): Promise<Charge> {
    return (await charge(`charge-${paymentMethod}-${amount}`, { paymentMethod, amount })).body as Charge;
  }
  const refund = (key: string, body: Record<string, unknown>): Promise<GatewayResponse> =>
    call('POST', '/v1/refunds', { key, body });

  it('refunds in full by default and marks the charge refunded', async () => {
    start();
    const ch = await newCharge();
    const res = await refund('r1', { charge: ch.id, reason: 'saga compensation' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^re_[0-9a-f]{24}$/),
      object: 'refund',
      charge: ch.id,
      amount: 1000,
      status: 'succeeded',
      created: START / 1000,
      reason: 'saga compensation',
    });
    expect(gateway.ledger().charges[0]).toMatchObject({ status: 'refunded', amountRefunded: 1000 });
    const again = await refund('r2', { charge: ch.id });
    expect(errorOf(again)).toMatchObject({ code: 'charge_already_refunded', param: 'charge' });
  });

  it('refunds partially, then refuses more than remains', async () => {
    start();
    const ch = await newCharge();
    expect((await refund('r1', { charge: ch.id, amount: 300 })).status).toBe(201);
    expect(gateway.ledger().charges[0]).toMatchObject({ status: 'pending', amountRefunded: 300 });
    const tooLarge = await refund('r2', { charge: ch.id, amount: 701 });
    expect(tooLarge.status).toBe(400);
    expect(errorOf(tooLarge)).toMatchObject({
      type: 'invalid_request_error',
      code: 'amount_too_large',
      param: 'amount',
    });
    const rest = await refund('r3', { charge: ch.id });
    expect((rest.body as Refund).amount).toBe(700);
    expect(gateway.ledger().charges[0]).toMatchObject({ status: 'refunded', amountRefunded: 1000 });
    const listed = await call('GET', `/v1/refunds?charge=${ch.id}`);
    expect((listed.body as { data: Refund[] }).data.map((r) => r.amount)).toEqual([300, 700]);
    const one = (listed.body as { data: Refund[] }).data[0];
    expect(await call('GET', `/v1/refunds/${one.id}`)).toEqual({ status: 200, body: one });
  });

  it('answers 404 for an unknown charge', async () => {
    start();
    const res = await refund('r', { charge: 'ch_unknown' });
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'resource_missing', param: 'charge' });
  });

  it('pm_card_refund_fails: 500 refund_unavailable, nothing refunded, and a retry runs again', async () => {
    start();
    const ch = await newCharge('pm_card_refund_fails');
    for (let i = 0; i < 2; i++) {
      const res = await refund('r', { charge: ch.id });
      expect(res.status).toBe(500);
      expect(res.headers?.['Idempotent-Replayed']).toBeUndefined();
      expect(errorOf(res)).toMatchObject({ type: 'api_error', code: 'refund_unavailable' });
    }
    expect(gateway.ledger().refunds).toEqual([]);
    expect(gateway.ledger().charges[0].amountRefunded).toBe(0);
  });

  it('is idempotent: the same key twice makes one refund', async () => {
    start();
    const ch = await newCharge();
    const a = await refund('order-1:refund', { charge: ch.id, amount: 400 });
    const b = await refund('order-1:refund', { charge: ch.id, amount: 400 });
    expect(b.body).toEqual(a.body);
    expect(b.headers?.['Idempotent-Replayed']).toBe('true');
    expect(gateway.ledger().refunds).toHaveLength(1);
    expect(gateway.ledger().charges[0].amountRefunded).toBe(400);
  });

  it('refuses to refund a charge that failed', async () => {
    start({ confirmDelayMs: 1000 });
    const ch = await newCharge('pm_card_fails_async');
    await clock.advance(1000, () => gateway.whenIdle());
    expect(gateway.ledger().charges[0].status).toBe('failed');
    const res = await refund('r', { charge: ch.id });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'charge_not_refundable', param: 'charge' });
  });
});

describe('authentication', () => {
  it.each([
    ['missing', null],
    ['wrong', 'Bearer not-the-key'],
    ['another scheme', `Basic ${API_KEY}`],
  ])('answers 401 for a %s key, naming the settings to fix', async (_what, auth) => {
    start();
    const res = await call('POST', '/v1/charges', { key: 'k', body: chargeBody(), auth });
    expect(res.status).toBe(401);
    const error = errorOf(res);
    expect(error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(error.message).toContain('PAYMENT_GATEWAY_API_KEY');
    expect(error.message).toContain('LOCAL_PAYMENT_GATEWAY_API_KEY');
    expect(error.message).not.toContain(API_KEY);
    expect(gateway.ledger().charges).toEqual([]);
  });

  it('accepts the scheme in any case', async () => {
    start();
    expect((await call('GET', '/v1/charges', { auth: `bearer ${API_KEY}` })).status).toBe(200);
  });
});

describe('validation and routing', () => {
  it.each([
    [{ amount: 0 }, 'amount'],
    [{ amount: 12.5 }, 'amount'],
    [{ amount: '100' }, 'amount'],
    [{ amount: undefined }, 'amount'],
    [{ currency: 'EURO' }, 'currency'],
    [{ currency: undefined }, 'currency'],
    [{ paymentMethod: '' }, 'paymentMethod'],
    [{ orderId: undefined }, 'orderId'],
    [{ description: 42 }, 'description'],
    [{ payment_method: 'pm_card_visa' }, 'payment_method'],
  ])('names the bad param of a charge %j', async (over, param) => {
    start();
    const res = await charge('k', over);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', param });
    expect(errorOf(res).message).toContain(param);
  });

  it('names the bad param of a refund and rejects bodies that are not JSON objects', async () => {
    start();
    expect(errorOf(await call('POST', '/v1/refunds', { key: 'k', body: { amount: 5 } })).param).toBe('charge');
    expect(errorOf(await call('POST', '/v1/refunds', { key: 'k', body: { charge: 'ch', amount: -1 } })).param).toBe(
      'amount',
    );
    const bad = await call('POST', '/v1/charges', { key: 'k', rawBody: '{not json' });
    expect(errorOf(bad)).toMatchObject({ code: 'invalid_json', param: 'body' });
    expect(errorOf(await call('POST', '/v1/charges', { key: 'k', rawBody: '[1]' })).param).toBe('body');
  });

  it('answers 404 for unknown URLs and 405 for wrong methods', async () => {
    start();
    const unknown = await call('GET', '/v2/charges');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('unrecognized_request_url');
    const wrong = await call('DELETE', '/v1/charges');
    expect(wrong.status).toBe(405);
    expect(errorOf(wrong).code).toBe('method_not_allowed');
    expect((await call('POST', '/v1/charges/ch_1', { key: 'k', body: {} })).status).toBe(405);
  });
});
