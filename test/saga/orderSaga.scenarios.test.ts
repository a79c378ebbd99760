import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../../local/testing';
import type { SagaResult } from '../../saga/domain/saga';
import { inventory, readDoc, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { ORDER_SCENARIOS, OrderScenario, scenarioOrder } from '../fixtures/orderScenarios';
import { orderPlacedMessage, outcomeEvents, sendToTopic } from '../fixtures/orderMessages';

let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

async function placeByHttp(order: Record<string, unknown>): Promise<Response> {
  return fetch(`${t.baseUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
}

async function place(scenario: OrderScenario, order: Record<string, unknown>): Promise<void> {
  const message = orderPlacedMessage(order);
  switch (scenario.via) {
    case 'http':
      expect((await placeByHttp(order)).status).toBe(202);
      return;
    case 'servicebus':
      await sendToTopic(t, [message]);
      return;
    case 'servicebus-duplicate':
      // The same message twice (duplicate detection), then a new message for the same order (the trigger's check).
      await sendToTopic(t, [message]);
      await sendToTopic(t, [message]);
      await t.platform.whenIdle();
      await sendToTopic(t, [orderPlacedMessage(order, 'second-event-id')]);
      return;
    case 'http+servicebus': {
      const [res] = await Promise.all([placeByHttp(order), sendToTopic(t, [message])]);
      expect([200, 202]).toContain(res.status);
      return;
    }
  }
}

describe.each(ORDER_SCENARIOS.map((s, i) => [s.name, s, i] as const))('order saga: %s', (_name, scenario, index) => {
  it('reaches the expected outcome with exactly the expected side effects', async () => {
    const order = scenarioOrder(scenario, index);
    const orderId = order.orderId as string;
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(scenario.settings ?? {})) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    try {
      await inventory(t).set(scenario.stock);
      await place(scenario, order);
      await settleSaga(t, orderId);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const exp = scenario.expect;
    const status = t.platform.engine.getStatus(orderId)!;
    const result = status.output as SagaResult;

    if (exp.outcome === 'NeedsAttention') {
      expect(status.runtimeStatus).toBe('Running');
      expect(status.customStatus).toMatchObject({
        phase: 'parked',
        outcome: 'NeedsAttention',
        failedStep: exp.failedStep,
      });
      expect(JSON.stringify(status.customStatus)).toContain(exp.reason!);
      expect((status.customStatus as { trace?: string[] }).trace).toEqual(exp.trace);
    } else {
      expect(status.runtimeStatus).toBe('Completed');
      expect(result.outcome).toBe(exp.outcome);
      expect(result.trace).toEqual(exp.trace);
      expect(result.failedStep).toBe(exp.failedStep);
      if (exp.reason) expect(result.reason).toContain(exp.reason);
      expect(result.warnings.map((w) => w.step)).toEqual(exp.warnings);
    }

    // Payment side effects, from the gateway's own ledger.
    const ledger = t.platform.clouds.paymentGateway.ledger();
    const charges = ledger.charges.filter((c) => c.orderId === orderId);
    const refunds = ledger.refunds.filter((r) => charges.some((c) => c.id === r.charge));
    expect(charges).toHaveLength(exp.charges);
    expect(refunds).toHaveLength(exp.refunds);
    const kept = charges.filter((c) => c.status !== 'failed').reduce((s, c) => s + c.amount - c.amountRefunded, 0);
    expect(kept).toBe(exp.keptMinor);

    // Stock and holds.
    for (const [sku, available] of Object.entries(exp.stock)) {
      const item = await inventory(t).get(sku);
      expect(item?.available, `${sku} available`).toBe(available);
      const held = exp.outcome === 'Completed';
      expect(item?.holds[orderId] !== undefined, `${sku} held by ${orderId}`).toBe(held);
    }

    // Notifications: e-mails accepted by the service, and the outbox row.
    const emails = t.platform.clouds.email.sent().filter((e) => e.subject.includes(orderId));
    expect(emails).toHaveLength(exp.emails);
    if (exp.trace.includes('sendNotification')) {
      const outbox = await readDoc<{ status: string; attempts: number; lastError?: string }>(
        t,
        'outbox',
        `${orderId}:orderConfirmed`,
        orderId,
      );
      expect(outbox?.status).toBe(exp.emails ? 'sent' : 'pending');
      if (!exp.emails) expect(outbox?.lastError).toMatch(/503/);
    }

    // Analytics row and the published outcome event.
    const fact = await readDoc<{ outcome: string }>(t, 'analytics', orderId, orderId);
    expect(fact?.outcome ?? null).toBe(exp.analytics);
    const events = (await outcomeEvents(t)).filter((e) => e.subject === orderId);
    expect(events.map((e) => e.type)).toEqual(exp.event ? [exp.event] : []);
  });
});
