import type { Engine, SagaRun } from './sagaRun';
import type { TimelineEntry } from './timeline';

/**
 * Whether the run can continue from its failed step, by which engine action, and why (not). `resumeRun`: Durable,
 * a run rewind cannot take (Terminated) is continued by a new run of the same attempt, `newRun`, which skips the
 * steps done.
 */
export interface ResumeEligibility {
  eligible: boolean;
  action: 'rewind' | 'redrive' | 'resumeRun';
  reason: string;
  /** resumeRun: the new run's name (`<run>.resume<M>`). */
  newRun?: string;
}

/** One run with everything `show` and `replay` need. */
export interface RunDetail {
  run: SagaRun;
  /** The run's input: the order. */
  input: unknown;
  output?: unknown;
  /** Durable: the orchestration's custom status as it set it last (Step Functions has none: see run.phase). */
  customStatus?: unknown;
  /** Activities and waits, once per call, as the saga's trace. */
  trace: string[];
  timeline: TimelineEntry[];
  resume: ResumeEligibility;
}

/** Where two runs of one order (one per engine) differ, step by step. */
export interface TraceDiff {
  same: boolean;
  /** The first position where the traces differ, with what each engine did there. */
  firstDivergence?: { index: number; durable?: string; stepFunctions?: string };
  missingOnDurable: string[];
  missingOnStepFunctions: string[];
  outcome?: { durable?: string; stepFunctions?: string };
  /** Activities whose attempt counts differ. */
  attempts: { activity: string; durable: number; stepFunctions: number }[];
}

/** GET /api/ops/sagas/{orderId}. */
export interface OrderView {
  orderId: string;
  /** Every run of the order on every engine, first run first. */
  runs: SagaRun[];
  /** The latest run on each engine, with its trace and timeline. */
  latest: Partial<Record<Engine, RunDetail>>;
  /** When the order ran on both engines: how their latest runs differ. */
  diff?: TraceDiff;
}
