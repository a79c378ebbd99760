import type { KeptStep } from '../../saga/domain/resumeInput';
import type { OperatorDecision } from '../../saga/domain/operatorDecision';
import type { Engine, SagaPhase, SagaRun, SagaState } from '../model/sagaRun';
import type { StepCall } from '../model/stepCall';
import type { ResumeEligibility, RunDetail as RunView } from '../wire/orderView';

export type { ResumeEligibility, RunView };

/** One run as the tool holds it: what the API shows, and what only the tool may use. */
export interface RunDetail extends RunView {
  /**
   * Step Functions: the token of the task parked on the operator's decision, found in the history. Whoever holds
   * it (and AWS credentials) can complete the decision, so it never leaves the tool: the API strips it.
   */
  decisionToken?: string;
  /**
   * Durable, a Terminated run: the steps its resume run would keep, with their results. The plan's preview shows
   * each kept result (the charge id a resumed saga will verify, say), as the calls route shows a step's output to
   * readers; `show` leaves them out, its timeline has the same answers.
   */
  keptSteps?: KeptStep[];
}

/** Which runs to list. Engines filter what they can server-side; the rest is filtered on each page. */
export interface RunQuery {
  statuses?: SagaState[];
  /** The custom status's phase (see SagaRun.phase). */
  phases?: SagaPhase[];
  orderIdPrefix?: string;
  createdFrom?: number;
  createdTo?: number;
  updatedFrom?: number;
  updatedTo?: number;
  step?: string;
  reasonContains?: string;
}

export interface RunPage {
  runs: SagaRun[];
  /** The engine's continuation; absent on the last page. */
  next?: string;
}

/** One engine, as the operator tool needs it. */
export interface SagaBackend {
  readonly engine: Engine;
  /** One page of runs matching the query, `pageSize` at most. */
  listPage(query: RunQuery, pageSize: number, token?: string): Promise<RunPage>;
  /** Every run of the order on this engine, first run first. */
  runsOf(orderId: string): Promise<SagaRun[]>;
  detail(run: string): Promise<RunDetail | undefined>;
  /**
   * The order's latest run on this engine, or undefined if it never ran here. The timeline (the whole history) is
   * read only when `timeline` is asked for: a restart's plan needs the run's state and input, not its history.
   */
  latest(orderId: string, timeline: boolean): Promise<RunDetail | undefined>;
  /** Every activity call of the run with its input, output or error, in the order they were scheduled. */
  calls(run: string): Promise<StepCall[] | undefined>;
  /**
   * Continue the run from its failed step (Durable rewind, Step Functions RedriveExecution), or, on Durable, start
   * the resume run of a run rewind cannot take (Terminated): a new run of the same attempt skipping what was done.
   */
  resume(run: string, reason: string): Promise<void>;
  /** Start a new run of the saga under `run` with `input`. */
  start(run: string, input: unknown): Promise<void>;
  /** Deliver the decision to the run parked on it. */
  decide(detail: RunDetail, decision: OperatorDecision): Promise<void>;
  terminate(run: string, reason: string): Promise<void>;
  purge(run: string): Promise<void>;
}

/** The filters no engine applies server-side, on one normalized run. */
export function matchesQuery(run: SagaRun, q: RunQuery): boolean {
  if (q.statuses && !q.statuses.includes(run.status)) return false;
  if (q.phases && !(run.phase && q.phases.includes(run.phase))) return false;
  if (q.orderIdPrefix && !(run.orderId ?? run.run).startsWith(q.orderIdPrefix)) return false;
  const created = Date.parse(run.createdAt);
  const updated = Date.parse(run.updatedAt);
  if (q.createdFrom !== undefined && created < q.createdFrom) return false;
  if (q.createdTo !== undefined && created > q.createdTo) return false;
  if (q.updatedFrom !== undefined && updated < q.updatedFrom) return false;
  if (q.updatedTo !== undefined && updated > q.updatedTo) return false;
  if (q.step && run.step !== q.step) return false;
  if (q.reasonContains && !(run.reason ?? '').toLowerCase().includes(q.reasonContains.toLowerCase())) return false;
  return true;
}
