/**
 * Conformance: every scenario of the order saga's table runs on both engines, Durable Functions (through the
 * app's real triggers on the embedded platform) and Step Functions (the generated state machine on the local
 * endpoint, started through the real @aws-sdk/client-sfn, its tasks run by the Lambda handlers from the SAM
 * template). Both must make the same activity calls in the same order, attempt by attempt, with the same
 * idempotency keys, reach the same outcome and leave the same side effects.
 *
 * Both engines share one platform (one process environment, which the app's settings live in), so each
 * engine's run of a scenario gets its own order id and SKUs; keys are compared with the order id replaced.
 *
 * The saga's output is compared whole: Step Functions' is Durable's SagaResult, the same lists in the same order
 * with the same fields, for every way a saga ends (Completed, Compensated, an operator's decisions, the decision
 * wait expiring). Only `detail` (the last error's message and attempt count) is Durable's alone.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { activityIdempotencyKey, STEP_FUNCTIONS_KEY_SCOPE } from '../../saga/domain/idempotency';
import { runName } from '../../saga/domain/runName';
import type { SagaResult, StepInput } from '../../saga/domain/saga';
import { toStepInput } from '../../aws-stepfunctions/handlers/activityPayload';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { ORDER_SCENARIOS, OrderScenario, scenarioOrder } from '../fixtures/orderScenarios';
import { expectSideEffects, placeOrder, withScenarioSettings, withSkuSuffix } from '../fixtures/orderScenarioRun';
import { forgeOnDurable, forgeOnStepFunctions } from '../fixtures/forgedConfirmation';
import { outcomeEvents } from '../fixtures/orderMessages';
import { givenUpOutput } from '../../ops/backends/stepFunctions/givenUpOutput';
import { StepFunctionsBackend } from '../../ops/backends/stepFunctions/stepFunctionsBackend';
import { DEFAULT_STUCK_THRESHOLD_MS } from '../../ops/status/normalize';
import { NEEDS_ATTENTION_ERROR } from '../../aws-stepfunctions/generator/generateStateMachine';
import { orderSaga } from '../../saga/definition/orderSaga';
import { raiseSagaEvent } from '../../aws-stepfunctions/sagaEvents';

interface EngineRun {
  outcome: string;
  failedStep?: string;
  reason?: string;
  /** Activities and waits, once per call (the scenario table's `trace`). */
  trace: string[];
  /** Every attempt of every activity, with the idempotency key it used (order id replaced by `<order>`). */
  calls: string[];
  /** The saga's output once it ended (none while parked), order id, charges and SKUs replaced. */
  output?: SagaResult;
}

let t: TestPlatform;
let sfn: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  // Two registered webhook endpoints, the Azure function and the Lambda's URL, each for the charges its engine made
  // (the charge's metadata names the engine).
  t = await startOrderApp({
    LOCAL_PAYMENT_WEBHOOK_PATH:
      '/api/payments/webhook engine=durable, /lambda-url/PaymentWebhookFunction/ engine=stepfunctions',
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: `${t.baseUrl}/stepfunctions`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  stateMachineArn = t.platform.aws!.lambda.stateMachines().find((s) => s.name === 'orderSaga')!.arn;
}, 60_000);
afterAll(async () => {
  sfn?.destroy();
  await t?.stop();
});

/**
 * What differs between the two runs by construction: order id, the gateway's charge ids, the SKU suffix, and the
 * engine's scope of money and stock keys (`sfn:`, saga/domain/idempotency.ts keyRun).
 */
const normalize = (text: string, orderId: string): string =>
  text
    .replace(new RegExp(`\\b${STEP_FUNCTIONS_KEY_SCOPE}:`, 'g'), '')
    .split(orderId)
    .join('<order>')
    .replace(/\bch_[0-9a-f]+/g, '<charge>')
    .replace(/(SKU-[A-Z0-9]+)-(DF|SFN)\b/g, '$1');
const normalizeRun = (run: EngineRun, orderId: string): EngineRun => ({
  ...run,
  reason: run.reason === undefined ? undefined : normalize(run.reason, orderId),
  output: run.output && (JSON.parse(normalize(JSON.stringify(run.output), orderId)) as SagaResult),
});

/** Durable's output without `detail`, the engine-specific detail behind a failed record's reason. */
function withoutDetail(out: SagaResult): SagaResult {
  const strip = <T extends { detail?: string }>({ detail: _detail, ...rest }: T) => rest as T;
  return { ...out, steps: out.steps.map(strip), compensations: out.compensations.map(strip) };
}

function durableRun(orderId: string, run = orderId): EngineRun {
  const status = t.platform.engine.getStatus(run)!;
  const history = t.platform.engine.getHistory(run)!;
  const calls = history
    .filter((e) => e.EventType === 4)
    .map((e) => {
      const { Name, Input } = e as unknown as { Name: string; Input: string };
      return `${Name} ${normalize(activityIdempotencyKey(Name, JSON.parse(Input) as StepInput), orderId)}`;
    });
  if (status.runtimeStatus === 'Running') {
    const custom = status.customStatus as { outcome: string; failedStep?: string; reason?: string; trace: string[] };
    return {
      outcome: custom.outcome,
      failedStep: custom.failedStep,
      reason: custom.reason,
      trace: custom.trace,
      calls,
    };
  }
  const out = status.output as SagaResult;
  return {
    outcome: out.outcome,
    failedStep: out.failedStep,
    reason: out.reason,
    trace: out.trace,
    calls,
    output: withoutDetail(out),
  };
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Waiting for an operator: the last task scheduled is the park wait and it was handed its token. */
function parked(events: HistoryEvent[]): boolean {
  const scheduled = events.filter((e) => e.type === 'TaskScheduled');
  const last = scheduled[scheduled.length - 1];
  const payload = last && JSON.parse(last.taskScheduledEventDetails!.parameters!).Payload;
  return payload?.event === 'OperatorDecision' && events[events.length - 1].type === 'TaskSubmitted';
}

async function settleExecution(executionArn: string, limitMinutes = 40): Promise<HistoryEvent[]> {
  for (let minute = 0; minute <= limitMinutes; minute++) {
    await t.platform.whenIdle();
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await historyOf(executionArn);
    if (status !== 'RUNNING' || parked(events)) return events;
    await t.advanceTime('1m');
  }
  throw new Error(`Execution ${executionArn} neither finished nor parked in ${limitMinutes} virtual minutes.`);
}

async function stepFunctionsRun(orderId: string, executionArn: string, events: HistoryEvent[]): Promise<EngineRun> {
  const trace: string[] = [];
  const calls: string[] = [];
  let entered = false;
  for (const e of events) {
    if (e.type === 'TaskStateEntered') entered = true;
    if (e.type !== 'TaskScheduled') continue;
    const payload = JSON.parse(e.taskScheduledEventDetails!.parameters!).Payload as Record<string, unknown>;
    // The input check before any step is neither an activity nor a wait (Durable checks in process).
    if (typeof payload.activity !== 'string' && typeof payload.event !== 'string') continue;
    const name = typeof payload.activity === 'string' ? payload.activity : `await:${String(payload.event)}`;
    if (entered) trace.push(name);
    entered = false;
    if (typeof payload.activity === 'string') {
      const key = activityIdempotencyKey(name, toStepInput(payload as never));
      calls.push(`${name} ${normalize(key, orderId)}`);
    }
  }
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  // Succeeded: the execution's output. Given up (FAILED with Saga.NeedsAttention): a failed execution has no
  // output; the operator tool reads the one the NeedsAttention state was entered with.
  const out = (described.status === 'SUCCEEDED' ? JSON.parse(described.output!) : givenUpOutput(events)) as
    SagaResult | undefined;
  if (out) {
    // The trace the history shows must be the one the output lists.
    expect(out.trace).toEqual(trace);
    return { outcome: out.outcome, failedStep: out.failedStep, reason: out.reason, trace, calls, output: out };
  }
  // Parked (RUNNING): the failure is in the last state data.
  const failure = [...events]
    .reverse()
    .map((e) => e.stateExitedEventDetails?.output ?? e.stateEnteredEventDetails?.input)
    .filter((x): x is string => !!x)
    .map((x) => JSON.parse(x) as { failure?: { step: string; reason: string } })
    .find((d) => d.failure)?.failure;
  return {
    outcome: 'NeedsAttention',
    failedStep: failure?.step,
    reason: failure?.reason,
    trace,
    calls,
  };
}

/** How the scenario's order reaches Step Functions: StartExecution named by order id, twice for duplicates. */
async function startExecution(scenario: OrderScenario, order: Record<string, unknown>): Promise<string> {
  const start = () =>
    sfn.send(new StartExecutionCommand({ stateMachineArn, name: String(order.orderId), input: JSON.stringify(order) }));
  const first = await start();
  if (scenario.via === 'servicebus-duplicate' || scenario.via === 'http+servicebus') {
    const second = await start();
    expect(second.executionArn, 'a second start of the same order is the same execution').toBe(first.executionArn);
  }
  return first.executionArn!;
}

describe.each(ORDER_SCENARIOS.map((s, i) => [s.name, s, i] as const))('conformance: %s', (_name, base, index) => {
  it('makes the same calls with the same keys, reaches the same outcome and leaves the same side effects on both engines', async () => {
    const durableScenario = withSkuSuffix(base, '-DF');
    const awsScenario = withSkuSuffix(base, '-SFN');
    const durableOrder = { ...scenarioOrder(durableScenario, index), orderId: `ord-df-${index + 1}` };
    const awsOrder = { ...scenarioOrder(awsScenario, index), orderId: `ord-sfn-${index + 1}` };

    const durable = await withScenarioSettings(base, async () => {
      await inventory(t).set(durableScenario.stock);
      await placeOrder(t, durableScenario, durableOrder);
      if (base.forge) await forgeOnDurable(t, durableOrder.orderId);
      await settleSaga(t, durableOrder.orderId);
      return normalizeRun(durableRun(durableOrder.orderId), durableOrder.orderId);
    });
    const aws = await withScenarioSettings(base, async () => {
      await inventory(t).set(awsScenario.stock);
      const executionArn = await startExecution(awsScenario, awsOrder);
      if (base.forge) await forgeOnStepFunctions(t, awsOrder.orderId);
      const events = await settleExecution(executionArn);
      return normalizeRun(await stepFunctionsRun(awsOrder.orderId, executionArn, events), awsOrder.orderId);
    });

    const exp = base.expect;
    expect(durable.trace).toEqual(exp.trace);
    expect(aws).toEqual(durable);
    expect(aws.outcome).toBe(exp.outcome);
    expect(aws.failedStep).toBe(exp.failedStep);
    if (exp.reason) expect(aws.reason).toContain(exp.reason);
    if (exp.outcome === 'NeedsAttention') expect(aws.output, 'parked: no output yet on either engine').toBeUndefined();
    else expect(aws.output?.warnings.map((w) => w.step)).toEqual(exp.warnings);
    await expectSideEffects(t, durableScenario, durableOrder.orderId);
    await expectSideEffects(t, awsScenario, awsOrder.orderId);

    // Each charge's confirmation went to the engine that made it, and only there.
    const deliveredTo = (orderId: string) => [
      ...new Set(
        t.platform.clouds.paymentGateway
          .ledger()
          .webhookDeliveries.filter((d) => d.event.data.orderId === orderId)
          .map((d) => new URL(d.url).pathname),
      ),
    ];
    const confirmed = exp.charges > 0 && !base.order.paymentMethod?.includes('no_confirm');
    expect(deliveredTo(durableOrder.orderId)).toEqual(confirmed ? ['/api/payments/webhook'] : []);
    expect(deliveredTo(awsOrder.orderId)).toEqual(confirmed ? ['/lambda-url/PaymentWebhookFunction/'] : []);
  });
});

/**
 * An operator's restart is a new attempt of the order, run under `<orderId>.r2` on both engines: what the first
 * run compensated (its refunded charge) must not be answered from the first run's idempotency records, so the
 * restart's money and outcome keys carry the run, on both engines alike.
 */
describe('conformance: a restart is a new attempt of the order', () => {
  it("charges and refunds again under the run's own keys on both engines, exactly once more", async () => {
    const index = ORDER_SCENARIOS.findIndex((s) => s.order.paymentMethod === 'pm_card_no_confirm');
    const base = ORDER_SCENARIOS[index];
    const durableScenario = withSkuSuffix(base, '-DF');
    const awsScenario = withSkuSuffix(base, '-SFN');
    const durableOrder = { ...scenarioOrder(durableScenario, index), orderId: 'ord-df-restart' };
    const awsOrder = { ...scenarioOrder(awsScenario, index), orderId: 'ord-sfn-restart' };

    await inventory(t).set(durableScenario.stock);
    await placeOrder(t, durableScenario, durableOrder);
    await settleSaga(t, durableOrder.orderId);
    const durableRestart = runName(durableOrder.orderId, 2);
    await t.client.startNew('orderSaga', { instanceId: durableRestart, input: durableOrder });
    await settleSaga(t, durableRestart);
    const durable = normalizeRun(durableRun(durableOrder.orderId, durableRestart), durableOrder.orderId);

    await inventory(t).set(awsScenario.stock);
    await settleExecution(await startExecution(awsScenario, awsOrder));
    const restarted = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: runName(awsOrder.orderId, 2),
        input: JSON.stringify(awsOrder),
      }),
    );
    const events = await settleExecution(restarted.executionArn!);
    const aws = normalizeRun(
      await stepFunctionsRun(awsOrder.orderId, restarted.executionArn!, events),
      awsOrder.orderId,
    );

    expect(aws).toEqual(durable);
    expect(durable.outcome).toBe(base.expect.outcome);
    expect(durable.calls).toContain('chargePayment <order>.r2:chargePayment');
    expect(durable.calls).toContain('refundPayment <order>.r2:refundPayment:<charge>');
    for (const orderId of [durableOrder.orderId, awsOrder.orderId]) {
      const ledger = t.platform.clouds.paymentGateway.ledger();
      const charges = ledger.charges.filter((c) => c.orderId === orderId);
      expect(charges, `${orderId}: one charge per run`).toHaveLength(2);
      expect(new Set(charges.map((c) => c.id)).size).toBe(2);
      expect(ledger.refunds.filter((r) => charges.some((c) => c.id === r.charge))).toHaveLength(2);
      expect(
        charges.reduce((s, c) => s + c.amount - c.amountRefunded, 0),
        'amount kept',
      ).toBe(0);
    }
    for (const [sku, available] of Object.entries(durableScenario.expect.stock))
      expect((await inventory(t).get(sku))?.available).toBe(available);
    for (const [sku, available] of Object.entries(awsScenario.expect.stock))
      expect((await inventory(t).get(sku))?.available).toBe(available);
  });
});

/**
 * A parked saga (its refund fails every time) and what an operator does about it, on both engines: the saga's
 * output must be the same, decision (who, note, when) and every compensation round included.
 */
const DECISION_ENDINGS: {
  name: string;
  decisions: Record<string, unknown>[];
  /** Past the last decision, let the decision wait expire. */
  expire?: true;
  outcome: 'Compensated' | 'NeedsAttention';
  compensations: string[];
}[] = [
  {
    name: 'markResolved',
    decisions: [{ action: 'markResolved', by: 'ops@contoso', note: 'refunded by hand', at: '2026-12-06T21:00:00Z' }],
    outcome: 'Compensated',
    compensations: ['refundPayment failed', 'releaseInventory done'],
  },
  {
    name: 'retryCompensation (the refund fails again), then markResolved',
    decisions: [
      { action: 'retryCompensation' },
      { action: 'markResolved', by: 'ops@contoso', note: 'refunded by hand, FIN-7' },
    ],
    outcome: 'Compensated',
    compensations: ['refundPayment failed', 'releaseInventory done', 'refundPayment failed'],
  },
  {
    name: 'retryCompensation, then the decision wait expires',
    decisions: [{ action: 'retryCompensation', by: 'ops@contoso', note: 'gateway back?' }],
    expire: true,
    outcome: 'NeedsAttention',
    compensations: ['refundPayment failed', 'releaseInventory done', 'refundPayment failed'],
  },
];

describe.each(DECISION_ENDINGS.map((e, i) => [e.name, e, i] as const))(
  'conformance: a parked saga, then %s',
  (_name, ending, n) => {
    it('ends the same on both engines, with the same output', async () => {
      const index = ORDER_SCENARIOS.findIndex((s) => s.expect.outcome === 'NeedsAttention');
      const base = ORDER_SCENARIOS[index];
      const durableScenario = withSkuSuffix(base, '-DF');
      const awsScenario = withSkuSuffix(base, '-SFN');
      const durableOrder = { ...scenarioOrder(durableScenario, index), orderId: `ord-df-decide-${n + 1}` };
      const awsOrder = { ...scenarioOrder(awsScenario, index), orderId: `ord-sfn-decide-${n + 1}` };

      await inventory(t).set(durableScenario.stock);
      await placeOrder(t, durableScenario, durableOrder);
      await settleSaga(t, durableOrder.orderId);
      for (const decision of ending.decisions) {
        await t.client.raiseEvent(durableOrder.orderId, 'OperatorDecision', decision);
        await t.platform.whenIdle();
        await settleSaga(t, durableOrder.orderId);
      }
      if (ending.expire) {
        await t.advanceTime('8d');
        await settleSaga(t, durableOrder.orderId);
      }
      const durable = normalizeRun(durableRun(durableOrder.orderId), durableOrder.orderId);

      await inventory(t).set(awsScenario.stock);
      const executionArn = await startExecution(awsScenario, awsOrder);
      let events = await settleExecution(executionArn);
      for (const decision of ending.decisions) {
        expect(await raiseSagaEvent(awsOrder.orderId, 'OperatorDecision', decision)).toBe('delivered');
        events = await settleExecution(executionArn);
      }
      if (ending.expire) {
        await t.advanceTime('8d');
        events = await settleExecution(executionArn);
      }
      const aws = normalizeRun(await stepFunctionsRun(awsOrder.orderId, executionArn, events), awsOrder.orderId);

      expect(aws).toEqual(durable);
      const out = aws.output!;
      expect(out.outcome).toBe(ending.outcome);
      expect(out.compensations.map((c) => `${c.activity} ${c.status}`)).toEqual(ending.compensations);
      expect(out.resolution).toEqual(ending.decisions[ending.decisions.length - 1]);
      expect(out.trace.filter((x) => x === 'await:OperatorDecision')).toHaveLength(
        ending.decisions.length + 1 - (ending.expire ? 0 : 1),
      );
      // The operator tool shows that output for the run, a given-up (FAILED) execution's included.
      const tool = new StepFunctionsBackend(
        sfn,
        orderSaga,
        () => ({ definition: orderSaga, nowMs: t.clock!.now(), thresholdMs: DEFAULT_STUCK_THRESHOLD_MS }),
        NEEDS_ATTENTION_ERROR,
        stateMachineArn,
      );
      const shown = (await tool.detail(awsOrder.orderId))!.output as SagaResult;
      expect(normalizeRun({ ...aws, output: shown }, awsOrder.orderId).output).toEqual(durable.output);
      // The lists ride in the state as JSON text, and parsed at the end: far from the 256 KB a state may hold
      // (about 6 KB here, with two rounds of compensation).
      const largest = Math.max(...events.map((e) => (e.stateExitedEventDetails?.output ?? '').length));
      expect(largest).toBeLessThan(32 * 1024);
      // The OrderCompensated event each engine published lists the same compensations (every round).
      const published = async (orderId: string) =>
        (await outcomeEvents(t))
          .filter((e) => e.subject === orderId)
          .map((e) => ({ type: e.type, compensations: (e.data as { compensations?: unknown }).compensations }));
      const announced =
        ending.outcome === 'Compensated' ? [{ type: 'OrderCompensated', compensations: expect.any(Array) }] : [];
      expect(await published(durableOrder.orderId)).toEqual(announced);
      expect(await published(awsOrder.orderId)).toEqual(await published(durableOrder.orderId));
    });
  },
);

/**
 * Inputs only a caller past the validated intake could start a saga with (the Durable management API with the
 * system key, StartExecution with AWS credentials): the saga must fail at once with a non-retriable
 * ValidationError, the same message on both engines, having called no activity and touched no stock or money.
 */
const MALFORMED_INPUTS: [string, (orderId: string) => unknown][] = [
  ['an empty object', () => ({})],
  [
    'an underpriced order (ten kettles for 50 cents)',
    (orderId) => ({
      orderId,
      customer: { id: 'c-evil', email: 'evil@example.com' },
      lines: [{ sku: 'SKU-KETTLE', qty: 10, unitPrice: 49.9 }],
      currency: 'EUR',
      total: 0.5,
      paymentMethod: 'pm_card_visa',
    }),
  ],
  ['a list of cities', () => ['Oslo', 'Lima']],
];

describe.each(MALFORMED_INPUTS.map(([name, input], i) => [name, input, i] as const))(
  'conformance: a saga started with %s',
  (_name, inputOf, index) => {
    it('fails at once with ValidationError and the same message on both engines, calling nothing', async () => {
      const durableId = `ord-df-bad-${index + 1}`;
      const awsId = `ord-sfn-bad-${index + 1}`;
      await t.client.startNew('orderSaga', { instanceId: durableId, input: inputOf(durableId) });
      await t.platform.whenIdle();
      const status = t.platform.engine.getStatus(durableId)!;
      const history = t.platform.engine.getHistory(durableId)!;
      expect(status.runtimeStatus).toBe('Failed');
      expect(
        history.filter((e) => e.EventType === 4),
        'activities scheduled',
      ).toEqual([]);
      const failed = history.find((e) => e.EventType === 1) as unknown as {
        FailureDetails: { ErrorType: string; ErrorMessage: string };
      };
      expect(failed.FailureDetails.ErrorType).toBe('ValidationError');

      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: awsId, input: JSON.stringify(inputOf(awsId)) }),
      );
      await t.platform.whenIdle();
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described.status).toBe('FAILED');
      expect(described.error).toBe('ValidationError');
      const cause = JSON.parse(described.cause!) as { errorMessage: string };
      const events = await historyOf(executionArn!);
      const tasks = events.filter((e) => e.type === 'TaskScheduled');
      expect(tasks, 'only the input check ran').toHaveLength(1);

      const normalize = (m: string, id: string) => m.split(id).join('<order>');
      expect(normalize(cause.errorMessage, awsId)).toBe(normalize(failed.FailureDetails.ErrorMessage, durableId));
      expect(cause.errorMessage).toMatch(/^Invalid orderSaga input: /);
      expect(
        t.platform.clouds.paymentGateway.ledger().charges.filter((c) => [durableId, awsId].includes(c.orderId)),
      ).toEqual([]);
    });
  },
);
