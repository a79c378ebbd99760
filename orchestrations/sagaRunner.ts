import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import type { Order } from '../saga/domain/order';
import type { CompensationRecord, SagaResult, SagaStatus, StepInput, StepResult } from '../saga/domain/saga';
import type { RetryPolicy, SagaDefinition, SagaStep } from '../saga/definition/types';
import { operatorDecisionSchema } from '../saga/domain/operatorDecision';
import { type KeptStep, parseRunInput } from '../saga/domain/resumeInput';
import { attemptRunName } from '../saga/domain/runName';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import { sagaInputOrFail } from './sagaInputFailure';
import {
  awaitRejectedReason,
  awaitTimedOutReason,
  formatDuration,
  rejectedReason,
  retryDelayMs,
  STEP_TIMEOUT_ERROR,
  stepFailedReason,
  unverifiedReason,
} from '../saga/definition/semantics';

type CallOutcome =
  { kind: 'result'; value: StepResult } | { kind: 'error'; errorType: string; message: string; attempts: number };

interface Failure {
  step: SagaStep;
  reason: string;
  /** The step may have taken effect although it failed (lost response, timeout). */
  uncertain: boolean;
}

/** The error name and message of a failed activity task, as the Lambda `errorType`/`errorMessage` would be. */
function failureOf(error: unknown): { errorType: string; message: string } {
  const details = (error as { failureDetails?: { errorType?: string; errorMessage?: string } }).failureDetails;
  if (details?.errorType) return { errorType: details.errorType, message: firstLine(details.errorMessage ?? '') };
  return { errorType: 'Error', message: firstLine(error instanceof Error ? error.message : String(error)) };
}

function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 500);
}

function attemptsDetail(called: { message: string; attempts: number }): string {
  return `${called.message} (after ${called.attempts} attempt${called.attempts === 1 ? '' : 's'})`;
}

/** Why a compensation did not succeed, or undefined when it did. The wording is the ASL generator's too. */
function describeFailure(activity: string, called: CallOutcome): string | undefined {
  if (called.kind === 'error') return stepFailedReason(activity, called.errorType);
  if (!called.value.ok) return rejectedReason(called.value.code, called.value.reason);
  return undefined;
}

/**
 * Walks a saga definition deterministically: each step's activity with its retry policy and deadline, the
 * confirmation waits, compensation of completed critical steps in reverse order, and parking for an operator
 * when a compensation cannot be done. Only orchestration APIs are used here (no I/O, no clock, no randomness).
 */
export function* runSaga(
  context: OrchestrationContext,
  definition: SagaDefinition,
  parseInput: (input: unknown) => Order,
): Generator<Task, SagaResult, unknown> {
  // Before any step: a malformed input fails the instance with a ValidationError, never an activity's TypeError.
  const { order, resume } = sagaInputOrFail(
    (input) => parseRunInput(definition, parseInput, input),
    context.df.getInput(),
  );
  // The attempt's run name (the order id, or <orderId>.r<N> for a restart) puts the attempt into the idempotency
  // keys; a resume run (<run>.resume<M>) continues its attempt, so it acts under that attempt's keys.
  const run = attemptRunName(context.df.instanceId);
  // The steps an earlier run of this attempt completed: taken from the input alone, so every replay skips the same.
  const kept = new Map((resume?.kept ?? []).map((k) => [k.step, k]));
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

  /**
   * One activity call with the policy's retries, each attempt raced against its own deadline, exactly as a Step
   * Functions Task with `Retry` and `TimeoutSeconds` behaves: a timed-out attempt is the error `States.Timeout`,
   * errors named in `nonRetriableErrors` are not retried, the backoff is interval × rate^(n-1) capped.
   */
  function* call(
    activity: string,
    policy: RetryPolicy,
    attemptTimeoutMs: number,
    input: StepInput,
  ): Generator<Task, CallOutcome, unknown> {
    result.trace.push(activity);
    for (let attempt = 1; ; attempt++) {
      const task = context.df.callActivity(activity, input);
      const deadline: TimerTask = context.df.createTimer(
        new Date(context.df.currentUtcDateTime.getTime() + attemptTimeoutMs),
      );
      const winner = yield context.df.Task.any([task, deadline]);
      let failure: { errorType: string; message: string };
      if (winner === deadline) {
        failure = {
          errorType: STEP_TIMEOUT_ERROR,
          message: `attempt ${attempt} ran longer than ${formatDuration(attemptTimeoutMs)}`,
        };
      } else {
        deadline.cancel();
        if (!task.isFaulted) return { kind: 'result', value: task.result as StepResult };
        failure = failureOf(task.result);
      }
      if (attempt >= policy.maxAttempts || definition.nonRetriableErrors.includes(failure.errorType)) {
        return { kind: 'error', ...failure, attempts: attempt };
      }
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + retryDelayMs(policy, attempt)));
    }
  }

  function* runStep(step: SagaStep, outcome?: StepInput['outcome']): Generator<Task, Failure | undefined, unknown> {
    ran.add(step.name);
    status({ phase: 'running', step: step.name, outcome: outcome?.outcome });
    const called = yield* call(step.activity, step.retry, step.attemptTimeoutMs, {
      order,
      run,
      results,
      outcome,
      warnings: result.warnings,
    });
    let failure: Failure | undefined;
    if (called.kind === 'error') {
      failure = { step, reason: stepFailedReason(step.activity, called.errorType), uncertain: true };
      result.steps.push({
        step: step.name,
        activity: step.activity,
        status: 'failed',
        reason: failure.reason,
        detail: attemptsDetail(called),
      });
    } else if (!called.value.ok) {
      failure = { step, reason: rejectedReason(called.value.code, called.value.reason), uncertain: false };
      result.steps.push({ step: step.name, activity: step.activity, status: 'rejected', reason: failure.reason });
    } else {
      results[step.name] = called.value.data;
      result.steps.push({ step: step.name, activity: step.activity, status: 'done' });
      if (step.critical && step.compensation) done.push(step);
      if (step.awaitEvent) failure = yield* awaitConfirmation(step);
    }
    return settle(step, failure);
  }

  /** A failed best-effort step is a warning and the saga goes on; a failed critical step stops it. */
  function settle(step: SagaStep, failure: Failure | undefined): Failure | undefined {
    if (failure && !step.critical) {
      result.warnings.push({ step: step.name, reason: failure.reason });
      return undefined;
    }
    return failure;
  }

  /**
   * A step a resume run keeps: its activity succeeded in the run resumed, so its result is taken as it was (the
   * charge id a refund needs) and the activity is not called again; compensation covers it as if it had run here.
   * The trace lists it as a run doing it would (activity, wait, verify), so it reads as the whole attempt's. A
   * confirmation that never came is checked with the source of truth, then waited for again if still unsettled.
   */
  function* keepStep(step: SagaStep, keep: KeptStep): Generator<Task, Failure | undefined, unknown> {
    ran.add(step.name);
    status({ phase: 'running', step: step.name });
    const from = `kept from run ${resume!.from}`;
    result.trace.push(step.activity);
    results[step.name] = keep.result;
    result.steps.push({ step: step.name, activity: step.activity, status: 'done', detail: from });
    if (step.critical && step.compensation) done.push(step);
    if (!step.awaitEvent) return undefined;
    if (keep.confirmed) {
      result.trace.push(`await:${step.awaitEvent.event}`);
      if (step.awaitEvent.verify) result.trace.push(step.awaitEvent.verify.activity);
      result.steps.push({ step: step.name, activity: `await:${step.awaitEvent.event}`, status: 'done', detail: from });
      return undefined;
    }
    const verify = step.awaitEvent.verify;
    if (verify) {
      // The confirmation may have come while no run of the attempt listened (the stopped run was over, and the
      // gateway does not send it twice): the source of truth is asked first; only if it has not settled, wait.
      const checked = yield* askSourceOfTruth(verify);
      if (checked.kind === 'result' && checked.value.ok) {
        result.steps.push({
          step: step.name,
          activity: verify.activity,
          status: 'done',
          detail: `confirmed by ${verify.activity} on resuming`,
        });
        return undefined;
      }
    }
    return settle(step, yield* awaitConfirmation(step));
  }

  /** The step's verify activity: whether the source of truth (the gateway) says the awaited event happened. */
  function* askSourceOfTruth(
    verify: NonNullable<NonNullable<SagaStep['awaitEvent']>['verify']>,
  ): Generator<Task, CallOutcome, unknown> {
    return yield* call(verify.activity, verify.retry, verify.attemptTimeoutMs, {
      order,
      run,
      results,
      warnings: result.warnings,
    });
  }

  function* awaitConfirmation(step: SagaStep): Generator<Task, Failure | undefined, unknown> {
    const { event, timeoutMs, correlateOn, successWhen, verify } = step.awaitEvent!;
    const ignoredEvents: { event: string; reason: string }[] = [];
    const awaiting = () =>
      status({ phase: 'awaiting', step: step.name, ...(ignoredEvents.length ? { ignoredEvents } : {}) });
    awaiting();
    result.trace.push(`await:${event}`);
    const expected = (results[step.name] as Record<string, unknown> | undefined)?.[correlateOn];
    const fireAt = new Date(context.df.currentUtcDateTime.getTime() + timeoutMs);
    const timedOut = (): Failure => {
      const reason = awaitTimedOutReason(event, timeoutMs);
      result.steps.push({ step: step.name, activity: `await:${event}`, status: 'timedOut', reason });
      return { step, reason, uncertain: false };
    };
    for (;;) {
      // A fresh timer per wait (same fire time) rather than re-yielding one already scheduled: a task yielded a
      // second time inside Task.any is scheduled again by hosts that number compound children (a known trap).
      const deadline = context.df.createTimer(fireAt);
      const received = context.df.waitForExternalEvent(event);
      const winner = yield context.df.Task.any([received, deadline]);
      if (winner === deadline) return timedOut();
      const payload = (received.result ?? {}) as Record<string, unknown>;
      deadline.cancel();
      // A confirmation of something else (an earlier attempt, another charge) is not ours: keep waiting.
      if (payload[correlateOn] !== expected) continue;
      if (payload[successWhen.field] !== successWhen.equals) {
        const reason = awaitRejectedReason(event, successWhen.field, String(payload[successWhen.field]));
        result.steps.push({ step: step.name, activity: `await:${event}`, status: 'rejected', reason });
        return { step, reason, uncertain: false };
      }
      if (verify) {
        // The event says "paid"; only the source of truth may say so. Until the deadline set by the first wait.
        const checked = yield* askSourceOfTruth(verify);
        if (checked.kind === 'error') {
          const reason = stepFailedReason(verify.activity, checked.errorType);
          result.steps.push({
            step: step.name,
            activity: verify.activity,
            status: 'failed',
            reason,
            detail: attemptsDetail(checked),
          });
          return { step, reason, uncertain: false };
        }
        if (!checked.value.ok) {
          ignoredEvents.push({ event, reason: unverifiedReason(event, checked.value.code, checked.value.reason) });
          result.ignoredEvents = [...ignoredEvents];
          awaiting();
          if (context.df.currentUtcDateTime.getTime() >= fireAt.getTime()) return timedOut();
          result.trace.push(`await:${event}`);
          continue;
        }
      }
      result.steps.push({ step: step.name, activity: `await:${event}`, status: 'done' });
      return undefined;
    }
  }

  function* compensate(targets: SagaStep[], failure: Failure): Generator<Task, CompensationRecord[], unknown> {
    const failed: CompensationRecord[] = [];
    for (const step of targets) {
      status({ phase: 'compensating', step: step.compensation, failedStep: failure.step.name, reason: failure.reason });
      const called = yield* call(
        step.compensation!,
        definition.compensationRetry,
        definition.compensationAttemptTimeoutMs,
        {
          order,
          run,
          results,
          outcome: { outcome: 'Compensated', failedStep: failure.step.name, reason: failure.reason },
        },
      );
      const record: CompensationRecord = { step: step.name, activity: step.compensation!, status: 'done' };
      const problem = describeFailure(step.compensation!, called);
      if (problem) {
        record.status = 'failed';
        record.reason = problem;
        if (called.kind === 'error') record.detail = attemptsDetail(called);
        failed.push(record);
      }
      result.compensations.push(record);
    }
    return failed;
  }

  let failure: Failure | undefined;
  for (const step of definition.steps) {
    const keep = kept.get(step.name);
    failure = keep ? yield* keepStep(step, keep) : yield* runStep(step);
    if (failure) break;
  }

  if (failure) {
    result.outcome = 'Compensated';
    result.failedStep = failure.step.name;
    result.reason = failure.reason;
    const targets = [...done].reverse();
    if (failure.uncertain && failure.step.compensation && !done.includes(failure.step)) targets.unshift(failure.step);
    let failed = yield* compensate(targets, failure);
    const rejectedDecisions: { received: string; reason: string }[] = [];
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
        ...(rejectedDecisions.length ? { rejectedDecisions } : {}),
      });
      const decisionTask = context.df.waitForExternalEvent(definition.park.event);
      const deadline = context.df.createTimer(
        new Date(context.df.currentUtcDateTime.getTime() + definition.park.timeoutMs),
      );
      const winner = yield context.df.Task.any([decisionTask, deadline]);
      if (winner === deadline) break;
      deadline.cancel();
      let decision;
      try {
        decision = parseOrThrow(operatorDecisionSchema, decisionTask.result, definition.park.event);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        // Never silently dropped: the operator sees in the custom status why nothing happened.
        rejectedDecisions.push({
          received: String(JSON.stringify(decisionTask.result)).slice(0, 200),
          reason: e.message,
        });
        result.trace.pop();
        continue;
      }
      result.resolution = {
        action: decision.action,
        by: decision.by,
        note: decision.note,
        ...(decision.at ? { at: decision.at } : {}),
      };
      if (decision.action === 'markResolved') {
        result.outcome = 'Compensated';
        break;
      }
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
