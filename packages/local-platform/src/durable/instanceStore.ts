import type { HistoryEvent } from './historyEvents';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface InstanceRow {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text, or null when the orchestration has none. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: number;
  lastUpdatedTime: number;
  parentInstanceId: string | null;
  parentTaskId: number | null;
  /** Host bookkeeping derived from actions (sequence counter, retry state); see `Tracker`. */
  tracker: string;
}

export interface MessageRow {
  id: number;
  instanceId: string;
  dueAt: number;
  body: string;
}

export interface ActivityRow {
  id: number;
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: string | null;
}

export interface InstanceQuery {
  createdTimeFrom?: number;
  createdTimeTo?: number;
  statuses?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Exclusive lower bound on (createdTime, instanceId) for paging. */
  after?: { createdTime: number; instanceId: string };
  limit?: number;
}

/** An instance to create: its row and the message that carries its ExecutionStarted. */
export interface NewInstance {
  row: InstanceRow;
  start: MessageRow;
  /** A finished instance with the same ID goes first, with its history and pending work. */
  replaces: boolean;
}

/**
 * Everything one episode changes. Committed in one transaction, so the history an episode appends and the work
 * it creates are durable together or not at all.
 */
export interface EpisodeChanges {
  /** The instance as the episode leaves it. */
  instance: InstanceRow;
  /** Messages the episode consumed or dropped, and the messages of timers it cancelled. */
  removedMessages: number[];
  /** Activities whose results the episode consumed or dropped. */
  removedActivities: number[];
  /** Continue-as-new and rewind start the history again. */
  resetHistory: boolean;
  /** The episode's events as stored (JSON), written as one row keyed by the position of the first. */
  appendHistory?: { fromSeq: number; events: readonly string[] };
  /** New messages, to this instance or to others (a parent learning that its sub-orchestration finished). */
  messages: MessageRow[];
  activities: ActivityRow[];
  /** Sub-orchestrations, created in the parent's commit with its SubOrchestrationInstanceCreated. */
  started: NewInstance[];
}

/** What the engine resumes on start: unfinished instances and the work still pending for them. */
export interface InFlight {
  instances: { row: InstanceRow; history: HistoryEvent[] }[];
  messages: MessageRow[];
  activities: ActivityRow[];
  /** The highest message and activity ids in use; new rows are numbered after them. */
  lastIds: { message: number; activity: number };
}

/**
 * What the engine needs from persistence. Reads see only committed data. Writes resolve once durable; the store
 * may commit writes handed over together (in one turn of the event loop) in one transaction.
 */
export interface InstanceStore {
  getInstance(instanceId: string): InstanceRow | undefined;
  getHistory(instanceId: string): HistoryEvent[];
  queryInstances(query: InstanceQuery): InstanceRow[];
  loadInFlight(): InFlight;

  createInstance(instance: NewInstance): Promise<void>;
  commitEpisode(changes: EpisodeChanges): Promise<void>;
  /** A message from a client (an event, terminate, suspend, resume) to an instance. */
  sendMessage(message: MessageRow): Promise<void>;
  /** Deletes the instances with their history and pending work. */
  purgeInstances(instanceIds: readonly string[]): Promise<void>;
  /** Deletes pending work nobody will consume: its instance finished or started again. */
  discardWork(work: { messages: readonly number[]; activities: readonly number[] }): Promise<void>;
}
