import type { SagaDefinition } from '../../saga/definition/types';
import type { SagaResult, SagaStatus } from '../../saga/domain/saga';
import type { SagaState } from '../model/sagaRun';
import { RunActivity, stuckRule } from './stepDeadline';

/** How long past its step's own deadline a run may sit without progress before it counts as Stuck. */
export const DEFAULT_STUCK_THRESHOLD_MS = 30 * 60_000;

export interface Normalized {
  status: SagaState;
  step?: string;
  outcome?: string;
  reason?: string;
  stuckRule?: string;
}

export interface StuckCheck {
  definition: SagaDefinition;
  nowMs: number;
  thresholdMs: number;
}

/** The status a finished run's outcome (its output's `outcome`) means. */
export const outcomeState = (outcome: unknown): SagaState =>
  outcome === 'Compensated' ? 'Compensated' : outcome === 'NeedsAttention' ? 'NeedsAttention' : 'Completed';

/** A Durable instance of the saga: runtime status, custom status (phase) and output. */
export function normalizeDurable(
  instance: { runtimeStatus: string; customStatus: unknown; output: unknown; lastUpdatedTime: string },
  stuck: StuckCheck,
): Normalized {
  const custom = (instance.customStatus ?? {}) as Partial<SagaStatus>;
  switch (instance.runtimeStatus) {
    case 'Completed': {
      const out = (instance.output ?? {}) as Partial<SagaResult>;
      return { status: outcomeState(out.outcome), outcome: out.outcome, step: out.failedStep, reason: out.reason };
    }
    case 'Failed':
      return { status: 'Failed', step: custom.step, reason: failureMessage(instance.output) };
    case 'Terminated':
      return {
        status: 'Terminated',
        step: custom.step,
        reason: typeof instance.output === 'string' ? instance.output : undefined,
      };
    default: {
      if (custom.phase === 'parked')
        return { status: 'NeedsAttention', step: custom.failedStep, outcome: 'NeedsAttention', reason: custom.reason };
      const at: RunActivity = {
        phase: custom.phase === 'done' || !custom.phase ? 'unknown' : custom.phase,
        step: custom.step,
      };
      const rule = stuckRule(
        stuck.definition,
        at,
        Date.parse(instance.lastUpdatedTime),
        stuck.nowMs,
        stuck.thresholdMs,
      );
      if (rule) return { status: 'Stuck', step: custom.step, stuckRule: rule, reason: custom.reason };
      return { status: custom.phase === 'awaiting' ? 'Awaiting' : 'Running', step: custom.step, reason: custom.reason };
    }
  }
}

/** The first line of an orchestration failure's message (the Durable output of a Failed instance). */
function failureMessage(output: unknown): string | undefined {
  if (typeof output === 'string') return output.split('\n')[0].slice(0, 500);
  if (output && typeof output === 'object' && 'message' in output)
    return String((output as { message: unknown }).message);
  return undefined;
}

/** What a Step Functions execution's last events say it is doing (see stepFunctions/runActivity.ts). */
export interface ExecutionFacts {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  at: RunActivity;
  lastProgressMs: number;
}

export function normalizeStepFunctions(facts: ExecutionFacts, stuck: StuckCheck, parkError: string): Normalized {
  switch (facts.status) {
    case 'SUCCEEDED': {
      const out = parseJson(facts.output) as Partial<SagaResult> & { failedStep?: string; reason?: string };
      return { status: outcomeState(out.outcome), outcome: out.outcome, step: out.failedStep, reason: out.reason };
    }
    case 'FAILED':
      if (facts.error === parkError)
        return { status: 'NeedsAttention', outcome: 'NeedsAttention', step: facts.at.step, reason: facts.cause };
      return { status: 'Failed', step: facts.at.step, reason: [facts.error, facts.cause].filter(Boolean).join(': ') };
    case 'TIMED_OUT':
      return { status: 'Failed', step: facts.at.step, reason: 'the execution timed out' };
    case 'ABORTED':
      return {
        status: 'Terminated',
        step: facts.at.step,
        reason: [facts.error, facts.cause].filter(Boolean).join(': ') || undefined,
      };
    default: {
      if (facts.at.phase === 'parked')
        return { status: 'NeedsAttention', outcome: 'NeedsAttention', step: facts.at.step };
      const rule = stuckRule(stuck.definition, facts.at, facts.lastProgressMs, stuck.nowMs, stuck.thresholdMs);
      if (rule) return { status: 'Stuck', step: facts.at.step, stuckRule: rule };
      return { status: facts.at.phase === 'awaiting' ? 'Awaiting' : 'Running', step: facts.at.step };
    }
  }
}

function parseJson(text: string | undefined): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
