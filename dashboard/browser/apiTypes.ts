/**
 * The ops HTTP API's answers as the page reads them: the wire types themselves (ops/wire, declarations only, shared
 * with the server, imported as types so nothing of the app is loaded in the browser), and the few values the page
 * needs of them, each checked at compile time to list every member of its type.
 */
import type { Engine, SagaPhase, SagaState } from '../../ops/wire/sagaRun.js';

export type { AuditAction, AuditEntry, AuditPage } from '../../ops/wire/audit.js';
export type { OrderView, RunDetail, TraceDiff } from '../../ops/wire/orderView.js';
export type { Overview } from '../../ops/wire/overview.js';
export type {
  ItemResult,
  PlanItem,
  PlanItemsPage,
  ReplayMode,
  ReplayPlan,
  ReplayResults,
  StepPreview,
} from '../../ops/wire/replay.js';
export type { Engine, SagaPage, SagaPhase, SagaRun, SagaState } from '../../ops/wire/sagaRun.js';
export type { ErrorBody, Role, SagaStepView, Session } from '../../ops/wire/session.js';
export type { PayloadText, StepCallView } from '../../ops/wire/stepCall.js';
export type { AttemptEntry, TimelineEntry, WaitEntry } from '../../ops/wire/timeline.js';

/** Compiles only when `Listed` names every member of `All`. */
type Complete<All, Listed extends All> = [Exclude<All, Listed>] extends [never] ? true : never;

export const ENGINES = ['durable', 'stepFunctions'] as const satisfies readonly Engine[];
export const ENGINE_LABEL: Record<Engine, string> = { durable: 'Durable Functions', stepFunctions: 'Step Functions' };

export const SAGA_STATES = [
  'Running',
  'Awaiting',
  'Stuck',
  'NeedsAttention',
  'Compensated',
  'Completed',
  'Failed',
  'Terminated',
] as const satisfies readonly SagaState[];

export const SAGA_PHASES = [
  'running',
  'awaiting',
  'compensating',
  'parked',
  'done',
] as const satisfies readonly SagaPhase[];

/** A status, phase or engine added to the API and missing here fails the build of the page. */
export const LISTS_COMPLETE: [
  Complete<Engine, (typeof ENGINES)[number]>,
  Complete<SagaState, (typeof SAGA_STATES)[number]>,
  Complete<SagaPhase, (typeof SAGA_PHASES)[number]>,
] = [true, true, true];
