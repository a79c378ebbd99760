/**
 * The OrderPlaced rule's target on AWS, run as the local Lambda runtime runs it (from the SAM template, with the
 * template's environment), starting executions on the local Step Functions endpoint.
 */
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { inventory, startOrderApp } from '../fixtures/orderApp';

let t: TestPlatform;
let sfn: SFNClient;

beforeAll(async () => {
  t = await startOrderApp();
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: `${t.baseUrl}/stepfunctions`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await inventory(t).set({ 'SKU-START-1': 10 });
}, 60_000);
afterAll(async () => {
  sfn?.destroy();
  await t?.stop();
});

const order = (orderId: string, qty = 1) => ({
  orderId,
  customer: { id: 'c-start', email: 'start@example.com' },
  lines: [{ sku: 'SKU-START-1', qty, unitPrice: 5 }],
  currency: 'EUR',
  total: 5 * qty,
  paymentMethod: 'pm_card_visa',
});

/** The EventBridge envelope around an OrderPlaced CloudEvent whose data is `data` (the bridge's mapping). */
const orderPlaced = (data: unknown, id = 'evt-1') => ({
  version: '0',
  id,
  'detail-type': 'OrderPlaced',
  source: '/contoso/storefront',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { specversion: '1.0', id: `ce-${id}`, source: '/contoso/storefront', type: 'OrderPlaced', data },
});

const invoke = (event: unknown) => t.platform.aws!.lambda.invoke('StartOrderSagaFunction', event);

describe('startOrderSaga (the OrderPlaced rule target)', () => {
  it('starts an execution named by the order id, and a redelivered event starts nothing more', async () => {
    const first = await invoke(orderPlaced(order('ord-start-1')));
    expect(first).toMatchObject({ ok: true, payload: { started: true } });
    const arn = (first as { payload: { executionArn: string } }).payload.executionArn;
    expect(arn).toBe('arn:aws:states:us-east-1:000000000000:execution:orderSaga:ord-start-1');

    const again = await invoke(orderPlaced(order('ord-start-1'), 'evt-2'));
    expect(again).toMatchObject({ ok: true, payload: { executionArn: arn } });

    await t.platform.whenIdle();
    await t.advanceTime('1m');
    await t.platform.whenIdle();
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ orderId: 'ord-start-1', outcome: 'Completed' });

    // After the execution closed, the same order again is a duplicate, not an error and not a second saga.
    const late = await invoke(orderPlaced(order('ord-start-1'), 'evt-3'));
    expect(late).toMatchObject({ ok: true, payload: { started: false, duplicate: true, status: 'SUCCEEDED' } });
    const charges = t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId === 'ord-start-1');
    expect(charges).toHaveLength(1);
  });

  it('refuses a different order under an id that already has a saga, naming both', async () => {
    expect(await invoke(orderPlaced(order('ord-start-2')))).toMatchObject({ ok: true });
    const conflict = await invoke(orderPlaced(order('ord-start-2', 3), 'evt-other'));
    expect(conflict).toMatchObject({ ok: false, errorType: 'OrderIdConflictError' });
    expect((conflict as { errorMessage: string }).errorMessage).toMatch(/ord-start-2 already has a saga/);
  });

  it('rejects an event whose detail is not an order with ValidationError listing the fields', async () => {
    const bad = await invoke(orderPlaced({ orderId: 'ord-start-3', lines: [] }));
    expect(bad).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect((bad as { errorMessage: string }).errorMessage).toMatch(/data\.customer/);
  });

  it('rejects a detail that is not a CloudEvent, saying so', async () => {
    const bare = await invoke({ ...orderPlaced(undefined), detail: order('ord-start-4') });
    expect(bare).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect((bare as { errorMessage: string }).errorMessage).toMatch(/type.*OrderPlaced/);
  });
});
