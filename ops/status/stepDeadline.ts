import { formatDuration, retryDelayMs } from '../../saga/definition/semantics';
import type { RetryPolicy, SagaDefinition } from '../../saga/definition/types';

/** What a run is doing, as far as the stuck rule cares. */
export interface RunActivity {
  phase: 'running' | 'awaiting' | 'compensating' | 'parked' | 'unknown';
  /** The step, or the compensating activity, the run is at. */
  step?: string;
}

/** The longest a call may legitimately take: every attempt to its deadline, and every backoff between them. */
function callBudgetMs(policy: RetryPolicy, attemptTimeoutMs: number): number {
  let total = policy.maxAttempts * attemptTimeoutMs;
  for (let retry = 1; retry < policy.maxAttempts; retry++) total += retryDelayMs(policy, retry);
  return total;
}

/** The step's own deadline for what the run is doing, and how it is described in the stuck rule. */
export function stepDeadline(definition: SagaDefinition, at: RunActivity): { ms: number; what: string } {
  const step = definition.steps.find((s) => s.name === at.step || s.activity === at.step);
  if (at.phase === 'awaiting' && step?.awaitEvent)
    return { ms: step.awaitEvent.timeoutMs, what: `the ${step.awaitEvent.event} wait of ${step.name}` };
  if (at.phase === 'parked') return { ms: definition.park.timeoutMs, what: `the ${definition.park.event} wait` };
  if (at.phase === 'compensating')
    return {
      ms: callBudgetMs(definition.compensationRetry, definition.compensationAttemptTimeoutMs),
      what: `compensation ${at.step ?? ''}`.trim(),
    };
  if (step) return { ms: callBudgetMs(step.retry, step.attemptTimeoutMs), what: `step ${step.name}` };
  const longest = Math.max(...definition.steps.map((s) => callBudgetMs(s.retry, s.attemptTimeoutMs)));
  return { ms: longest, what: 'the longest step' };
}

/** The stuck rule: no progress for longer than the step's own deadline plus the threshold. */
export function stuckRule(
  definition: SagaDefinition,
  at: RunActivity,
  lastProgressMs: number,
  nowMs: number,
  thresholdMs: number,
): string | undefined {
  const deadline = stepDeadline(definition, at);
  const idle = nowMs - lastProgressMs;
  if (idle <= deadline.ms + thresholdMs) return undefined;
  return (
    `no progress for ${formatDuration(Math.floor(idle / 1000) * 1000)} since ${new Date(lastProgressMs).toISOString()}: ` +
    `${deadline.what} allows ${formatDuration(deadline.ms)}, plus the stuck threshold ${formatDuration(thresholdMs)}`
  );
}
