import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { raiseSagaEvent } from '../../aws-stepfunctions/sagaEvents';
import { operatorDecisionSchema } from '../../saga/domain/operatorDecision';
import type { SagaResult, SagaStatus } from '../../saga/domain/saga';
import { ValidationError } from '../../saga/domain/validation';
import { inventory, readDoc, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';
import { orderSagaExecutions } from '../fixtures/orderSagaExecutions';

/**
 * Threat model, operators: a parked saga acts only on a valid OperatorDecision. Anything else (an unknown action,
 * a resolution without who and why, a mis-cased action) is recorded where operators look and ignored, on both
 * engines, and the saga keeps waiting for a real decision. Order ids `ord-sec-d*`, SKUs `SKU-SD*`.
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

const INVALID_DECISIONS: unknown[] = [
  { action: 'nuke' },
  { action: 'markResolved' },
  { action: 'MarkResolved', by: 'ops@contoso', note: 'refunded by hand' },
  'markResolved',
];
const VALID = { action: 'markResolved', by: 'ops@contoso', note: 'refunded by hand' };

describe('operatorDecisionSchema', () => {
  it('takes the two decisions and refuses everything else, naming the rule', () => {
    expect(operatorDecisionSchema.safeParse({ action: 'retryCompensation' }).success).toBe(true);
    expect(operatorDecisionSchema.safeParse(VALID).success).toBe(true);
    for (const bad of [...INVALID_DECISIONS, { ...VALID, extra: 1 }, { ...VALID, by: '  ' }])
      expect(operatorDecisionSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

describe('a parked saga and invalid operator decisions', () => {
  it('Durable: records each invalid decision in custom status, stays parked, then acts on a valid one', async () => {
    const orderId = 'ord-sec-d1';
    await inventory(t).set({ 'SKU-SD1A': 10, 'SKU-SD1B': 5 });
    const placed = await postOrder(
      t,
      intakeOrder(orderId, ['SKU-SD1A', 'SKU-SD1B'], { paymentMethod: 'pm_card_no_confirm_refund_fails' }),
    );
    expect(placed.status).toBe(202);
    await settleSaga(t, orderId);
    for (const decision of INVALID_DECISIONS) await t.client.raiseEvent(orderId, 'OperatorDecision', decision);
    await t.platform.whenIdle();
    const parked = t.platform.engine.getStatus(orderId)!;
    expect(parked.runtimeStatus).toBe('Running');
    const custom = parked.customStatus as SagaStatus;
    expect(custom.phase).toBe('parked');
    expect(custom.rejectedDecisions?.map((r) => r.received)).toEqual(INVALID_DECISIONS.map((d) => JSON.stringify(d)));
    expect(custom.rejectedDecisions?.[1].reason).toMatch(/^Invalid OperatorDecision: by /);

    await t.client.raiseEvent(orderId, 'OperatorDecision', VALID);
    await settleSaga(t, orderId);
    const out = t.platform.engine.getStatus(orderId)!.output as SagaResult;
    expect(out).toMatchObject({ outcome: 'Compensated', resolution: VALID });
  });

  it('Step Functions: refuses an invalid decision where it is raised, and records one that reaches the state machine anyway', async () => {
    const orderId = 'ord-sec-d2';
    await inventory(t).set({ 'SKU-SD2A': 10, 'SKU-SD2B': 5 });
    const order = intakeOrder(orderId, ['SKU-SD2A', 'SKU-SD2B'], { paymentMethod: 'pm_card_no_confirm_refund_fails' });
    const { executionArn } = await executions.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: executions.stateMachineArn,
        name: orderId,
        input: JSON.stringify(order),
      }),
    );
    await untilParked(executionArn!);
    // Where operators raise it (raiseSagaEvent): refused, naming what is wrong; nothing reaches the execution.
    for (const decision of INVALID_DECISIONS)
      await expect(raiseSagaEvent(orderId, 'OperatorDecision', decision as Record<string, unknown>)).rejects.toThrow(
        ValidationError,
      );
    await expect(raiseSagaEvent(orderId, 'operatordecision', VALID)).rejects.toThrow(/case-sensitive/);
    // Past that check (SendTaskSuccess with the task token): recorded in the state and ignored.
    for (const decision of INVALID_DECISIONS) {
      const token = (await waitingToken(orderId))!;
      await executions.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(decision) }));
      await untilParked(executionArn!);
    }
    const events = await executions.history(executionArn!);
    const ignored = events
      .filter((e) => e.type === 'PassStateExited' && e.stateExitedEventDetails?.name === 'Park.Ignored')
      .map(
        (e) =>
          (JSON.parse(e.stateExitedEventDetails!.output!) as { ignoredDecision: { received: unknown } })
            .ignoredDecision,
      );
    expect(ignored.map((i) => i.received)).toEqual(INVALID_DECISIONS);
    expect((await executions.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await raiseSagaEvent(orderId, 'OperatorDecision', VALID);
    await t.platform.whenIdle();
    const done = await executions.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'Compensated' });
  });
});

/** The task token the execution's park wait filed (awaitEvent), as the callbacks container holds it. */
async function waitingToken(orderId: string): Promise<string | undefined> {
  const doc = await readDoc<{ waiting?: { taskToken: string } }>(
    t,
    'callbacks',
    `${orderId}:OperatorDecision`,
    orderId,
  );
  return doc?.waiting?.taskToken;
}

/** Moves virtual time on until the execution waits on its park task (the last thing that happened). */
async function untilParked(executionArn: string): Promise<void> {
  for (let minute = 0; minute <= 40; minute++) {
    await t.platform.whenIdle();
    const events = await executions.history(executionArn);
    const scheduled = events.filter((e) => e.type === 'TaskScheduled');
    const last = scheduled[scheduled.length - 1];
    const payload = last && JSON.parse(last.taskScheduledEventDetails!.parameters!).Payload;
    if (payload?.event === 'OperatorDecision' && events[events.length - 1].type === 'TaskSubmitted') return;
    await t.advanceTime('1m');
  }
  throw new Error(`Execution ${executionArn} did not park within 40 virtual minutes.`);
}
