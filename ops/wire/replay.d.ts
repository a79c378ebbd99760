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
  /** Hash of the mode and every item's action and state, in the selection's order: applying requires it. */
  planHash: string;
  /** The first page of the plan's items; `itemsContinuationToken` pages the rest (GET replays/{planHash}/items). */
  items: PlanItem[];
  summary: { eligible: number; ineligible: number };
  /** Every item counted by its action and eligibility, e.g. `{ restart: { eligible: 480, ineligible: 20 } }`. */
  byAction: Partial<Record<PlanItem['action'], { eligible: number; ineligible: number }>>;
  /** Present when the plan holds more items than `items`: pass it to GET /api/ops/replays/{planHash}/items. */
  itemsContinuationToken?: string;
}

/** GET /api/ops/replays/{planHash}/items: one page of a dry run's items, in the plan's order. */
export interface PlanItemsPage {
  planHash: string;
  items: PlanItem[];
  continuationToken?: string;
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
  /**
   * The failed and skipped sagas first, then applied ones, each up to a bound (100): a large apply's answer stays
   * small. Every saga's result is in the audit entry `auditId` (GET /api/ops/audit, its chunks for large plans).
   */
  results: ItemResult[];
  summary: { applied: number; skipped: number; failed: number; durationMs: number; perSecond: number };
  /** How many sagas' results are not in `results` (only in the audit). */
  omitted?: number;
  /** The audit entry that records every saga's result. */
  auditId?: string;
}
