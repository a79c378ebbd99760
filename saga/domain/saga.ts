import type { Order } from './order';

/**
 * What an activity returns. A business refusal (out of stock, card declined) is a result, not an exception:
 * retrying cannot change it. Exceptions mean "try again" and are retried by the step's policy.
 */
export type StepResult<T = unknown> = { ok: true; data: T } | { ok: false; code: string; reason: string };

export type SagaOutcome = 'Completed' | 'Compensated' | 'NeedsAttention';

/** The input every saga activity receives. */
export interface StepInput {
  order: Order;
  /**
   * The run making the call (saga/domain/runName.ts): the order id on the first run, `<orderId>.r<N>` on an
   * operator's restart. Money and outcome keys include it, so a restart is a new attempt of the order; retries,
   * redeliveries and resumes (rewind, redrive) stay in the same run and keep the same keys. Absent = the order id.
   */
  run?: string;
  /**
   * The engine's part of the side-effect identity: `sfn` on Step Functions executions (their state machine sends
   * it), absent on Durable. The same order run on both engines is two runs, each holding its own stock and making
   * its own charge under its own keys, so neither engine's run answers from (or undoes) the other's. Absent also on
   * executions started on a state machine from before it existed: they keep the keys they started with.
   */
  keyScope?: string;
  /** Data returned by the steps done so far, by step name (e.g. the charge id for the refund). */
  results: Record<string, unknown>;
  /** For steps that run after compensation ('always'), how the saga ended. */
  outcome?: { outcome: SagaOutcome; failedStep?: string; reason?: string; compensations?: CompensationRecord[] };
  /** Best-effort steps that failed so far. */
  warnings?: { step: string; reason: string }[];
}

export interface StepRecord {
  step: string;
  activity: string;
  status: 'done' | 'rejected' | 'failed' | 'timedOut';
  reason?: string;
  /** Engine-specific detail behind `reason` (the last error's message, the attempt count). */
  detail?: string;
}

export interface CompensationRecord {
  step: string;
  activity: string;
  status: 'done' | 'failed';
  reason?: string;
  /** Engine-specific detail behind `reason` (the last error's message, the attempt count). */
  detail?: string;
}

export interface SagaResult {
  orderId: string;
  outcome: SagaOutcome;
  failedStep?: string;
  reason?: string;
  steps: StepRecord[];
  compensations: CompensationRecord[];
  /** Best-effort steps that failed; the saga went on. */
  warnings: { step: string; reason: string }[];
  /** Activities and waits in the order they happened; the AWS mirror must produce the same list. */
  trace: string[];
  /** Set when an operator decided about a parked saga. */
  resolution?: { action: string; by?: string; note?: string; at?: string };
  /** Events the saga received and did not act on (a confirmation the gateway does not back), with why. */
  ignoredEvents?: { event: string; reason: string }[];
}

/** Custom status, visible in GET /api/orders/{id} and the Durable status API while the saga runs. */
export interface SagaStatus {
  orderId: string;
  phase: 'running' | 'awaiting' | 'compensating' | 'parked' | 'done';
  step?: string;
  outcome?: SagaOutcome;
  failedStep?: string;
  reason?: string;
  failedCompensations?: CompensationRecord[];
  /** While parked: what the saga did so far, for the operator deciding. */
  trace?: string[];
  /** While awaiting: events received and not acted on, with why (a forged or mismatched confirmation). */
  ignoredEvents?: { event: string; reason: string }[];
  /** While parked: operator decisions that were not valid, as received (shortened) and why; the saga waits on. */
  rejectedDecisions?: { received: string; reason: string }[];
}
