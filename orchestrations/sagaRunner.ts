import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import type { Order } from '../saga/domain/order';
import type {
  CompensationRecord,
  OperatorDecision,
  SagaResult,
  SagaStatus,
  StepInput,
  StepResult,
} from '../saga/domain/saga';
import type { RetryPolicy, SagaDefinition, SagaStep } from '../saga/definition/types';

type CallOutcome = { kind: 'result'; value: StepResult } | { kind: 'error'; message: string } | { kind: 'timeout' };

interface Failure {
  step: SagaStep;
  reason: string;
  /** The step may have taken effect although it failed (lost response, timeout). */
  uncertain: boolean;
}

function retryOptions(policy: RetryPolicy): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = policy.maxRetryIntervalMs;
  return options;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // durable-functions wraps the activity's error as "Activity function 'x' failed: <message>\n<stack>".
  return message.split('\n')[0].slice(0, 500);
}

/** Why a compensation did not succeed, or undefined when it did. */
function describeFailure(called: CallOutcome, definition: SagaDefinition): string | undefined {
  if (called.kind === 'timeout') return `did not finish within ${formatDuration(definition.compensationTimeoutMs)}`;
  if (called.kind === 'error')
    return `failed after ${definition.compensationRetry.maxAttempts} attempts: ${called.message}`;
  if (!called.value.ok) return `${called.value.code}: ${called.value.reason}`;
  return undefined;
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/**
 * Walks a saga definition deterministically: each step's activity with its retry policy and deadline, the
 * confirmation waits, compensation of completed critical steps in reverse order, and parking for an operator
 * when a compensation cannot be done. Only orchestration APIs are used here (no I/O, no clock, no randomness).
 */
export function* runSaga(
  context: OrchestrationContext,
  definition: SagaDefinition,
): Generator<Task, SagaResult, unknown> {
  const order = context.df.getInput<Order>();
  const result: SagaResult = {
    orderId: order.orderId,
    outcome: 'Completed',
    steps: [],
    compensations: [],
    warnings: [],
    trace: [],
  };
  const results: Record<string, unknown> = {};
  const done: SagaStep[] = [];
  const ran = new Set<string>();
  const status = (s: Omit<SagaStatus, 'orderId'>): void => context.df.setCustomStatus({ orderId: order.orderId, ...s });

  function* call(
    activity: string,
    policy: RetryPolicy,
    timeoutMs: number,
    input: StepInput,
  ): Generator<Task, CallOutcome, unknown> {
    result.trace.push(activity);
    const task = context.df.callActivityWithRetry(activity, retryOptions(policy), input);
    const deadline: TimerTask = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + timeoutMs));
    const winner = yield context.df.Task.any([task, deadline]);
    if (winner === deadline) return { kind: 'timeout' };
    deadline.cancel();
    if (task.isFaulted) return { kind: 'error', message: describeError(task.result) };
    return { kind: 'result', value: task.result as StepResult };
  }

  function* runStep(step: SagaStep, outcome?: StepInput['outcome']): Generator<Task, Failure | undefined, unknown> {
    ran.add(step.name);
    status({ phase: 'running', step: step.name, outcome: outcome?.outcome });
    const called = yield* call(step.activity, step.retry, step.timeoutMs, {
      order,
      results,
      outcome,
      warnings: result.warnings,
    });
    let failure: Failure | undefined;
    if (called.kind === 'timeout') {
      failure = {
        step,
        reason: `${step.activity} did not finish within ${formatDuration(step.timeoutMs)}`,
        uncertain: true,
      };
      result.steps.push({ step: step.name, activity: step.activity, status: 'timedOut', reason: failure.reason });
    } else if (called.kind === 'error') {
      failure = {
        step,
        reason: `${step.activity} failed after ${step.retry.maxAttempts} attempts: ${called.message}`,
        uncertain: true,
      };
      result.steps.push({ step: step.name, activity: step.activity, status: 'failed', reason: failure.reason });
    } else if (!called.value.ok) {
      failure = { step, reason: `${called.value.code}: ${called.value.reason}`, uncertain: false };
      result.steps.push({ step: step.name, activity: step.activity, status: 'rejected', reason: failure.reason });
    } else {
      results[step.name] = called.value.data;
      result.steps.push({ step: step.name, activity: step.activity, status: 'done' });
      if (step.critical && step.compensation) done.push(step);
      if (step.awaitEvent) failure = yield* awaitConfirmation(step);
    }
    if (failure && !step.critical) {
      result.warnings.push({ step: step.name, reason: failure.reason });
      return undefined;
    }
    return failure;
  }

  function* awaitConfirmation(step: SagaStep): Generator<Task, Failure | undefined, unknown> {
    const { event, timeoutMs, correlateOn, successWhen } = step.awaitEvent!;
    status({ phase: 'awaiting', step: step.name });
    result.trace.push(`await:${event}`);
    const expected = (results[step.name] as Record<string, unknown> | undefined)?.[correlateOn];
    const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + timeoutMs));
    for (;;) {
      const received = context.df.waitForExternalEvent(event);
      const winner = yield context.df.Task.any([received, deadline]);
      if (winner === deadline) {
        const reason = `${event} not received within ${formatDuration(timeoutMs)}`;
        result.steps.push({ step: step.name, activity: `await:${event}`, status: 'timedOut', reason });
        return { step, reason, uncertain: false };
      }
      const payload = (received.result ?? {}) as Record<string, unknown>;
      // A confirmation of something else (an earlier attempt, another charge) is not ours: keep waiting.
      if (payload[correlateOn] !== expected) continue;
      deadline.cancel();
      if (payload[successWhen.field] !== successWhen.equals) {
        const reason = `${event} reported ${successWhen.field} ${JSON.stringify(payload[successWhen.field])}`;
        result.steps.push({ step: step.name, activity: `await:${event}`, status: 'rejected', reason });
        return { step, reason, uncertain: false };
      }
      result.steps.push({ step: step.name, activity: `await:${event}`, status: 'done' });
      return undefined;
    }
  }

  function* compensate(targets: SagaStep[], failure: Failure): Generator<Task, CompensationRecord[], unknown> {
    const failed: CompensationRecord[] = [];
    for (const step of targets) {
      status({ phase: 'compensating', step: step.compensation, failedStep: failure.step.name, reason: failure.reason });
      const called = yield* call(step.compensation!, definition.compensationRetry, definition.compensationTimeoutMs, {
        order,
        results,
        outcome: { outcome: 'Compensated', failedStep: failure.step.name, reason: failure.reason },
      });
      const record: CompensationRecord = { step: step.name, activity: step.compensation!, status: 'done' };
      const problem = describeFailure(called, definition);
      if (problem) {
        record.status = 'failed';
        record.reason = problem;
        failed.push(record);
      }
      result.compensations.push(record);
    }
    return failed;
  }

  let failure: Failure | undefined;
  for (const step of definition.steps) {
    failure = yield* runStep(step);
    if (failure) break;
  }

  if (failure) {
    result.outcome = 'Compensated';
    result.failedStep = failure.step.name;
    result.reason = failure.reason;
    const targets = [...done].reverse();
    if (failure.uncertain && failure.step.compensation && !done.includes(failure.step)) targets.unshift(failure.step);
    let failed = yield* compensate(targets, failure);
    while (failed.length) {
      result.outcome = 'NeedsAttention';
      result.trace.push(`await:${definition.park.event}`);
      status({
        phase: 'parked',
        outcome: 'NeedsAttention',
        failedStep: failure.step.name,
        reason: failure.reason,
        failedCompensations: failed,
        trace: result.trace,
      });
      const decisionTask = context.df.waitForExternalEvent(definition.park.event);
      const deadline = context.df.createTimer(
        new Date(context.df.currentUtcDateTime.getTime() + definition.park.timeoutMs),
      );
      const winner = yield context.df.Task.any([decisionTask, deadline]);
      if (winner === deadline) break;
      deadline.cancel();
      const decision = (decisionTask.result ?? {}) as OperatorDecision;
      result.resolution = { action: String(decision.action), by: decision.by, note: decision.note };
      if (decision.action === 'markResolved') {
        result.outcome = 'Compensated';
        break;
      }
      if (decision.action !== 'retryCompensation') continue;
      // In the order they failed, which is the reverse order of the steps, as the first round ran them.
      const retry = failed.map((f) => definition.steps.find((s) => s.name === f.step)!);
      failed = yield* compensate(retry, failure);
      if (!failed.length) result.outcome = 'Compensated';
    }
  }

  for (const step of definition.steps) {
    if (ran.has(step.name) || step.runs !== 'always') continue;
    yield* runStep(step, {
      outcome: result.outcome,
      failedStep: result.failedStep,
      reason: result.reason,
      compensations: result.compensations,
    });
  }

  status({ phase: 'done', outcome: result.outcome, failedStep: result.failedStep, reason: result.reason });
  return result;
}
