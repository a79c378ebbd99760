import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { contractSchemas } from '../../saga/contracts/jsonSchemas';
import { orderSaga } from '../../saga/definition/orderSaga';
import { activityPayloadSchema, toStepInput } from '../../aws-stepfunctions/handlers/activityPayload';
import { createEvent, parseIntegrationEvent } from '../../saga/domain/events';
import { activityIdempotencyKey, STEP_FUNCTIONS_KEY_SCOPE } from '../../saga/domain/idempotency';
import { OrderSchema } from '../../saga/domain/order';
import { parseOrThrow, ValidationError } from '../../saga/domain/validation';

const root = path.resolve(__dirname, '../..');

const validOrder = {
  orderId: 'ord-100',
  customer: { id: 'c-1', email: 'ada@example.com' },
  lines: [
    { sku: 'SKU-TEA', qty: 2, unitPrice: 7.5 },
    { sku: 'SKU-MUG', qty: 1, unitPrice: 11 },
  ],
  currency: 'EUR',
  total: 26,
  paymentMethod: 'pm_card_visa',
};

function issuesOf(value: unknown): { path: string; message: string }[] {
  try {
    parseOrThrow(OrderSchema, value, 'order');
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  return [];
}

describe('order validation', () => {
  it('accepts a well-formed order', () => {
    expect(issuesOf(validOrder)).toEqual([]);
  });

  it.each([
    ['lines[0].qty', { lines: [{ sku: 'SKU-TEA', qty: 0, unitPrice: 7.5 }], total: 0 }, /at least 1/],
    ['customer.email', { customer: { id: 'c-1', email: 'not-an-email' } }, /e-mail/],
    ['total', { total: 25.99 }, /sum of qty × unitPrice.*26\.00/],
    ['currency', { currency: 'eur' }, /ISO 4217/],
    ['paymentMethod', { paymentMethod: '4111111111111111' }, /payment method token/],
    ['orderId', { orderId: 'has space' }, /letters, digits/],
    ['lines[1].sku', { lines: [validOrder.lines[0], { ...validOrder.lines[0] }], total: 30 }, /repeats SKU-TEA/],
    ['lines[0].unitPrice', { lines: [{ sku: 'SKU-TEA', qty: 1, unitPrice: 1.234 }], total: 1.234 }, /2 decimal/],
  ])('names %s and the rule', (field, change, rule) => {
    const issues = issuesOf({ ...validOrder, ...change });
    const issue = issues.find((i) => i.path === field);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(rule);
  });

  it('reports missing and unknown fields, all at once', () => {
    const rest: Partial<typeof validOrder> = { ...validOrder };
    delete rest.customer;
    const issues = issuesOf({ ...rest, coupon: 'X' });
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['customer', '']));
    expect(issues.find((i) => i.path === 'customer')!.message).toMatch(/required/);
    expect(issues.find((i) => i.path === '')!.message).toMatch(/unknown field.*"coupon"/);
  });
});

describe('integration events', () => {
  const event = createEvent('OrderPlaced', validOrder, {
    id: 'evt-1',
    time: '2026-01-01T00:00:00.000Z',
    subject: 'ord-100',
  });

  it('round-trips a CloudEvent through validation', () => {
    expect(event).toMatchObject({ specversion: '1.0', type: 'OrderPlaced', source: '/contoso/orders' });
    expect(parseIntegrationEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('names the envelope or data field that is wrong', () => {
    expect(() => parseIntegrationEvent({ ...event, id: '' })).toThrow(/OrderPlaced event: id must not be empty/);
    expect(() => parseIntegrationEvent({ ...event, type: 'OrderShipped' })).toThrow(/type must be one of OrderPlaced/);
    expect(() => parseIntegrationEvent({ ...event, data: { ...validOrder, total: -1 } })).toThrow(/data\.total/);
    expect(() => parseIntegrationEvent(event, 'PaymentConfirmed')).toThrow(/type must be "PaymentConfirmed"/);
    expect(() => parseIntegrationEvent([event])).toThrow(/must be a JSON object/);
  });
});

describe('published JSON Schema contracts', () => {
  const generated = contractSchemas();

  it('saga/contracts holds exactly what the zod schemas generate (run `npm run contracts` after a change)', () => {
    const dir = path.join(root, 'saga/contracts');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(generated).sort());
    for (const file of files)
      expect(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), file).toEqual(generated[file]);
  });

  it('accept what the code accepts and reject what it rejects, under a standard validator', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const order = ajv.compile(generated['Order.schema.json'] as object);
    expect(order(validOrder)).toBe(true);
    expect(order({ ...validOrder, lines: [] })).toBe(false);
    const placed = ajv.compile(generated['OrderPlaced.cloudevent.schema.json'] as object);
    const event = createEvent('OrderPlaced', validOrder, { id: 'evt-1', time: '2026-01-01T00:00:00.000Z' });
    expect(placed(event), JSON.stringify(placed.errors)).toBe(true);
    expect(placed({ ...event, specversion: '0.3' })).toBe(false);
    expect(placed({ ...event, bridgeorigin: 'gcp' })).toBe(false);
  });
});

describe('the saga definition', () => {
  it('names activities and compensations the app registers', () => {
    const names = orderSaga.steps.flatMap((s) => [s.activity, ...(s.compensation ? [s.compensation] : [])]);
    for (const name of names) {
      const file = path.join(root, 'activities', `${name}.ts`);
      expect(fs.readFileSync(file, 'utf8'), file).toContain(`sagaActivity('${name}'`);
    }
  });

  it('puts the steps in the product order, with sane retries and deadlines', () => {
    expect(orderSaga.steps.map((s) => s.name)).toEqual([
      'reserveInventory',
      'chargePayment',
      'finalizeInventory',
      'sendNotification',
      'syncAnalytics',
    ]);
    expect(orderSaga.steps.filter((s) => s.critical).map((s) => s.name)).toEqual(['reserveInventory', 'chargePayment']);
    for (const s of [...orderSaga.steps.map((x) => x.retry), orderSaga.compensationRetry]) {
      expect(s.maxAttempts).toBeGreaterThanOrEqual(1);
      expect(s.backoffCoefficient).toBeGreaterThanOrEqual(1);
      expect(s.maxRetryIntervalMs).toBeGreaterThanOrEqual(s.firstRetryIntervalMs);
    }
    for (const s of orderSaga.steps) expect(s.attemptTimeoutMs).toBeGreaterThan(0);
  });
});

describe('idempotency keys per engine', () => {
  const payload = (extra: Record<string, unknown>) =>
    parseOrThrow(
      activityPayloadSchema('chargePayment'),
      {
        activity: 'chargePayment',
        order: validOrder,
        run: 'ord-100.r2',
        results: {},
        warnings: {},
        outcome: null,
        ...extra,
      },
      'payload',
    );

  it("scopes Step Functions money and stock keys by the engine, and keeps an older execution's unscoped keys", () => {
    const scoped = toStepInput(payload({ keyScope: STEP_FUNCTIONS_KEY_SCOPE }));
    expect(activityIdempotencyKey('chargePayment', scoped)).toBe('sfn:ord-100.r2:chargePayment');
    expect(activityIdempotencyKey('reserveInventory', scoped)).toBe('sfn:ord-100.r2');
    // Outcome events and the confirmation e-mail are per run name and per order, whichever engine ran it.
    expect(activityIdempotencyKey('syncAnalytics', scoped)).toBe('ord-100.r2:OrderCompleted');
    expect(activityIdempotencyKey('sendNotification', scoped)).toBe('ord-100:orderConfirmed');
    // An execution started on a state machine from before the scope: the keys it started with.
    const older = toStepInput(payload({}));
    expect(activityIdempotencyKey('chargePayment', older)).toBe('ord-100.r2:chargePayment');
    expect(activityIdempotencyKey('releaseInventory', older)).toBe('ord-100.r2');
  });

  it('has the generated state machine send the scope to every activity it invokes', () => {
    const asl = JSON.parse(fs.readFileSync(path.join(root, 'aws-stepfunctions/orderSaga.asl.json'), 'utf8')) as {
      States: Record<string, { Parameters?: { Payload?: { activity?: string; keyScope?: string } } }>;
    };
    const payloads = Object.values(asl.States)
      .map((s) => s.Parameters?.Payload)
      .filter((p) => typeof p?.activity === 'string');
    expect(payloads.length).toBeGreaterThan(5);
    for (const p of payloads) expect(p!.keyScope, p!.activity).toBe(STEP_FUNCTIONS_KEY_SCOPE);
  });
});
