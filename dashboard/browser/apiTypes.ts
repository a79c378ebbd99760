/**
 * The ops HTTP API's answers as the page reads them. They mirror the ops library's types (the page is compiled
 * for the browser apart from the app); test/dashboard/apiTypes.test.ts fails the lint when they drift.
 */

export type Engine = 'durable' | 'stepFunctions';
export const ENGINES: Engine[] = ['durable', 'stepFunctions'];
export const ENGINE_LABEL: Record<Engine, string> = { durable: 'Durable Functions', stepFunctions: 'Step Functions' };

export type SagaState =
  'Running' | 'Awaiting' | 'Stuck' | 'NeedsAttention' | 'Compensated' | 'Completed' | 'Failed' | 'Terminated';
export const SAGA_STATES: SagaState[] = [
  'Running',
  'Awaiting',
  'Stuck',
  'NeedsAttention',
  'Compensated',
  'Completed',
  'Failed',
  'Terminated',
];

export type SagaPhase = 'running' | 'awaiting' | 'compensating' | 'parked' | 'done';
export const SAGA_PHASES: SagaPhase[] = ['running', 'awaiting', 'compensating', 'parked', 'done'];

export interface SagaRun {
  engine: Engine;
  run: string;
  orderId?: string;
  attempt?: number;
  status: SagaState;
  engineStatus: string;
  createdAt: string;
  updatedAt: string;
  phase?: SagaPhase;
  step?: string;
  outcome?: string;
  reason?: string;
  stuckRule?: string;
}

export interface AttemptEntry {
  kind: 'attempt';
  activity: string;
  attempt: number;
  start: string;
  end?: string;
  durationMs?: number;
  result: 'succeeded' | 'failed' | 'timedOut' | 'running';
  error?: string;
}

export interface WaitEntry {
  kind: 'wait';
  event: string;
  start: string;
  deadline: string;
  end?: string;
  result: 'received' | 'timedOut' | 'waiting';
}

export type TimelineEntry = AttemptEntry | WaitEntry;

export interface RunDetail {
  run: SagaRun;
  input: unknown;
  output?: unknown;
  /** Durable's custom status, where the API gives it. */
  customStatus?: unknown;
  trace: string[];
  timeline: TimelineEntry[];
  resume: { eligible: boolean; action: 'rewind' | 'redrive'; reason: string };
}

export interface TraceDiff {
  same: boolean;
  firstDivergence?: { index: number; durable?: string; stepFunctions?: string };
  missingOnDurable: string[];
  missingOnStepFunctions: string[];
  outcome?: { durable?: string; stepFunctions?: string };
  attempts: { activity: string; durable: number; stepFunctions: number }[];
}

export interface OrderView {
  orderId: string;
  runs: SagaRun[];
  latest: Partial<Record<Engine, RunDetail>>;
  diff?: TraceDiff;
}

export interface SagaPage {
  runs: SagaRun[];
  continuationToken?: string;
}

export interface Overview {
  generatedAt: string;
  total: number;
  orphans: number;
  byEngine: Partial<Record<Engine, Record<SagaState, number>>>;
  startedPerMinute: { minute: string; byEngine: Partial<Record<Engine, number>> }[];
  oldestNeedingAction?: SagaRun;
}

export interface PayloadText {
  text: string;
  chars: number;
  truncated: boolean;
}

export interface StepCallView {
  orderId: string;
  engine: Engine;
  run: string;
  call: number;
  activity: string;
  input?: PayloadText;
  output?: PayloadText;
  error?: PayloadText;
}

export type ReplayMode = 'resume' | 'restart';

export interface StepPreview {
  step: string;
  activity: string;
  runs: boolean;
  effect: string;
  idempotencyKey?: string;
}

export interface PlanItem {
  orderId: string;
  engine: Engine;
  run: string;
  status: SagaState;
  engineStatus: string;
  action: 'rewind' | 'redrive' | 'restart';
  eligible: boolean;
  reason: string;
  newRun?: string;
  steps: StepPreview[];
}

export interface ReplayPlan {
  mode: ReplayMode;
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

export interface ReplayResults {
  mode: ReplayMode;
  planHash: string;
  results: ItemResult[];
  summary: { applied: number; skipped: number; failed: number; durationMs: number; perSecond: number };
}

export type AuditAction = 'replay' | 'decide' | 'terminate' | 'purge';

export interface AuditEntry {
  id: string;
  at: string;
  who: string;
  action: AuditAction;
  dryRun: boolean;
  reason: string;
  mode?: string;
  planHash?: string;
  targets: { orderId: string; engine: Engine; run?: string }[];
  outcomes?: { orderId: string; engine: Engine; result: string; detail: string }[];
}

export interface AuditPage {
  entries: AuditEntry[];
  continuationToken?: string;
}

export type Role = 'reader' | 'operator';

export interface SagaStepView {
  name: string;
  activity: string;
  compensation?: string;
  critical: boolean;
  awaits?: { event: string; timeoutMs: number };
  runs: 'success' | 'always';
}

export interface Session {
  caller: { name: string; role: Role };
  saga: { name: string; steps: SagaStepView[]; park: { event: string; timeoutMs: number } };
}

/** The error body every ops route answers with. */
export interface ErrorBody {
  error: { code: string; message: string };
}
