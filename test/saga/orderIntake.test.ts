import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '@cross-cloud-sagas/local-platform';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaResult, SagaStatus } from '../../saga/domain/saga';
import { inventory, readDoc, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { getOrder, intakeOrder, postOrder, postWebhook, signNow, webhookBody } from '../fixtures/orderHttp';
import { orderPlacedMessage, outcomeEvents, sendToTopic } from '../fixtures/orderMessages';

/**
 * How orders get in and how the outside world talks to a running saga: POST/GET /api/orders, the OrderPlaced
 * subscription (invalid and poison messages), the payment webhook, and the operator's decision on a parked saga.
 * Order ids `ord-in-*` and SKUs `SKU-IN*` belong to this file.
 */

let t: TestPlatform;

beforeAll(async () => {
  t = await startOrderApp();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const SUBSCRIPTION = 'orders/Subscriptions/order-saga';
const SUBSCRIPTION_DLQ = `${SUBSCRIPTION}/$DeadLetterQueue`;
const INVALID_QUEUE = 'orders-invalid';

interface OrderRecordDoc {
  orderId: string;
  order: Record<string, unknown>;
  via: string;
  receivedAt: string;
}

interface OrderView {
  orderId: string;
  order?: Record<string, unknown>;
  via?: string;
  receivedAt?: string;
  saga: {
    runtimeStatus: string;
    customStatus: SagaStatus | null;
    output: SagaResult | null;
  } | null;
}

const sagaStatus = (orderId: string) => t.platform.engine.getStatus(orderId);
const sagaOutput = (orderId: string) => sagaStatus(orderId)?.output as SagaResult;
const chargesFor = (orderId: string) =>
  t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === orderId);
const orderRecord = (orderId: string) => readDoc<OrderRecordDoc>(t, 'orders', orderId, orderId);
const analyticsRow = (orderId: string) => readDoc<{ outcome: string }>(t, 'analytics', orderId, orderId);

/** No saga, no order record, no charge: the intake refused before doing anything. */
async function expectNothingStarted(orderId: string): Promise<void> {
  await t.platform.whenIdle();
  expect(sagaStatus(orderId), `saga ${orderId}`).toBeUndefined();
  expect(await orderRecord(orderId), `order record ${orderId}`).toBeUndefined();
  expect(chargesFor(orderId), `charges of ${orderId}`).toEqual([]);
}

/** Places an order by HTTP and lets the saga run as far as it goes without the clock moving. */
async function placeAndRun(order: Record<string, unknown>): Promise<void> {
  const res = await postOrder(t, order);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await t.platform.whenIdle();
}

/** Everything now in the invalid-messages queue (received and deleted). */
function drainInvalid(): ReceivedMessage[] {
  const all: ReceivedMessage[] = [];
  for (;;) {
    const batch = t.platform.serviceBus.receive(INVALID_QUEUE, { mode: 'receiveAndDelete', maxMessages: 10 });
    if (!batch.length) return all;
    all.push(...batch);
  }
}

/**
 * Sends `message` to the orders topic, waits until the trigger has dealt with it, and returns what reached the
 * invalid-messages queue under its id, after checking the subscription kept nothing and dead-lettered nothing.
 */
async function sendAndCollectInvalid(message: Parameters<typeof sendToTopic>[1][number]): Promise<ReceivedMessage[]> {
  const dlqBefore = t.platform.serviceBus.counts(SUBSCRIPTION_DLQ).active;
  drainInvalid();
  await sendToTopic(t, [message]);
  await t.platform.whenIdle();
  const counts = t.platform.serviceBus.counts(SUBSCRIPTION);
  expect(counts, 'the subscription holds nothing: the message was completed').toMatchObject({
    active: 0,
    locked: 0,
    deferred: 0,
  });
  expect(t.platform.serviceBus.counts(SUBSCRIPTION_DLQ).active, 'dead-lettered').toBe(dlqBefore);
  expect(t.platform.serviceBus.peek(SUBSCRIPTION_DLQ).map((m) => m.messageId)).not.toContain(message.messageId);
  return drainInvalid().filter((m) => m.messageId === message.messageId);
}

describe('POST /api/orders: refusing what is not an order', () => {
  it('answers 400 InvalidJson for a body that is not JSON, and starts nothing', async () => {
    const res = await postOrder(t, '{"orderId": "ord-in-json", "lines": [');
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidJson');
    expect(res.body.error?.message).toMatch(/not valid JSON/);
    await expectNothingStarted('ord-in-json');
  });

  const valid = (orderId: string) => intakeOrder(orderId, ['SKU-IN1A', 'SKU-IN1B']);
  const cases: { name: string; order: Record<string, unknown>; path: string; rule: RegExp }[] = [
    {
      name: 'a line with quantity 0',
      order: { ...valid('ord-in-bad-qty'), lines: [{ sku: 'SKU-IN1A', qty: 0, unitPrice: 7.5 }] },
      path: 'lines[0].qty',
      rule: /must be at least 1/,
    },
    {
      name: 'a bad e-mail address',
      order: { ...valid('ord-in-bad-email'), customer: { id: 'c-1', email: 'not-an-email' } },
      path: 'customer.email',
      rule: /must be an e-mail address/,
    },
    {
      name: 'a total that does not match the lines',
      order: { ...valid('ord-in-bad-total'), total: 25.99 },
      path: 'total',
      rule: /must equal the sum of qty × unitPrice over the lines \(26\.00\)/,
    },
    {
      name: 'an unknown field',
      order: { ...valid('ord-in-bad-field'), coupon: 'FREE' },
      path: '',
      rule: /has unknown field\(s\) "coupon"/,
    },
    {
      name: 'an unknown field in the customer',
      order: { ...valid('ord-in-bad-cust'), customer: { id: 'c-1', email: 'a@example.com', vip: true } },
      path: 'customer',
      rule: /has unknown field\(s\) "vip"/,
    },
    {
      name: 'a missing payment method',
      order: { ...valid('ord-in-bad-pm'), paymentMethod: undefined },
      path: 'paymentMethod',
      rule: /is required/,
    },
    {
      name: 'the same SKU on two lines',
      order: {
        ...valid('ord-in-bad-dup'),
        lines: [
          { sku: 'SKU-IN1A', qty: 1, unitPrice: 13 },
          { sku: 'SKU-IN1A', qty: 1, unitPrice: 13 },
        ],
      },
      path: 'lines[1].sku',
      rule: /repeats SKU-IN1A/,
    },
  ];

  it.each(cases)('answers 400 InvalidOrder naming the field and rule for $name', async ({ order, path, rule }) => {
    const res = await postOrder(t, order);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidOrder');
    const issue = res.body.error?.issues?.find((i) => i.path === path);
    expect(issue, JSON.stringify(res.body.error?.issues)).toBeDefined();
    expect(issue!.message).toMatch(rule);
    expect(res.body.error?.message).toContain(`${path || '(root)'} ${issue!.message}`);
    await expectNothingStarted(order.orderId as string);
  });

  it('describes a quantity sent as a string as the wrong type, not as missing', async () => {
    const order = { ...valid('ord-in-bad-type'), lines: [{ sku: 'SKU-IN1A', qty: '2', unitPrice: 13 }] };
    const res = await postOrder(t, order);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidOrder');
    expect(res.body.error?.issues).toContainEqual({ path: 'lines[0].qty', message: 'must be number (got string)' });
  });

  it('lists every problem of an order at once', async () => {
    const order = {
      ...valid('ord-in-bad-all'),
      customer: { id: 'c-1', email: 'nope' },
      lines: [{ sku: 'SKU-IN1A', qty: 0, unitPrice: 7.5 }],
      total: 15,
      extra: 1,
    };
    const res = await postOrder(t, order);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidOrder');
    expect(res.body.error?.issues?.map((i) => i.path).sort()).toEqual(['', 'customer.email', 'lines[0].qty', 'total']);
    await expectNothingStarted('ord-in-bad-all');
  });
});

describe('POST /api/orders: accepting an order once', () => {
  const orderId = 'ord-in-2';
  const order = intakeOrder(orderId, ['SKU-IN2A', 'SKU-IN2B']);

  it("answers 202 with the order's own URI (body and Location) and nothing else to follow, and starts the saga", async () => {
    await inventory(t).set({ 'SKU-IN2A': 10, 'SKU-IN2B': 5 });
    const res = await postOrder<Record<string, string>>(t, order);
    expect(res.status).toBe(202);
    const orderUri = `${t.baseUrl}/api/orders/${orderId}`;
    expect(res.headers.get('location')).toBe(orderUri);
    expect(res.body).toEqual({ status: 'Accepted', orderId, orderUri });
    const followed = await fetch(orderUri);
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { orderId: string }).orderId).toBe(orderId);

    expect(sagaStatus(orderId)).toBeDefined();
    expect(await orderRecord(orderId)).toMatchObject({ orderId, via: 'http', order });
  });

  it('answers a repeat while the saga runs with duplicate: true (202) and starts no second saga', async () => {
    const created = sagaStatus(orderId)!.createdTime;
    const res = await postOrder<Record<string, unknown>>(t, order);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ duplicate: true, orderId });
    expect(res.headers.get('location')).toBe(`${t.baseUrl}/api/orders/${orderId}`);
    expect(sagaStatus(orderId)!.createdTime).toBe(created);
  });

  it('charges once, and a repeat after completion answers 200 duplicate with the final status', async () => {
    await settleSaga(t, orderId);
    expect(sagaOutput(orderId).outcome).toBe('Completed');
    const res = await postOrder<Record<string, unknown>>(t, { ...order });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ duplicate: true, status: 'Completed', orderId });
    await settleSaga(t, orderId);
    expect(chargesFor(orderId)).toHaveLength(1);
    expect((await inventory(t).get('SKU-IN2A'))?.available).toBe(8);
    expect((await inventory(t).get('SKU-IN2B'))?.available).toBe(4);
    expect(t.platform.clouds.email.sent().filter((e) => e.subject.includes(orderId))).toHaveLength(1);
  });

  it('answers 409 OrderIdInUse for a different order under the same id, and keeps the first order', async () => {
    const other = { ...order, lines: [{ sku: 'SKU-IN2A', qty: 1, unitPrice: 26 }] };
    const res = await postOrder(t, other);
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('OrderIdInUse');
    expect(res.body.error?.message).toMatch(/already used by a different order.*via http/);
    await t.platform.whenIdle();
    expect((await orderRecord(orderId))?.order).toEqual(order);
    expect(chargesFor(orderId)).toHaveLength(1);
    expect(sagaOutput(orderId).outcome).toBe('Completed');
  });
});

describe('GET /api/orders/{id}', () => {
  it('answers 404 OrderNotFound for an order never placed', async () => {
    const res = await getOrder(t, 'ord-in-never');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('OrderNotFound');
  });

  it.each(['bad%20id', 'a.b', '-starts-with-dash', 'x'.repeat(65)])('answers 400 InvalidOrderId for %s', async (id) => {
    const res = await getOrder(t, id);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidOrderId');
  });

  it('shows a completed saga: the order, how it came, runtime status and outcome', async () => {
    const orderId = 'ord-in-3';
    const order = intakeOrder(orderId, ['SKU-IN3A', 'SKU-IN3B']);
    await inventory(t).set({ 'SKU-IN3A': 10, 'SKU-IN3B': 5 });
    await placeAndRun(order);
    await settleSaga(t, orderId);
    const res = await getOrder<OrderView>(t, orderId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, order, via: 'http' });
    expect(typeof res.body.receivedAt).toBe('string');
    expect(res.body.saga?.runtimeStatus).toBe('Completed');
    expect(res.body.saga?.output?.outcome).toBe('Completed');
    expect(res.body.saga?.customStatus).toMatchObject({ phase: 'done', outcome: 'Completed' });
  });

  it('shows a saga waiting for the payment confirmation: phase awaiting at chargePayment', async () => {
    const orderId = 'ord-in-3w';
    await inventory(t).set({ 'SKU-IN3C': 10, 'SKU-IN3D': 5 });
    await placeAndRun(intakeOrder(orderId, ['SKU-IN3C', 'SKU-IN3D'], { paymentMethod: 'pm_card_no_confirm' }));
    const res = await getOrder<OrderView>(t, orderId);
    expect(res.status).toBe(200);
    expect(res.body.saga?.runtimeStatus).toBe('Running');
    expect(res.body.saga?.customStatus).toEqual({ orderId, phase: 'awaiting', step: 'chargePayment' });
    expect(res.body.saga?.output).toBeNull();
    expect(chargesFor(orderId).map((c) => c.status)).toEqual(['pending']);
  });
});

describe('OrderPlaced subscription: messages that can never succeed', () => {
  it('moves a body that is not JSON to orders-invalid as MalformedMessage, body and id kept', async () => {
    const body = 'OrderPlaced ord-in-4m, not JSON {';
    const [moved, ...more] = await sendAndCollectInvalid({
      body,
      contentType: 'text/plain',
      messageId: 'msg-in-malformed',
      applicationProperties: { type: 'OrderPlaced' },
    });
    expect(more).toEqual([]);
    expect(moved, 'in orders-invalid').toBeDefined();
    expect(moved.body.toString('utf8')).toBe(body);
    expect(moved.contentType).toBe('text/plain');
    expect(moved.applicationProperties.DeadLetterReason).toBe('MalformedMessage');
    expect(String(moved.applicationProperties.DeadLetterErrorDescription)).toMatch(/^The body is not JSON: /);
    expect(moved.applicationProperties.DeadLetterSource).toBe(SUBSCRIPTION);
    expect(t.logs.some((l) => l.includes('msg-in-malformed moved to orders-invalid: MalformedMessage'))).toBe(true);
  });

  it('keeps the exact bytes of a body that is not UTF-8 text', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x80]);
    drainInvalid();
    t.platform.serviceBus.send('orders', {
      body: bytes,
      messageId: 'msg-in-binary',
      applicationProperties: { type: 'OrderPlaced' },
    });
    await t.platform.whenIdle();
    const moved = drainInvalid().find((m) => m.messageId === 'msg-in-binary');
    expect(moved?.applicationProperties.DeadLetterReason).toBe('MalformedMessage');
    expect(moved!.body.equals(bytes), `body ${moved!.body.toString('hex')}`).toBe(true);
  });

  it('keeps the original application properties, so a fixed message can be resent to the topic', async () => {
    const order = intakeOrder('ord-in-4p', ['SKU-IN4A', 'SKU-IN4B'], { total: 1 });
    const message = orderPlacedMessage(order, 'msg-in-props');
    const [moved] = await sendAndCollectInvalid(message);
    expect(moved?.applicationProperties.DeadLetterReason).toBe('InvalidEvent');
    expect(moved.applicationProperties).toMatchObject(message.applicationProperties);
  });

  it('moves an OrderPlaced whose order is invalid there as InvalidEvent, naming the field', async () => {
    const order = intakeOrder('ord-in-4i', ['SKU-IN4A', 'SKU-IN4B'], {
      lines: [
        { sku: 'SKU-IN4A', qty: 0, unitPrice: 7.5 },
        { sku: 'SKU-IN4B', qty: 1, unitPrice: 11 },
      ],
    });
    const message = orderPlacedMessage(order, 'msg-in-invalid-order');
    const [moved] = await sendAndCollectInvalid(message);
    expect(moved, 'in orders-invalid').toBeDefined();
    expect(moved.body.toString('utf8')).toBe(message.body);
    expect(moved.applicationProperties.DeadLetterReason).toBe('InvalidEvent');
    expect(String(moved.applicationProperties.DeadLetterErrorDescription)).toContain(
      'data.lines[0].qty must be at least 1',
    );
    await expectNothingStarted('ord-in-4i');
  });

  it('moves a CloudEvent without id and source there as InvalidEvent', async () => {
    const order = intakeOrder('ord-in-4c', ['SKU-IN4A', 'SKU-IN4B']);
    const message = orderPlacedMessage(order, 'msg-in-no-id');
    const event = JSON.parse(message.body) as Record<string, unknown>;
    delete event.id;
    delete event.source;
    const [moved] = await sendAndCollectInvalid({ ...message, body: JSON.stringify(event) });
    expect(moved, 'in orders-invalid').toBeDefined();
    expect(moved.applicationProperties.DeadLetterReason).toBe('InvalidEvent');
    const description = String(moved.applicationProperties.DeadLetterErrorDescription);
    expect(description).toMatch(/\bid is required/);
    expect(description).toMatch(/\bsource is required/);
    await expectNothingStarted('ord-in-4c');
  });

  it('moves a message for an order id already used by a different order there as OrderIdConflict', async () => {
    const orderId = 'ord-in-4x';
    await inventory(t).set({ 'SKU-IN4C': 10, 'SKU-IN4D': 5 });
    const order = intakeOrder(orderId, ['SKU-IN4C', 'SKU-IN4D']);
    await placeAndRun(order);
    await settleSaga(t, orderId);
    const [moved] = await sendAndCollectInvalid(orderPlacedMessage({ ...order, paymentMethod: 'pm_card_other' }));
    expect(moved, 'in orders-invalid').toBeDefined();
    expect(moved.applicationProperties.DeadLetterReason).toBe('OrderIdConflict');
    expect(String(moved.applicationProperties.DeadLetterErrorDescription)).toContain(orderId);
    expect((await orderRecord(orderId))?.order).toEqual(order);
    expect(chargesFor(orderId)).toHaveLength(1);
  });

  it('runs a valid OrderPlaced for a SKU that does not exist into a Compensated saga (UnknownSku), not a dead letter', async () => {
    const orderId = 'ord-in-4s';
    await inventory(t).set({ 'SKU-IN4E': 10 });
    const message = orderPlacedMessage(intakeOrder(orderId, ['SKU-IN4E', 'SKU-IN4-NOWHERE']), 'msg-in-unknown-sku');
    const moved = await sendAndCollectInvalid(message);
    expect(moved).toEqual([]);
    await settleSaga(t, orderId);
    expect(sagaStatus(orderId)?.runtimeStatus).toBe('Completed');
    const out = sagaOutput(orderId);
    expect(out).toMatchObject({ outcome: 'Compensated', failedStep: 'reserveInventory' });
    expect(out.reason).toMatch(/^UnknownSku: SKU-IN4-NOWHERE is not in the inventory/);
    expect(out.trace).toEqual(['reserveInventory', 'syncAnalytics']);
    expect(await orderRecord(orderId)).toMatchObject({ via: 'servicebus:msg-in-unknown-sku' });
    // The line that could be held was given back; nothing was charged.
    expect(await inventory(t).get('SKU-IN4E')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect(chargesFor(orderId)).toEqual([]);
    expect((await analyticsRow(orderId))?.outcome).toBe('Compensated');
    expect((await outcomeEvents(t)).filter((e) => e.subject === orderId).map((e) => e.type)).toEqual([
      'OrderCompensated',
    ]);
  });
});

describe('OrderPlaced subscription: a poison message', () => {
  it('is delivered MaxDeliveryCount (10) times, then dead-lettered by Service Bus, starting nothing', async () => {
    const orderId = 'ord-in-5';
    await inventory(t).set({ 'SKU-IN5A': 10, 'SKU-IN5B': 5 });
    const message = orderPlacedMessage(intakeOrder(orderId, ['SKU-IN5A', 'SKU-IN5B']), 'msg-in-poison');
    await t.platform.whenIdle();
    const saved = process.env.COSMOS_DATABASE;
    const started = Date.now();
    // Saving the order record fails on every delivery: the trigger throws, the host abandons the message.
    process.env.COSMOS_DATABASE = 'no-such-database';
    try {
      await sendToTopic(t, [message]);
      await t.platform.whenIdle();
    } finally {
      if (saved === undefined) delete process.env.COSMOS_DATABASE;
      else process.env.COSMOS_DATABASE = saved;
    }
    const elapsedMs = Date.now() - started;
    expect(elapsedMs, 'ten failing deliveries should not take long').toBeLessThan(20_000);

    const failures = t.logs.filter((l) => l.includes("threw on message 'msg-in-poison'"));
    expect(failures.map((l) => /\(delivery (\d+) of 10\)/.exec(l)?.[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i + 1)),
    );
    expect(failures[9]).toMatch(/MaxDeliveryCount is reached/);
    expect(t.platform.serviceBus.counts(SUBSCRIPTION)).toMatchObject({ active: 0, locked: 0 });
    const dead = t.platform.serviceBus.peek(SUBSCRIPTION_DLQ).filter((m) => m.messageId === 'msg-in-poison');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ deadLetterReason: 'MaxDeliveryCountExceeded', deliveryCount: 10 });
    expect(dead[0].body.toString('utf8')).toBe(message.body);
    // Not set aside as invalid: the message itself was fine.
    expect(drainInvalid().map((m) => m.messageId)).not.toContain('msg-in-poison');
    await expectNothingStarted(orderId);
    expect(await inventory(t).get('SKU-IN5A')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    t.platform.serviceBus.receive(SUBSCRIPTION_DLQ, { mode: 'receiveAndDelete', maxMessages: 10 });
  });
});

describe('POST /api/payments/webhook', () => {
  const orderId = 'ord-in-6';
  const secret = () => t.platform.settings.PAYMENT_WEBHOOK_SECRET;
  const confirmation = (overrides: Record<string, unknown> = {}) => {
    const [charge] = chargesFor(orderId);
    return {
      chargeId: charge.id,
      orderId,
      amount: charge.amount,
      currency: charge.currency,
      status: 'succeeded',
      ...overrides,
    };
  };
  const expectStillAwaiting = async () => {
    await t.platform.whenIdle();
    expect(sagaStatus(orderId)?.runtimeStatus).toBe('Running');
    expect(sagaStatus(orderId)?.customStatus).toMatchObject({ phase: 'awaiting', step: 'chargePayment' });
  };

  beforeAll(async () => {
    expect(secret(), 'PAYMENT_WEBHOOK_SECRET').toBeTruthy();
    await inventory(t).set({ 'SKU-IN6A': 10, 'SKU-IN6B': 5 });
    await placeAndRun(intakeOrder(orderId, ['SKU-IN6A', 'SKU-IN6B'], { paymentMethod: 'pm_card_no_confirm' }));
    expect(chargesFor(orderId)).toHaveLength(1);
  });

  it('answers 401 InvalidSignature for a body signed with another secret; the saga keeps waiting', async () => {
    const body = webhookBody('charge.succeeded', confirmation());
    const res = await postWebhook(t, body, signNow('not-the-secret', body));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('InvalidSignature');
    expect(res.body.error?.message).toMatch(/does not match the body/);
    await expectStillAwaiting();
  });

  it('answers 401 for a body signed correctly but changed afterwards', async () => {
    const body = webhookBody('charge.succeeded', confirmation());
    const res = await postWebhook(t, body.replace('"succeeded"', '"failed"'), signNow(secret(), body));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('InvalidSignature');
    await expectStillAwaiting();
  });

  it('answers 401 without the signature header', async () => {
    const res = await postWebhook(t, webhookBody('charge.succeeded', confirmation()));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'InvalidSignature', message: expect.stringMatching(/missing/) });
    await expectStillAwaiting();
  });

  it('answers 401 for a stale timestamp (an hour old), a replay', async () => {
    const body = webhookBody('charge.succeeded', confirmation());
    const res = await postWebhook(t, body, signNow(secret(), body, -3600));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'InvalidSignature', message: expect.stringMatching(/tolerance/) });
    await expectStillAwaiting();
  });

  it('answers 404 OrderNotFound for a correctly signed event of an order without a saga', async () => {
    const body = webhookBody('charge.succeeded', confirmation({ orderId: 'ord-in-6-ghost' }));
    const res = await postWebhook(t, body, signNow(secret(), body));
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('OrderNotFound');
    expect(sagaStatus('ord-in-6-ghost')).toBeUndefined();
    await expectStillAwaiting();
  });

  it('answers 400 InvalidPaymentEvent naming the field for a correctly signed event with bad data', async () => {
    const body = webhookBody('charge.succeeded', confirmation({ amount: 'abc' }));
    const res = await postWebhook(t, body, signNow(secret(), body));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('InvalidPaymentEvent');
    expect(res.body.error?.issues?.map((i) => i.path)).toEqual(['amount']);
    expect(res.body.error?.message).toMatch(/^Invalid payment webhook data: amount /);
    await expectStillAwaiting();
  });

  it('describes a present but mistyped amount as the wrong type, not as missing', async () => {
    const body = webhookBody('charge.succeeded', confirmation({ amount: 'abc' }));
    const res = await postWebhook(t, body, signNow(secret(), body));
    expect(res.status).toBe(400);
    expect(res.body.error?.issues).toEqual([{ path: 'amount', message: 'must be number (got string)' }]);
  });

  it('answers 200 and ignores an event type it does not handle', async () => {
    const body = webhookBody('charge.refunded', confirmation());
    const res = await postWebhook<{ ignored: string }>(t, body, signNow(secret(), body));
    expect(res.status).toBe(200);
    expect(res.body.ignored).toMatch(/"charge\.refunded" is not handled/);
    await expectStillAwaiting();
  });

  it('ignores a confirmation of another charge: the saga keeps waiting for its own', async () => {
    const body = webhookBody('charge.succeeded', confirmation({ chargeId: 'ch_someone_else' }));
    const res = await postWebhook(t, body, signNow(secret(), body));
    expect(res.status).toBe(202);
    await expectStillAwaiting();
  });

  it('passes a correctly signed charge.succeeded on as PaymentConfirmed (202), which the saga verifies: a charge still pending at the gateway is not paid', async () => {
    const body = webhookBody('charge.succeeded', confirmation());
    const res = await postWebhook(t, body, signNow(secret(), body));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ orderId, event: 'PaymentConfirmed' });
    await expectStillAwaiting();
    expect(sagaStatus(orderId)?.customStatus).toMatchObject({
      ignoredEvents: [{ event: 'PaymentConfirmed', reason: expect.stringMatching(/is pending at the gateway/) }],
    });
    // Even a valid signature cannot make an unpaid order paid: at the deadline it is refunded and released.
    await settleSaga(t, orderId);
    const out = sagaOutput(orderId);
    expect(out.outcome).toBe('Compensated');
    expect(out.trace).toEqual([
      'reserveInventory',
      'chargePayment',
      'await:PaymentConfirmed',
      'verifyPayment',
      'await:PaymentConfirmed',
      'refundPayment',
      'releaseInventory',
      'syncAnalytics',
    ]);
    expect(t.platform.clouds.email.sent().filter((e) => e.subject.includes(orderId))).toEqual([]);
    expect(await inventory(t).get('SKU-IN6A')).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect((await analyticsRow(orderId))?.outcome).toBe('Compensated');
  });

  it('answers 200 and ignores a confirmation for a saga that has finished', async () => {
    const body = webhookBody('charge.succeeded', confirmation());
    const res = await postWebhook<{ ignored: string }>(t, body, signNow(secret(), body));
    expect(res.status).toBe(200);
    expect(res.body.ignored).toMatch(/is Completed/);
  });
});

describe('NeedsAttention: a parked saga and the operator', () => {
  const parkedTrace = [
    'reserveInventory',
    'chargePayment',
    'await:PaymentConfirmed',
    'refundPayment',
    'releaseInventory',
    'await:OperatorDecision',
  ];

  async function park(orderId: string, skus: [string, string]): Promise<void> {
    await inventory(t).set({ [skus[0]]: 10, [skus[1]]: 5 });
    await placeAndRun(intakeOrder(orderId, skus, { paymentMethod: 'pm_card_no_confirm_refund_fails' }));
    await settleSaga(t, orderId);
    const s = sagaStatus(orderId)!;
    expect(s.runtimeStatus).toBe('Running');
    const custom = s.customStatus as SagaStatus;
    expect(custom).toMatchObject({
      orderId,
      phase: 'parked',
      outcome: 'NeedsAttention',
      failedStep: 'chargePayment',
      reason: 'PaymentConfirmed not received within 15m',
    });
    expect(custom.failedCompensations).toEqual([
      expect.objectContaining({ step: 'chargePayment', activity: 'refundPayment', status: 'failed' }),
    ]);
    expect(custom.failedCompensations![0].reason).toBe('refundPayment failed: PaymentGatewayUnavailableError');
    expect(custom.failedCompensations![0].detail).toMatch(/refund_unavailable.*\(after 5 attempts\)/);
    // The stock was released; the money is still taken.
    expect(await inventory(t).get(skus[0])).toMatchObject({ available: 10, reserved: 0, sold: 0 });
    expect(chargesFor(orderId).map((c) => c.amount - c.amountRefunded)).toEqual([2600]);
    expect(await analyticsRow(orderId)).toBeUndefined();
  }

  it('ends Compensated when the operator marks it resolved, recording who and why, then syncs analytics', async () => {
    const orderId = 'ord-in-7';
    await park(orderId, ['SKU-IN7A', 'SKU-IN7B']);
    await t.client.raiseEvent(orderId, 'OperatorDecision', {
      action: 'markResolved',
      by: 'ops@contoso',
      note: 'refunded by hand',
    });
    await settleSaga(t, orderId);
    const s = sagaStatus(orderId)!;
    expect(s.runtimeStatus).toBe('Completed');
    const out = s.output as SagaResult;
    expect(out).toMatchObject({
      outcome: 'Compensated',
      failedStep: 'chargePayment',
      resolution: { action: 'markResolved', by: 'ops@contoso', note: 'refunded by hand' },
    });
    expect(out.trace).toEqual([...parkedTrace, 'syncAnalytics']);
    expect(s.customStatus).toMatchObject({ phase: 'done', outcome: 'Compensated' });
    expect((await analyticsRow(orderId))?.outcome).toBe('Compensated');
    const events = (await outcomeEvents(t)).filter((e) => e.subject === orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderCompensated']);
    expect(events[0].data).toMatchObject({
      orderId,
      failedStep: 'chargePayment',
      compensations: [
        { step: 'chargePayment', activity: 'refundPayment', status: 'failed' },
        { step: 'reserveInventory', activity: 'releaseInventory', status: 'done' },
      ],
    });
  });

  it('ends NeedsAttention when nobody decides within 7 days', async () => {
    const orderId = 'ord-in-7b';
    await park(orderId, ['SKU-IN7C', 'SKU-IN7D']);
    await t.advanceTime('8d');
    await settleSaga(t, orderId);
    const s = sagaStatus(orderId)!;
    expect(s.runtimeStatus).toBe('Completed');
    const out = s.output as SagaResult;
    expect(out.outcome).toBe('NeedsAttention');
    expect(out.resolution).toBeUndefined();
    expect(out.trace).toEqual([...parkedTrace, 'syncAnalytics']);
    expect((await analyticsRow(orderId))?.outcome).toBe('NeedsAttention');
    // No outcome event while money is still taken and nobody has decided.
    expect((await outcomeEvents(t)).filter((e) => e.subject === orderId)).toEqual([]);
  });
});
