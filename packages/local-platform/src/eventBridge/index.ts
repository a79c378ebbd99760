export { LocalEventBridge } from './localEventBridge';
export type {
  CreateApiDestinationInput,
  CreateArchiveInput,
  CreateConnectionInput,
  CreateEventBusInput,
  EventBridgeRequest,
  LocalEventBridgeOptions,
  PutEventsInput,
  PutEventsOutput,
  PutRuleInput,
  PutTargetsInput,
  PutTargetsOutput,
} from './localEventBridge';
export type { ActivityKind, ActivityRecord } from './activity';
export type { DeadLetterAttributes, DeadLetterRecord } from './deadLetters';
export type { PutEventsEntry, PutEventsFault } from './faults';
export type { EventEnvelope } from './events';
export type { StepFunctionsStarter } from './targets/stepFunctions';
export * from './errors';
export { MAX_ENTRY_BYTES, MAX_PUT_EVENTS_ENTRIES, MAX_TARGETS_PER_RULE } from './limits';
