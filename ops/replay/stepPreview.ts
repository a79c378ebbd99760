import type { SagaDefinition } from '../../saga/definition/types';
import {
  chargeKey,
  eventKey,
  holdKey,
  keyRun,
  notificationKey,
  refundKey,
  STEP_FUNCTIONS_KEY_SCOPE,
} from '../../saga/domain/idempotency';
import { attemptRunName } from '../../saga/domain/runName';
import type { Engine } from '../model/sagaRun';
import type { RunDetail } from '../backends/sagaBackend';
import type { StepPreview } from './replayPlan';

const succeeded = (detail: RunDetail, activity: string): boolean =>
  detail.timeline.some((e) => e.kind === 'attempt' && e.activity === activity && e.result === 'succeeded');
const attempted = (detail: RunDetail, activity: string): boolean =>
  detail.timeline.some((e) => e.kind === 'attempt' && e.activity === activity);

/** The side effect an activity has when it runs under `run`, and the key that keeps it at most once. */
function effect(activity: string, orderId: string, run: string, engine: Engine): { effect: string; key: string } {
  // Money and stock keys carry the engine's scope (saga/domain/idempotency.ts keyRun); outcome events do not.
  const money = keyRun(run, engine === 'stepFunctions' ? STEP_FUNCTIONS_KEY_SCOPE : undefined);
  switch (activity) {
    case 'reserveInventory':
      return { effect: 'reserves the stock', key: holdKey(money) };
    case 'chargePayment':
      return { effect: 'charges the order total', key: chargeKey(money) };
    case 'finalizeInventory':
      return { effect: "sells the run's reserved stock", key: holdKey(money) };
    case 'sendNotification':
      return {
        effect: 'e-mails the confirmation (at most once per order: skipped if already sent)',
        key: notificationKey(orderId, 'orderConfirmed'),
      };
    case 'syncAnalytics':
      return { effect: 'records the outcome and publishes its event', key: eventKey(run, '<outcome>') };
    case 'releaseInventory':
      return { effect: "releases the run's stock reservation", key: holdKey(money) };
    case 'refundPayment':
      return { effect: "refunds the run's charge", key: refundKey(money, '<charge>') };
    default:
      return { effect: `runs ${activity}`, key: '' };
  }
}

/**
 * Resume (rewind, redrive) continues the same run: what succeeded is kept, the rest runs again with the same
 * keys, so a side effect already attempted in this run is answered from its first result, never repeated.
 */
export function resumePreview(definition: SagaDefinition, detail: RunDetail, orderId: string): StepPreview[] {
  if (detail.resume.action === 'resumeRun') return resumeRunPreview(definition, detail, orderId);
  const run = detail.run.run;
  return definition.steps.map((step) => {
    const { effect: what, key } = effect(step.activity, orderId, run, detail.run.engine);
    if (succeeded(detail, step.activity))
      return {
        step: step.name,
        activity: step.activity,
        runs: false,
        effect: 'kept: done in this run',
        idempotencyKey: key,
      };
    const again = attempted(detail, step.activity);
    return {
      step: step.name,
      activity: step.activity,
      runs: true,
      effect: again
        ? `${what} only if not done yet: key ${key} was already used in this run, so the earlier result answers`
        : `${what} with key ${key}`,
      idempotencyKey: key,
    };
  });
}

/** Restart is a new attempt: every step runs again, money and outcome under the new run's keys. */
export function restartPreview(
  definition: SagaDefinition,
  orderId: string,
  oldRun: string,
  newRun: string,
  engine: Engine,
): StepPreview[] {
  return definition.steps.map((step) => {
    const { effect: what, key } = effect(step.activity, orderId, newRun, engine);
    const old = effect(step.activity, orderId, oldRun, engine).key;
    const fresh = key !== old;
    return {
      step: step.name,
      activity: step.activity,
      runs: true,
      effect: fresh ? `${what} again with key ${key} (a new attempt: ${old} is not reused)` : `${what} (key ${key})`,
      idempotencyKey: key,
    };
  });
}

/**
 * A Durable resume run continues the attempt in a new run: the steps kept are skipped with their results (a wait
 * that was not confirmed is waited for again), every other step runs under the attempt's keys, so a side effect
 * the stopped run may have done without recording it is answered from its first result, not done again.
 */
function resumeRunPreview(definition: SagaDefinition, detail: RunDetail, orderId: string): StepPreview[] {
  const from = detail.run.run;
  const attemptRun = attemptRunName(from);
  const kept = new Map((detail.keptSteps ?? []).map((k) => [k.step, k]));
  return definition.steps.map((step) => {
    const { effect: what, key } = effect(step.activity, orderId, attemptRun, detail.run.engine);
    const keep = kept.get(step.name);
    const wait = step.awaitEvent?.event;
    if (keep && (!wait || keep.confirmed))
      return {
        step: step.name,
        activity: step.activity,
        runs: false,
        effect: `skipped: done in ${from}${wait ? ` (${wait} confirmed)` : ''}; its result is kept`,
        idempotencyKey: key,
        kept: keep.result,
      };
    const verify = step.awaitEvent?.verify?.activity;
    if (keep)
      return {
        step: step.name,
        activity: step.activity,
        runs: true,
        effect:
          `${step.activity} not called again: done in ${from}, its result kept (key ${key} not used again); ` +
          `${verify ? `${verify} asks whether it settled, else it ` : ''}waits again for ${wait}`,
        idempotencyKey: key,
        kept: keep.result,
      };
    return {
      step: step.name,
      activity: step.activity,
      runs: true,
      effect: attempted(detail, step.activity)
        ? `${what} with key ${key}, already used in this attempt: the earlier result answers, it is not done twice`
        : `${what} with key ${key}`,
      idempotencyKey: key,
    };
  });
}
