import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaStatus } from '../../saga/domain/saga';
import { forgeOnDurable, forgeOnStepFunctions } from '../fixtures/forgedConfirmation';
import { inventory, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';
import { orderSagaExecutions } from '../fixtures/orderSagaExecutions';

/**
 * A forged confirmation buys no time: raised ten minutes into the fifteen-minute wait, it is ignored and the wait
 * still ends fifteen minutes after it began, on both engines (Step Functions waits again for the seconds left).
 * Order ids `ord-sec-f*`, SKUs `SKU-SF*`.
 */

let t: TestPlatform;
let executions: ReturnType<typeof orderSagaExecutions>;

beforeAll(async () => {
  t = await startOrderApp();
  executions = orderSagaExecutions(t);
}, 60_000);
afterAll(async () => {
  executions?.sfn.destroy();
  await t?.stop();
});

const pendingOrder = (orderId: string, skus: [string, string]) =>
  intakeOrder(orderId, skus, { paymentMethod: 'pm_card_no_confirm' });

describe('a forged confirmation ten minutes into the wait', () => {
  it('Durable: the wait still times out fifteen minutes after it began', async () => {
    const orderId = 'ord-sec-f1';
    await inventory(t).set({ 'SKU-SF1A': 10, 'SKU-SF1B': 5 });
    expect((await postOrder(t, pendingOrder(orderId, ['SKU-SF1A', 'SKU-SF1B']))).status).toBe(202);
    await t.platform.whenIdle();
    await t.advanceTime('10m');
    await forgeOnDurable(t, orderId);
    const custom = () => t.platform.engine.getStatus(orderId)!.customStatus as SagaStatus;
    expect(custom()).toMatchObject({ phase: 'awaiting', ignoredEvents: [{ event: 'PaymentConfirmed' }] });
    await t.advanceTime('4m50s');
    expect(custom().phase, 'still waiting just before the deadline').toBe('awaiting');
    await t.advanceTime('20s');
    expect(custom().phase, 'no longer waiting just after it').not.toBe('awaiting');
    expect(custom()).toMatchObject({ reason: 'PaymentConfirmed not received within 15m' });
  });

  it('Step Functions: the second wait gets only the seconds left, and times out at the same moment', async () => {
    const orderId = 'ord-sec-f2';
    await inventory(t).set({ 'SKU-SF2A': 10, 'SKU-SF2B': 5 });
    const order = pendingOrder(orderId, ['SKU-SF2A', 'SKU-SF2B']);
    const { executionArn } = await executions.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: executions.stateMachineArn,
        name: orderId,
        input: JSON.stringify(order),
      }),
    );
    await t.platform.whenIdle();
    await t.advanceTime('10m');
    await forgeOnStepFunctions(t, orderId);
    const awaits = (states: string[]) => states.filter((s) => s === 'chargePayment.Await').length;
    let states = await executions.statesEntered(executionArn!);
    expect(states).toContain('chargePayment.Unverified');
    expect(awaits(states), 'waiting again').toBe(2);
    await t.advanceTime('4m50s');
    states = await executions.statesEntered(executionArn!);
    expect(states, 'still waiting just before the deadline').not.toContain('chargePayment.AwaitTimedOut');
    await t.advanceTime('20s');
    states = await executions.statesEntered(executionArn!);
    expect(states, 'timed out just after it').toContain('chargePayment.AwaitTimedOut');
  });
});
