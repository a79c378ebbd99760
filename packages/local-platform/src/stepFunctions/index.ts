export { LocalStepFunctions } from './localStepFunctions';
export type { Redrivability } from './api';
export type { LocalStepFunctionsOptions } from './localStepFunctions';
export * from './errors';
export type { ExecutionRow, ExecutionStatus, StateMachineRow } from './store';
export { MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from './limits';
