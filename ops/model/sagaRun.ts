/** The operator's view of saga runs, the same for both engines. JSON field names of the CLI and HTTP API. */

import type { Engine, SagaPhase, SagaRun, SagaState } from '../wire/sagaRun';
export type { Engine, SagaPhase, SagaRun, SagaState };

export const ENGINES: Engine[] = ['durable', 'stepFunctions'];

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

export const SAGA_PHASES: SagaPhase[] = ['running', 'awaiting', 'compensating', 'parked', 'done'];

/** States whose run is over: nothing will happen unless an operator acts. */
export const CLOSED_STATES = new Set<SagaState>(['Compensated', 'Completed', 'Failed', 'Terminated']);
