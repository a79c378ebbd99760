// The payment gateway's state in the service database: a new gateway on a reopened database carries on where the
// previous one stopped (charges, refunds, idempotency records, attempt counters, pending confirmations and webhook
// retries), answers are sent only once committed, and a failed commit stops the gateway rather than let it answer
// from memory the file does not hold.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import {
  Charge,
  GatewayResponse,
  PaymentGatewayEmulator,
  PaymentGatewayOptions,
  Refund,
  WebhookEvent,
} from '../../src/paymentGateway';

const API_KEY = 'pgw-persist-key';
const START = Date.parse('2026-07-01T09:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-store-'));

interface Received {
  event: WebhookEvent;
  at: number;
}

let receiverUrl = '';
let receiver: http.Server;
const received: Received[] = [];
/** Statuses the receiver answers, in order; 200 once used up. */
let answers: number[] = [];
let clock: VirtualClock;
const running: PaymentGatewayEmulator[] = [];
const open: ServiceDatabase[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ event: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent, at: clock.now() });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/payments/webhook`;
});

afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const db of open.splice(0)) await db.close();
  received.length = 0;
  answers = [];
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

function gatewayOn(database: ServiceDatabase, options: Partial<PaymentGatewayOptions> = {}): PaymentGatewayEmulator {
  const gateway = new PaymentGatewayEmulator({
    clock,
    database,
    apiKey: API_KEY,
    webhookSecret: 'whsec_persist',
    webhookUrl: () => receiverUrl,
    confirmDelayMs: 2000,
    ...options,
  });
  running.push(gateway);
  return gateway;
}

function call(gateway: PaymentGatewayEmulator, method: string, target: string, key?: string, body?: unknown) {
  const [p, search = ''] = target.split('?');
  return gateway.handle({
    method,
    path: p,
    query: new URLSearchParams(search),
    headers: { authorization: `Bearer ${API_KEY}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    origin: 'http://127.0.0.1:7071',
  });
}

const chargeBody = (orderId: string, paymentMethod = 'pm_card_visa'): Record<string, unknown> => ({
  amount: 2500,
  currency: 'eur',
  paymentMethod,
  orderId,
});

const charge = (gateway: PaymentGatewayEmulator, key: string, orderId: string, paymentMethod?: string) =>
  call(gateway, 'POST', '/v1/charges', key, chargeBody(orderId, paymentMethod));

const advance = (gateway: PaymentGatewayEmulator, ms: number): Promise<void> =>
  clock.advance(ms, () => gateway.whenIdle());

/**
 * Each case runs twice: on a file, where the database is closed and opened again as after a restart, and in memory,
 * where the next gateway gets the same (still open) database: the gateway must not care which.
 */
describe.each([
  ['on a file', true],
  ['in memory', false],
])('gateway state %s', (_kind, onFile) => {
  let file = '';
  function firstDatabase(): ServiceDatabase {
    file = path.join(dir, `gateway-${Math.random().toString(36).slice(2)}.sqlite`);
    const db = new ServiceDatabase({ location: onFile ? file : ':memory:' });
    open.push(db);
    return db;
  }
  /** Stops the gateway as the platform does (its database closes after it) and opens what the next run gets. */
  async function restart(gateway: PaymentGatewayEmulator, db: ServiceDatabase): Promise<ServiceDatabase> {
    await gateway.stop();
    if (!onFile) return db;
    await db.close();
    const again = new ServiceDatabase({ location: file });
    open.push(again);
    return again;
  }

  it('a new gateway sees every charge, refund, idempotency record and attempt counter', async () => {
    clock = new VirtualClock(START);
    const db = firstDatabase();
    const first = gatewayOn(db);
    const paid = await charge(first, 'o-1:charge', 'o-1');
    expect(paid.status).toBe(201);
    const paidCharge = paid.body as Charge;
    const refund = await call(first, 'POST', '/v1/refunds', 'o-1:refund', { charge: paidCharge.id, amount: 500 });
    expect(refund.status).toBe(201);
    const declined = await charge(first, 'o-2:charge', 'o-2', 'pm_card_declined');
    expect(declined.status).toBe(402);
    // pm_card_flaky_2 fails the first two attempts of a key; the third, after the restart, must charge.
    for (let i = 0; i < 2; i++) expect((await charge(first, 'o-3:charge', 'o-3', 'pm_card_flaky_2')).status).toBe(503);
    const before = first.ledger();

    const second = gatewayOn(await restart(first, db));
    expect(second.ledger().charges).toEqual(before.charges);
    expect(second.ledger().refunds).toEqual(before.refunds);
    expect(second.chargesFor('o-1')).toEqual([{ ...paidCharge, amountRefunded: 500 }]);
    expect(await call(second, 'GET', `/v1/refunds/${(refund.body as Refund).id}`)).toEqual({
      status: 200,
      body: refund.body,
    });

    const replay = await charge(second, 'o-1:charge', 'o-1');
    expect(replay).toEqual({ status: 201, headers: { 'Idempotent-Replayed': 'true' }, body: paidCharge });
    expect((await charge(second, 'o-2:charge', 'o-2', 'pm_card_declined')).headers).toEqual({
      'Idempotent-Replayed': 'true',
    });
    const reused = await charge(second, 'o-1:charge', 'o-1-other');
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    const third = await charge(second, 'o-3:charge', 'o-3', 'pm_card_flaky_2');
    expect(third.status, 'the flaky card counted its attempts across the restart').toBe(201);
    expect(second.ledger().charges).toHaveLength(2);
  });

  it('a confirmation scheduled before the restart is sent after it at its due time, then never again', async () => {
    clock = new VirtualClock(START);
    const db = firstDatabase();
    const first = gatewayOn(db);
    const created = (await charge(first, 'o-5:charge', 'o-5')).body as Charge;
    await advance(first, 500);
    expect(received).toHaveLength(0);

    const reopened = await restart(first, db);
    const second = gatewayOn(reopened);
    second.resumePending();
    await advance(second, 1499);
    expect(received).toHaveLength(0);
    await advance(second, 1);
    expect(received.map((r) => [r.at - START, r.event.data.chargeId])).toEqual([[2000, created.id]]);
    expect(second.ledger().charges[0].status).toBe('succeeded');

    const third = gatewayOn(await restart(second, reopened));
    third.resumePending();
    await advance(third, 60_000);
    expect(received, 'delivered once, recorded as delivered').toHaveLength(1);
    expect(third.ledger().charges[0].status).toBe('succeeded');
    expect(third.ledger().webhookDeliveries).toMatchObject([{ state: 'delivered', attempts: [{ status: 200 }] }]);
  });

  it('a confirmation that fell due while the gateway was down goes out at once', async () => {
    clock = new VirtualClock(START);
    const db = firstDatabase();
    const first = gatewayOn(db);
    const created = (await charge(first, 'o-6:charge', 'o-6', 'pm_card_fails_async')).body as Charge;
    const reopened = await restart(first, db);
    clock = new VirtualClock(START + 60_000);
    const second = gatewayOn(reopened);
    second.resumePending();
    await advance(second, 0);
    expect(received.map((r) => [r.at - START, r.event.type, r.event.data.chargeId])).toEqual([
      [60_000, 'charge.failed', created.id],
    ]);
  });

  it('a webhook retry pending at the restart resumes with its attempts counted and the same event', async () => {
    clock = new VirtualClock(START);
    answers = [500];
    const db = firstDatabase();
    const first = gatewayOn(db, { webhookMaxAttempts: 2 });
    await charge(first, 'o-7:charge', 'o-7');
    await advance(first, 2000);
    expect(first.ledger().webhookDeliveries).toMatchObject([{ state: 'retrying', nextAttemptAt: START + 3000 }]);

    const second = gatewayOn(await restart(first, db), { webhookMaxAttempts: 2 });
    expect(second.ledger().webhookDeliveries).toMatchObject([{ state: 'retrying', attempts: [{ status: 500 }] }]);
    second.resumePending();
    await advance(second, 999);
    expect(received).toHaveLength(1);
    await advance(second, 1);
    expect(received.map((r) => r.at - START)).toEqual([2000, 3000]);
    expect(received[1].event).toEqual(received[0].event);
    expect(second.ledger().webhookDeliveries).toMatchObject([
      { state: 'delivered', attempts: [{ status: 500 }, { status: 200 }] },
    ]);
  });
});

describe('answers wait for the commit', () => {
  it('a charge is answered only once it is in the database', async () => {
    clock = new VirtualClock(START);
    const db = new ServiceDatabase({ location: ':memory:' });
    open.push(db);
    const gateway = gatewayOn(db);
    const count = (): number => (db.db.prepare('SELECT COUNT(*) AS n FROM gateway_charges').get() as { n: number }).n;
    const answer = charge(gateway, 'o-8:charge', 'o-8').then((res) => ({ res, rows: count() }));
    expect(count()).toBe(0);
    const { res, rows } = await answer;
    expect(res.status).toBe(201);
    expect(rows).toBe(1);
  });

  it('stops answering once a commit failed, naming the cause', async () => {
    clock = new VirtualClock(START);
    const logs: string[] = [];
    const db = new ServiceDatabase({ location: ':memory:' });
    const gateway = gatewayOn(db, { log: (level, message) => logs.push(`${level}: ${message}`) });
    await db.close();
    const failed: GatewayResponse = await charge(gateway, 'o-9:charge', 'o-9');
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ error: { type: 'api_error', code: 'store_failed' } });
    expect((failed.body as { error: { message: string } }).error.message).toMatch(/:memory:.*is closed.*restarts/);
    expect((await call(gateway, 'GET', '/v1/charges')).status).toBe(500);
    expect(logs.filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });
});
