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
