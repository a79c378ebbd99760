/** The operator's view of saga runs, the same for both engines. JSON field names of the CLI and HTTP API. */

export type Engine = 'durable' | 'stepFunctions';

/** One status per run, whichever engine ran it (the engine's own status is kept beside it). */
export type SagaState =
  'Running' | 'Awaiting' | 'Stuck' | 'NeedsAttention' | 'Compensated' | 'Completed' | 'Failed' | 'Terminated';

/**
 * Where the run said it was, last: the Durable custom status's `phase` (the runner sets it at each step), or the
 * same read from a Step Functions execution's newest events (`done` once it succeeded).
 */
export type SagaPhase = 'running' | 'awaiting' | 'compensating' | 'parked' | 'done';

export interface SagaRun {
  engine: Engine;
  /** The Durable instance id / the Step Functions execution name. */
  run: string;
  /** The order the run belongs to; absent for an orphan (a run no order saga would be named). */
  orderId?: string;
  /** 1 for the order's first run, N for its Nth (an operator's restart). */
  attempt?: number;
  /** Durable: M for the attempt's Mth resume run (`<run>.resume<M>`), which continues that attempt's run. */
  resume?: number;
  status: SagaState;
  /** The engine's own status: Durable runtimeStatus, Step Functions execution status. */
  engineStatus: string;
  createdAt: string;
  updatedAt: string;
  /** The custom status's phase (Durable) or its equivalent from the history (Step Functions). */
  phase?: SagaPhase;
  /** The step the run is at (running) or failed at (closed). */
  step?: string;
  outcome?: string;
  reason?: string;
  /** Why the run counts as Stuck: the rule that fired. */
  stuckRule?: string;
  /** Step Functions: the execution ARN. */
  executionArn?: string;
}

/** GET /api/ops/sagas: one page of runs across engines. */
export interface SagaPage {
  runs: SagaRun[];
  /** Pass back as `continuationToken` for the next page; absent on the last one. */
  continuationToken?: string;
}

/** GET /api/ops/sagas?counts=true: runs per status, over both engines and per engine. */
export interface StatusCounts {
  total: number;
  byStatus: Record<SagaState, number>;
  byEngine: Record<string, Record<SagaState, number>>;
  /** Saga runs whose name matches no order (started by hand, or by something else). */
  orphans: number;
}
