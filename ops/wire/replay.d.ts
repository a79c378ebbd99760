import type { Engine, SagaState } from './sagaRun';

export type ReplayMode = 'resume' | 'restart';

/** What replaying one step does: skipped (kept), or run again with its side effect and key. */
export interface StepPreview {
  step: string;
  activity: string;
  runs: boolean;
  /** Skipped by a resume run: the result kept from the run resumed (what later steps and compensations read). */
  kept?: unknown;
  /** In words: "charges again with key …", "kept: done in this run". */
  effect: string;
  idempotencyKey?: string;
}

export interface PlanItem {
  orderId: string;
  engine: Engine;
  /** The run replayed (resume) or restarted from (restart). */
  run: string;
  status: SagaState;
  engineStatus: string;
  action: 'rewind' | 'redrive' | 'resumeRun' | 'restart';
  eligible: boolean;
  reason: string;
  /** restart, resumeRun: the new run's name. */
  newRun?: string;
  steps: StepPreview[];
  /** The run's state when planned; applying re-checks it. */
  fingerprint: string;
}

/** POST /api/ops/replays, a dry run. */
export interface ReplayPlan {
  mode: ReplayMode;
  /** Hash of the mode and every item's action and state: applying requires it. */
  planHash: string;
  items: PlanItem[];
  summary: { eligible: number; ineligible: number };
}

export interface ItemResult {
  orderId: string;
  engine: Engine;
  run: string;
  action: PlanItem['action'];
  result: 'applied' | 'skipped' | 'failed';
  detail: string;
  newRun?: string;
}

/** POST /api/ops/replays, applied (the whole plan, or one part of it). */
export interface ReplayResults {
  mode: ReplayMode;
  planHash: string;
  results: ItemResult[];
  summary: { applied: number; skipped: number; failed: number; durationMs: number; perSecond: number };
}
