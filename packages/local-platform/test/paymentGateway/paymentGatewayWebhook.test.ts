// The local payment gateway's asynchronous confirmation: signed webhooks POSTed to a real HTTP receiver after
// confirmDelayMs on the virtual clock, retries with backoff, the no_confirm / fails_async modes, stop().
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import {
  Charge,
  PaymentGatewayEmulator,
  PaymentGatewayOptions,
  signWebhook,
  verifyWebhookSignature,
  WebhookEvent,
} from '../../src/paymentGateway';

const API_KEY = 'pgw-webhook-test-key';
const SECRET = 'whsec_local_test_secret';
const START = Date.parse('2026-05-04T12:00:00Z');

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Virtual clock time when it arrived. */
  at: number;
}

let receiverUrl = '';
let receiver: http.Server;
const received: Received[] = [];
/** Statuses the receiver answers, in order; 200 once used up. */
let answers: number[] = [];

let clock: VirtualClock;
let gateway: PaymentGatewayEmulator;
const logs: string[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: clock.now() });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/payments/webhook`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

afterEach(async () => {
  await gateway?.stop();
  received.length = 0;
  logs.length = 0;
  answers = [];
});

function start(options: Partial<PaymentGatewayOptions> = {}): void {
  clock = new VirtualClock(START);
  gateway = new PaymentGatewayEmulator({
    clock,
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrl: () => receiverUrl,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  });
}

const advance = (ms: number): Promise<void> => clock.advance(ms, () => gateway.whenIdle());

async function createCharge(
  paymentMethod = 'pm_card_visa',
  orderId = 'order-7',
  metadata?: Record<string, string>,
): Promise<Charge> {
  const res = await gateway.handle({
    method: 'POST',
    path: '/v1/charges',
    query: new URLSearchParams(),
    headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': `${orderId}:charge` },
    body: Buffer.from(JSON.stringify({ amount: 4200, currency: 'usd', paymentMethod, orderId, metadata })),
    origin: 'http://127.0.0.1:7071',
  });
  expect(res.status).toBe(201);
  return res.body as Charge;
}

/** Verifies a Gateway-Signature header with node:crypto alone, independently of the gateway's verifier. */
function independentlyValid(header: string, raw: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${raw}`).digest('hex');
  return parts.v1 === expected;
}

describe('confirmation webhook', () => {
  it('confirms a charge with a signed charge.succeeded after confirmDelayMs', async () => {
    start({ confirmDelayMs: 2000 });
    const charge = await createCharge();
    await advance(1999);
    expect(received).toHaveLength(0);
    expect(gateway.ledger().charges[0].status).toBe('pending');

    await advance(1);
    expect(received).toHaveLength(1);
    const [hit] = received;
    expect(hit.at).toBe(START + 2000);
    expect(hit.headers['content-type']).toBe('application/json');
    const event = JSON.parse(hit.raw) as WebhookEvent;
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
      type: 'charge.succeeded',
      created: (START + 2000) / 1000,
      data: { chargeId: charge.id, orderId: 'order-7', amount: 4200, currency: 'usd', status: 'succeeded' },
    });

    const header = hit.headers['gateway-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowSeconds = Math.floor(Date.now() / 1000);
    // The timestamp is wall time, which is what the receiving app compares it with.
    expect(Math.abs(Number(/t=(\d+)/.exec(header)?.[1]) - nowSeconds)).toBeLessThanOrEqual(2);
    expect(verifyWebhookSignature(SECRET, header, hit.raw, nowSeconds)).toBe(true);
    expect(independentlyValid(header, hit.raw, SECRET)).toBe(true);
    expect(verifyWebhookSignature('whsec_other', header, hit.raw, nowSeconds)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, hit.raw.replace('4200', '4201'), nowSeconds)).toBe(false);

    expect(gateway.ledger().charges[0].status).toBe('succeeded');
    expect(gateway.ledger().webhookDeliveries).toMatchObject([
      { event: { type: 'charge.succeeded' }, state: 'delivered', lastStatus: 200, attempts: [{ status: 200 }] },
    ]);
  });

  it("sends a charge's events only to the endpoints whose metadata filter it matches, with its metadata", async () => {
    const base = receiverUrl.replace('/api/payments/webhook', '');
    start({
      confirmDelayMs: 10,
      webhookUrl: () => [
        `${base}/all`,
        { url: `${base}/durable`, metadata: { engine: 'durable' } },
        { url: `${base}/stepfunctions`, metadata: { engine: 'stepfunctions' } },
      ],
    });
    await createCharge('pm_card_visa', 'order-sf', { engine: 'stepfunctions' });
    await createCharge('pm_card_visa', 'order-none');
    await advance(10);
    const hits = received.map((r) => {
      const event = JSON.parse(r.raw) as WebhookEvent;
      return `${event.data.orderId} ${JSON.stringify(event.data.metadata ?? null)}`;
    });
    expect(hits.sort()).toEqual(
      ['order-none null', 'order-sf {"engine":"stepfunctions"}', 'order-sf {"engine":"stepfunctions"}'].sort(),
    );
    const urls = gateway
      .ledger()
      .webhookDeliveries.map((d) => `${d.event.data.orderId} ${new URL(d.url).pathname}`)
      .sort();
    expect(urls).toEqual(['order-none /all', 'order-sf /all', 'order-sf /stepfunctions']);
    expect(gateway.ledger().charges.find((c) => c.orderId === 'order-sf')?.metadata).toEqual({
      engine: 'stepfunctions',
    });
  });

  it('refuses metadata Stripe would refuse, naming the key', async () => {
    start();
    const charge = (metadata: unknown) =>
      gateway.handle({
        method: 'POST',
        path: '/v1/charges',
        query: new URLSearchParams(),
        headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': `k-${JSON.stringify(metadata)}` },
        body: Buffer.from(
          JSON.stringify({ amount: 100, currency: 'usd', paymentMethod: 'pm_card_visa', orderId: 'o', metadata }),
        ),
        origin: 'http://127.0.0.1:7071',
      });
    expect((await charge({ engine: 3 })).body).toMatchObject({ error: { param: 'metadata[engine]' } });
    expect((await charge(['engine'])).status).toBe(400);
    expect((await charge({ ['k'.repeat(41)]: 'v' })).status).toBe(400);
    expect((await charge({ engine: 'durable' })).status).toBe(201);
  });

  it('signs with signatureNow when given', async () => {
    start({ confirmDelayMs: 10, signatureNow: () => 1_700_000_000_500 });
    await createCharge();
    await advance(10);
    const header = received[0].headers['gateway-signature'] as string;
    expect(header.startsWith('t=1700000000,')).toBe(true);
    expect(header).toBe(signWebhook(SECRET, received[0].raw, 1_700_000_000));
  });

  it('pm_card_no_confirm: never confirmed, no webhook', async () => {
    start({ confirmDelayMs: 2000 });
    await createCharge('pm_card_no_confirm');
    await advance(24 * 60 * 60 * 1000);
    expect(received).toHaveLength(0);
    expect(gateway.ledger()).toMatchObject({ charges: [{ status: 'pending' }], webhookDeliveries: [] });
    expect(clock.nextDue()).toBeUndefined();
  });

  it('pm_card_fails_async: the webhook reports charge.failed', async () => {
    start({ confirmDelayMs: 500 });
    const charge = await createCharge('pm_card_fails_async');
    await advance(500);
    const event = JSON.parse(received[0].raw) as WebhookEvent;
    expect(event.type).toBe('charge.failed');
    expect(event.data).toMatchObject({ chargeId: charge.id, status: 'failed' });
    expect(gateway.ledger().charges[0]).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
  });

  it('sends no confirmation for a charge refunded in full while pending', async () => {
    start({ confirmDelayMs: 1000 });
    const charge = await createCharge();
    const refund = await gateway.handle({
      method: 'POST',
      path: '/v1/refunds',
      query: new URLSearchParams(),
      headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': 'order-7:refund' },
      body: Buffer.from(JSON.stringify({ charge: charge.id })),
      origin: 'http://127.0.0.1:7071',
    });
    expect(refund.status).toBe(201);
    await advance(1000);
    expect(received).toHaveLength(0);
    expect(gateway.ledger().charges[0].status).toBe('refunded');
  });
});

describe('delivery retries', () => {
  it('retries a non-2xx answer with backoff on the virtual clock, then succeeds', async () => {
    start({ confirmDelayMs: 2000 });
    answers = [500, 503];
    await createCharge();
    await advance(2000);
    expect(received.map((r) => r.at - START)).toEqual([2000]);
    expect(gateway.ledger().webhookDeliveries[0]).toMatchObject({
      state: 'retrying',
      lastStatus: 500,
      nextAttemptAt: START + 3000,
    });
    await advance(999);
    expect(received).toHaveLength(1);
    await advance(1);
    expect(received.map((r) => r.at - START)).toEqual([2000, 3000]);
    await advance(2000);
    expect(received.map((r) => r.at - START)).toEqual([2000, 3000, 5000]);
    // The same event each time, re-signed per attempt.
    expect(new Set(received.map((r) => r.raw)).size).toBe(1);
    for (const r of received)
      expect(independentlyValid(r.headers['gateway-signature'] as string, r.raw, SECRET)).toBe(true);
    const [delivery] = gateway.ledger().webhookDeliveries;
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(logs.filter((l) => l.startsWith('warn:'))).toHaveLength(2);
  });

  it('gives up after webhookMaxAttempts and logs an error', async () => {
    start({ confirmDelayMs: 0, webhookMaxAttempts: 3 });
    answers = [500, 500, 500, 500];
    await createCharge();
    await advance(10_000);
    expect(received.map((r) => r.at - START)).toEqual([0, 1000, 3000]);
    expect(gateway.ledger().webhookDeliveries[0]).toMatchObject({ state: 'failed', lastStatus: 500 });
    expect(logs.some((l) => l.startsWith('error:') && l.includes('gave up'))).toBe(true);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('treats an unreachable receiver as a failed attempt and retries', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));
    let url = deadUrl;
    start({ confirmDelayMs: 0, webhookUrl: () => url });
    await createCharge();
    await advance(0);
    const [first] = gateway.ledger().webhookDeliveries;
    expect(first).toMatchObject({ state: 'retrying' });
    expect(first.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    url = receiverUrl; // the platform came up: the URL function is asked again on every attempt
    await advance(1000);
    expect(received).toHaveLength(1);
    expect(gateway.ledger().webhookDeliveries[0].state).toBe('delivered');
  });
});

describe('idle detection and stop', () => {
  it('counts a delivery in flight until the receiver answers', async () => {
    start({ confirmDelayMs: 0 });
    await createCharge();
    expect(gateway.inFlight()).toBe(0);
    await new Promise((r) => setImmediate(r)); // the due wake fires on the next turn
    expect(gateway.inFlight()).toBe(1);
    await gateway.whenIdle();
    expect(gateway.inFlight()).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('stop() cancels pending confirmations and retries', async () => {
    start({ confirmDelayMs: 1000 });
    answers = [500];
    await createCharge('pm_card_visa', 'a');
    await advance(1000);
    await createCharge('pm_card_visa', 'b');
    await gateway.stop();
    await advance(60_000);
    expect(received).toHaveLength(1);
    expect(gateway.ledger().webhookDeliveries).toMatchObject([{ state: 'cancelled' }]);
    expect(gateway.ledger().charges.map((c) => c.status)).toEqual(['succeeded', 'pending']);
  });
});

describe('signature helpers', () => {
  it('verify rejects stale, future, malformed and missing headers, and accepts any matching v1', () => {
    const body = '{"id":"evt_1"}';
    const t = 1_800_000_000;
    const good = signWebhook(SECRET, body, t);
    expect(verifyWebhookSignature(SECRET, good, body, t + 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, good, Buffer.from(body), t)).toBe(true);
    expect(verifyWebhookSignature(SECRET, good, body, t + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, good, body, t - 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, good, body, t + 1000, 1000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, undefined, body, t)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'garbage', body, t)).toBe(false);
    expect(verifyWebhookSignature(SECRET, `t=${t}`, body, t)).toBe(false);
    const rotated = `${signWebhook('whsec_old', body, t)},v1=${good.split('v1=')[1]}`;
    expect(verifyWebhookSignature(SECRET, rotated, body, t)).toBe(true);
    expect(independentlyValid(good, body, SECRET)).toBe(true);
  });
});
