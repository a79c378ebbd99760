import type { Engine, SagaRun, SagaState } from './sagaRun';

/** GET /api/ops/overview: where each engine stands, how busy it is, and what waits longest. */
export interface Overview {
  generatedAt: string;
  total: number;
  orphans: number;
  /** Runs per normalized status, per engine. */
  byEngine: Partial<Record<Engine, Record<SagaState, number>>>;
  /** Runs started in each of the last minutes, oldest minute first. */
  startedPerMinute: { minute: string; byEngine: Partial<Record<Engine, number>> }[];
  /** The Stuck or NeedsAttention run that started first: the one an on-call engineer looks at first. */
  oldestNeedingAction?: SagaRun;
}
