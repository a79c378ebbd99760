// What one order costs in calls: every Cosmos DB request the local endpoint receives, every HTTP request the
// platform's endpoints receive (the app's calls to the gateway, the e-mail service and the Durable client API, the
// gateway's webhooks, the test's own POST /api/orders; counted as they arrive, by Node's own
// `http.server.request.start` channel, whatever client made them) and the messages the app publishes to Service
// Bus (over AMQP, counted where they arrive), over a batch of happy-path orders after a warm-up order.
import * as diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaResult } from '../../saga/domain/saga';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

const ORDERS = 10;

let t: TestPlatform;
let cosmosPort = -1;
const http = new Map<string, number>();

/** The HTTP call as a kind: method and path with ids and queries left out. */
function httpKind(method: string, url: string): string {
  const where = url
    .split('?')[0]
    .replace(/\/servicebus\/.*/, '/servicebus/…/messages')
    .replace(/\/payment-gateway\/v1\/(\w+).*/, '/payment-gateway/v1/$1')
    .replace(/ord-(calls|poll)-[\w-]+/g, '{id}');
  return `${method} ${where}`;
}

function countRequest(message: unknown): void {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  if ((server.address() as AddressInfo | null)?.port === cosmosPort) return;
  const kind = httpKind(request.method ?? 'GET', request.url ?? '/');
  http.set(kind, (http.get(kind) ?? 0) + 1);
}

beforeAll(async () => {
  // Both engines' webhook endpoints registered, as in local.settings.sample.json.
  t = await startOrderApp({
    LOCAL_PAYMENT_WEBHOOK_PATH:
      '/api/payments/webhook engine=durable, /lambda-url/PaymentWebhookFunction/ engine=stepfunctions',
  });
  cosmosPort = Number(new URL(t.platform.clouds.cosmos!.endpoint).port);
  diagnostics.subscribe('http.server.request.start', countRequest);
}, 60_000);
afterAll(async () => {
  diagnostics.unsubscribe('http.server.request.start', countRequest);
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
    // is never trusted for money), one e-mail. The Durable client: the intake's look for an earlier saga and its
    // start; the webhook's look for the run to tell (one: a run still going has no restart after it) and the event.
    // The bridge sends the outcome events to EventBridge in batches: at most one PutEvents per order.
    const { 'POST /eventbridge/': putEvents = 0, ...rest } = calls;
    expect(putEvents).toBeLessThanOrEqual(1);
    expect(rest).toEqual({
      'POST /api/orders': 1,
      'GET /durabletask/instances/{id}': 2,
      'POST /durabletask/orchestrators/orderSaga/{id}': 1,
      'POST /payment-gateway/v1/charges': 1,
      'GET /payment-gateway/v1/charges': 1,
      'POST /api/payments/webhook': 1,
      'POST /durabletask/instances/{id}/raiseEvent/PaymentConfirmed': 1,
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
