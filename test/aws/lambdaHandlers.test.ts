// The activity Lambda handlers: the state machine's payload (Durable's lists; maps by step from state machines
// generated before them) becomes the activity's StepInput,
// malformed payloads fail with the non-retriable ValidationError, and activity errors keep their names. The six
// handler modules run the real activities; reserve/release go to a local Cosmos DB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaActivity } from '../../activities/sagaActivity';
import type { ActivityPayload } from '../../aws-stepfunctions/handlers/activityPayload';
import { lambdaActivity } from '../../aws-stepfunctions/handlers/lambdaActivity';
import { orderSaga } from '../../saga/definition/orderSaga';
import type { Order } from '../../saga/domain/order';
import type { StepInput, StepResult } from '../../saga/domain/saga';
import { ValidationError } from '../../saga/domain/validation';
import { setEnv } from '../fixtures/env';
import { LocalAws, startLocalAws } from './localAws';

const order = (orderId = 'ord-aws-la-1'): Order => ({
  orderId,
  customer: { id: 'cust-1', email: 'cust-1@example.com' },
  lines: [
    { sku: 'SKU-TEA', qty: 2, unitPrice: 7.5 },
    { sku: 'SKU-MUG', qty: 1, unitPrice: 11 },
  ],
  currency: 'EUR',
  total: 26,
  paymentMethod: 'pm_card_visa',
});

const payload = (overrides: Partial<ActivityPayload> = {}): ActivityPayload => ({
  activity: 'fakeActivity',
  order: order(),
  results: {},
  warnings: [],
  outcome: null,
  ...overrides,
});

/** A fake SagaActivity: records the StepInput it was given and answers `answer`. */
function fakeActivity(answer: (input: StepInput) => Promise<StepResult> = async () => ({ ok: true, data: 'done' })) {
  const inputs: StepInput[] = [];
  const activity: SagaActivity = {
    name: 'fakeActivity',
    run: (input) => {
      inputs.push(input);
      return answer(input);
    },
  };
  return { activity, inputs, handler: lambdaActivity(activity) };
}

async function validationError(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ValidationError);
  return e as ValidationError;
}

describe('lambdaActivity with a fake SagaActivity', () => {
  it('passes order and results through, warnings as [{step, reason}] in order, and no outcome for null', async () => {
    const fake = fakeActivity();
    const results = { reserveInventory: { orderId: 'ord-aws-la-1' }, chargePayment: { chargeId: 'ch_1' } };
    const warnings = [
      { step: 'sendNotification', reason: 'mail down' },
      { step: 'syncAnalytics', reason: 'bus down' },
    ];
    const result = await fake.handler(payload({ results, warnings }));
    expect(result).toEqual({ ok: true, data: 'done' });
    // An execution started on a state machine from before the lists sends them keyed by step, in order.
    await fake.handler(payload({ results, warnings: { sendNotification: 'mail down', syncAnalytics: 'bus down' } }));
    expect(fake.inputs).toEqual([
      { order: order(), results, warnings },
      { order: order(), results, warnings },
    ]);
    expect('outcome' in fake.inputs[0]).toBe(false);
  });

  it("passes the outcome with every compensation round as CompensationRecords (an older machine's map: step = key, in key order)", async () => {
    const fake = fakeActivity();
    const failed = { activity: 'refundPayment', status: 'failed', reason: 'refundPayment failed: Error' } as const;
    const released = { activity: 'releaseInventory', status: 'done' } as const;
    const outcome = {
      outcome: 'NeedsAttention',
      failedStep: 'chargePayment',
      reason: 'PaymentConfirmed not received within 15m',
    } as const;
    const rounds = [
      { step: 'chargePayment', ...failed },
      { step: 'reserveInventory', ...released },
      { step: 'chargePayment', ...failed },
    ];
    await fake.handler(payload({ outcome: { ...outcome, compensations: rounds } }));
    await fake.handler(
      payload({ outcome: { ...outcome, compensations: { chargePayment: failed, reserveInventory: released } } }),
    );
    expect(fake.inputs.map((i) => i.outcome)).toEqual([
      { ...outcome, compensations: rounds },
      { ...outcome, compensations: rounds.slice(0, 2) },
    ]);
  });

  it('passes no compensations when the state machine sends none (a compensation is not told of the others)', async () => {
    const fake = fakeActivity();
    const outcome = { outcome: 'Compensated', failedStep: 'chargePayment', reason: 'card declined' } as const;
    await fake.handler(payload({ outcome }));
    expect(fake.inputs[0].outcome).toEqual(outcome);
  });

  it('drops optional texts the state machine sent as null', async () => {
    const fake = fakeActivity();
    const outcome = {
      outcome: 'Completed',
      failedStep: null,
      reason: null,
      compensations: [{ step: 'chargePayment', activity: 'refundPayment', status: 'done', reason: null }],
    };
    await fake.handler(payload({ outcome } as unknown as Partial<ActivityPayload>));
    expect(fake.inputs[0].outcome).toEqual({
      outcome: 'Completed',
      compensations: [{ step: 'chargePayment', activity: 'refundPayment', status: 'done' }],
    });
  });

  it('returns a business refusal as the StepResult it is', async () => {
    const fake = fakeActivity(async () => ({ ok: false, code: 'OutOfStock', reason: 'SKU-TEA: fewer than 2' }));
    expect(await fake.handler(payload())).toEqual({ ok: false, code: 'OutOfStock', reason: 'SKU-TEA: fewer than 2' });
  });

  it("lets the activity's exception through unchanged, name included (the Lambda errorType)", async () => {
    class GatewayDown extends Error {
      override name = 'PaymentGatewayUnavailableError';
    }
    const thrown = new GatewayDown('Payment gateway POST /charges: 503');
    const fake = fakeActivity(async () => {
      throw thrown;
    });
    await expect(fake.handler(payload())).rejects.toBe(thrown);
  });

  it('refuses a payload meant for another activity with ValidationError naming `activity`', async () => {
    const fake = fakeActivity();
    const e = await validationError(fake.handler(payload({ activity: 'chargePayment' })));
    expect(e.name).toBe('ValidationError');
    expect(orderSaga.nonRetriableErrors).toContain(e.name);
    expect(e.issues).toEqual([{ path: 'activity', message: expect.stringMatching(/^must be "fakeActivity"/) }]);
    expect(e.message).toMatch(/^Invalid fakeActivity Lambda payload: activity must be "fakeActivity"/);
    expect(fake.inputs).toEqual([]);
  });

  it('names every malformed field of the payload in one ValidationError', async () => {
    const fake = fakeActivity();
    const bad = {
      activity: 'fakeActivity',
      order: { ...order(), customer: { id: 'cust-1', email: 'not an address' } },
      warnings: [{ step: 'sendNotification', reason: 42 }],
      outcome: {
        outcome: 'Finished',
        compensations: [{ step: 'chargePayment', activity: 'refundPayment', status: 'maybe' }],
      },
    };
    const e = await validationError(fake.handler(bad as unknown as ActivityPayload));
    expect(e.issues.map((i) => i.path)).toEqual([
      'order.customer.email',
      'results',
      'warnings[0].reason',
      'outcome.outcome',
      'outcome.compensations[0].status',
    ]);
    expect(e.issues.find((i) => i.path === 'results')?.message).toBe('is required (record)');
    expect(fake.inputs).toEqual([]);
  });

  it('refuses a payload that is not an object', async () => {
    const e = await validationError(
      fakeActivity().handler('{"activity":"fakeActivity"}' as unknown as ActivityPayload),
    );
    expect(e.issues).toEqual([{ path: '', message: 'must be object (got string)' }]);
  });
});

describe('the activity handler modules (aws-stepfunctions/handlers/<activity>.handler)', () => {
  let aws: LocalAws;
  const handlers = new Map<string, (event: ActivityPayload) => Promise<StepResult>>();

  beforeAll(async () => {
    aws = await startLocalAws();
    // Imported after the settings are in place, as the Lambda runtime loads a module in a configured environment.
    const modules = {
      reserveInventory: await import('../../aws-stepfunctions/handlers/reserveInventory'),
      chargePayment: await import('../../aws-stepfunctions/handlers/chargePayment'),
      sendNotification: await import('../../aws-stepfunctions/handlers/sendNotification'),
      syncAnalytics: await import('../../aws-stepfunctions/handlers/syncAnalytics'),
      releaseInventory: await import('../../aws-stepfunctions/handlers/releaseInventory'),
      finalizeInventory: await import('../../aws-stepfunctions/handlers/finalizeInventory'),
      refundPayment: await import('../../aws-stepfunctions/handlers/refundPayment'),
    };
    for (const [name, module] of Object.entries(modules)) handlers.set(name, module.handler);
  });

  afterAll(async () => {
    await aws?.stop();
  });

  it('covers every activity and compensation of the saga definition, each wired to its own activity', async () => {
    const named = orderSaga.steps.flatMap((s) => [s.activity, ...(s.compensation ? [s.compensation] : [])]);
    expect([...handlers.keys()].sort()).toEqual([...new Set(named)].sort());
    for (const [name, handler] of handlers) {
      const e = await validationError(handler(payload({ activity: 'someOtherActivity' })));
      expect(e.issues).toEqual([{ path: 'activity', message: expect.stringContaining(`must be "${name}"`) }]);
    }
  });

  it('reserveInventory and releaseInventory hold and give back stock in Cosmos DB, once', async () => {
    const stock = aws.cosmos.client.database('orders').container('inventory');
    const counters = async (sku: string) => {
      const item = (await stock.item(sku, sku).read<{ available: number; reserved: number; sold: number }>()).resource!;
      return { available: item.available, reserved: item.reserved, sold: item.sold };
    };
    const before = { tea: await counters('SKU-TEA'), mug: await counters('SKU-MUG') };

    const reserved = await handlers.get('reserveInventory')!(payload({ activity: 'reserveInventory' }));
    expect(reserved).toEqual({
      ok: true,
      data: {
        key: 'ord-aws-la-1',
        lines: [
          { sku: 'SKU-TEA', qty: 2 },
          { sku: 'SKU-MUG', qty: 1 },
        ],
      },
    });
    expect(await counters('SKU-TEA')).toEqual({
      ...before.tea,
      available: before.tea.available - 2,
      reserved: before.tea.reserved + 2,
    });

    const release = () =>
      handlers.get('releaseInventory')!(
        payload({
          activity: 'releaseInventory',
          results: { reserveInventory: (reserved as { data: unknown }).data },
          outcome: { outcome: 'Compensated', failedStep: 'chargePayment', reason: 'card declined' },
        }),
      );
    expect(await release()).toEqual({
      ok: true,
      data: {
        released: [
          { sku: 'SKU-TEA', qty: 2 },
          { sku: 'SKU-MUG', qty: 1 },
        ],
      },
    });
    expect({ tea: await counters('SKU-TEA'), mug: await counters('SKU-MUG') }).toEqual(before);

    // Released is final: a repeat gives back nothing, a late duplicate of the reserve holds nothing, and the
    // released stock cannot be sold.
    expect(await release()).toEqual({ ok: true, data: { released: [] } });
    expect(await handlers.get('reserveInventory')!(payload({ activity: 'reserveInventory' }))).toMatchObject({
      ok: false,
      code: 'ReservationReleased',
    });
    expect(await handlers.get('finalizeInventory')!(payload({ activity: 'finalizeInventory' }))).toEqual({
      ok: true,
      data: { sold: [] },
    });
    expect({ tea: await counters('SKU-TEA'), mug: await counters('SKU-MUG') }).toEqual(before);
  });

  it('surfaces a missing setting as ConfigurationError (non-retriable), not as a transient failure', async () => {
    const restore = setEnv({ PAYMENT_GATEWAY_URL: undefined });
    try {
      const e = await handlers.get('chargePayment')!(payload({ activity: 'chargePayment' })).catch((x: Error) => x);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('ConfigurationError');
      expect(orderSaga.nonRetriableErrors).toContain((e as Error).name);
      expect((e as Error).message).toMatch(/PAYMENT_GATEWAY_URL/);
    } finally {
      restore();
    }
  });
});
