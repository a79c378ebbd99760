// The durable engine as the rest of the platform uses it; everything else in durable/ is internal to the engine.
export { durableClientPayload, RPC_BASE, WEBHOOK_BASE } from './clientBinding';
export { DurableEngine } from './engine';
export type { EngineOptions } from './engine';
export type { DurableEngineEvents } from './engineContext';
export type { DurableWorker } from './durableWorker';
export {
  DurableEngineError,
  InstanceAlreadyExistsError,
  InstanceNotFailedError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  NonDeterministicOrchestrationError,
  OrchestratorNotFoundError,
  UnsupportedActionError,
} from './errors';
export { RegistryDurableWorker } from './functionsWorker';
export { EventType } from './historyEvents';
export type { FailureDetails, HistoryEvent } from './historyEvents';
export { DurableHttpApi } from './httpApi';
export type { InstanceStatus, StatusOptions } from './instanceStatus';
export type { InstanceQuery, InstanceRow, InstanceStore, RuntimeStatus } from './instanceStore';
export { DurableStore } from './store';
export type { StoreOptions } from './store';
