/**
 * History events in the shape the durable-functions library reads (PascalCase, EventType numbers as in
 * DurableTask.Core). Completion events carry EventId -1; scheduling events carry the task's sequence number.
 */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
}

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 with milliseconds; persisted exactly because replay derives currentUtcDateTime from it. */
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string | null;
  Version?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  OrchestrationStatus?: string;
  ParentInstance?: { InstanceId: string; TaskScheduledId: number; Name: string };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export const eventTypeName = (t: EventType): string => EventType[t] ?? `EventType${t}`;

/** Events that answer a task by sequence number (the key the library matches on). */
export function completionTaskId(e: HistoryEvent): number | undefined {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return e.TaskScheduledId;
    case EventType.TimerFired:
      return e.TimerId;
    default:
      return undefined;
  }
}
