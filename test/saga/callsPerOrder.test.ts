// What one order costs in calls: every Cosmos DB request the local endpoint receives, every HTTP request made in
// this process (the app's calls to the gateway and e-mail service, the gateway's webhooks, the test's own POST
// /api/orders) and the messages the app publishes to Service Bus (over AMQP, counted where they arrive), over a
// batch of happy-path orders after a warm-up order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaResult } from '../../saga/domain/saga';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

const ORDERS = 10;

let t: TestPlatform;
const http = new Map<string, number>();
const realFetch = globalThis.fetch;

/** The HTTP call as a kind: method and path with ids left out. */
function httpKind(input: Parameters<typeof fetch>[0], init?: RequestInit): string {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const where = url.pathname
    .replace(/\/servicebus\/.*/, '/servicebus/…/messages')
    .replace(/\/payment-gateway\/v1\/(\w+).*/, '/payment-gateway/v1/$1');
  return `${method} ${where}`;
}

beforeAll(async () => {
  // Both engines' webhook endpoints registered, as in local.settings.sample.json.
  t = await startOrderApp({
    LOCAL_PAYMENT_WEBHOOK_PATH:
      '/api/payments/webhook engine=durable, /lambda-url/PaymentWebhookFunction/ engine=stepfunctions',
  });
  globalThis.fetch = (input, init) => {
    const kind = httpKind(input, init);
    http.set(kind, (http.get(kind) ?? 0) + 1);
    return realFetch(input, init);
  };
}, 60_000);
afterAll(async () => {
  globalThis.fetch = realFetch;
  await t?.stop();
});

const cosmosCounts = () => t.platform.clouds.cosmos!.requestCounts();

/** Per order, from the counts before and after `orders` orders. */
function perOrder(before: Record<string, number>, after: Record<string, number>, orders: number) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([op, n]) => [op, (n - (before[op] ?? 0)) / orders] as const)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

async function placeAndSettle(ids: string[], skus: [string, string]): Promise<void> {
  const answers = await Promise.all(ids.map((id) => postOrder(t, intakeOrder(id, skus))));
  expect(answers.map((a) => a.status)).toEqual(ids.map(() => 202));
  for (const id of ids) await settleSaga(t, id);
  for (const id of ids) expect((t.platform.engine.getStatus(id)!.output as SagaResult).outcome).toBe('Completed');
}

describe('calls per order (happy path, Durable)', () => {
  it('makes only the Cosmos DB and HTTP calls someone needs', async () => {
    const skus: [string, string] = ['SKU-CALLS-A', 'SKU-CALLS-B'];
    await inventory(t).set({ [skus[0]]: 100, [skus[1]]: 100 });
    // The first order warms the SDK's caches (account, container, partition key ranges).
    await placeAndSettle(['ord-calls-warm'], skus);
    await t.platform.whenIdle();

    const outcomes = () => t.platform.serviceBus.peek('orders/Subscriptions/order-outcomes').length;
    const cosmosBefore = cosmosCounts();
    const httpBefore = Object.fromEntries(http);
    const outcomesBefore = outcomes();
    await placeAndSettle(
      Array.from({ length: ORDERS }, (_, i) => `ord-calls-${i}`),
      skus,
    );
    await t.platform.whenIdle();
    const cosmos = perOrder(cosmosBefore, cosmosCounts(), ORDERS);
    const calls = perOrder(httpBefore, Object.fromEntries(http), ORDERS);

    // Cosmos DB: the order record, the outbox row claimed and then recorded, the analytics fact (one create or
    // upsert each), and per SKU one batch to reserve and one to finalize. Nothing reads the stock first.
    expect(cosmos).toEqual({ 'POST docs': 4, 'POST docs (batch)': 4 });
    // HTTP: the order itself, one charge, its confirmation to the Durable app only (the Lambda's URL, registered
    // for Step Functions charges, gets nothing), the saga's check of that confirmation with the gateway (a webhook
    // is never trusted for money), one e-mail.
    expect(calls).toEqual({
      'POST /api/orders': 1,
      'POST /payment-gateway/v1/charges': 1,
      'GET /payment-gateway/v1/charges': 1,
      'POST /api/payments/webhook': 1,
      'POST /email/emails:send': 1,
    });
    // Service Bus (@azure/service-bus over AMQP, so no HTTP call): one outcome event per order.
    expect((outcomes() - outcomesBefore) / ORDERS).toBe(1);
  }, 120_000);
});

describe('calls per status poll', () => {
  it('GET /api/orders/{id} reads an order record from Cosmos DB once per instance; an unknown order is read each time', async () => {
    const skus: [string, string] = ['SKU-POLL-A', 'SKU-POLL-B'];
    await inventory(t).set({ [skus[0]]: 10, [skus[1]]: 10 });
    await placeAndSettle(['ord-poll-1'], skus);
    const reads = () => cosmosCounts()['GET docs'] ?? 0;
    const before = reads();
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${t.baseUrl}/api/orders/ord-poll-1`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { order: { orderId: string } }).order.orderId).toBe('ord-poll-1');
    }
    // The instance wrote the record at intake: no poll needs Cosmos DB for it.
    expect(reads() - before).toBe(0);

    const unknown = async () => (await fetch(`${t.baseUrl}/api/orders/ord-poll-later`)).status;
    expect(await unknown()).toBe(404);
    expect(await unknown()).toBe(404);
    expect(reads() - before).toBe(2);
    // A miss was not remembered: the order placed now is found.
    await placeAndSettle(['ord-poll-later'], skus);
    expect(await unknown()).toBe(200);
  }, 60_000);
});
