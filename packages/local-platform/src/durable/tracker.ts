import type { RetryOptions } from './actions';
import type { FailureDetails } from './historyEvents';

/**
 * Host-side bookkeeping for one execution, derived from the actions the orchestrator returned. The library
 * numbers every task it tracks with one counter; the host must give its TaskScheduled / TimerCreated /
 * SubOrchestrationInstanceCreated events the same numbers, including for continuations the library creates
 * internally (retry timers, rescheduled attempts, long-timer intervals) that produce no action.
 */
export interface Tracker {
  nextId: number;
  /** Per flattened action, in order: its signature and the sequence number it took (null: none). */
  actions: [signature: string, eventId: number | null][];
  open: Record<number, OpenTask>;
  retries: Record<number, RetryGroup>;
  /** Per CreateTimer action index: the id of its currently pending timer. */
  timerOfAction: Record<number, number>;
  waitsByName: Record<string, number>;
}

export type OpenTask =
  | { kind: 'activity'; name: string; retry?: number }
  | { kind: 'subOrchestration'; name: string; instanceId: string; retry?: number }
  | { kind: 'timer'; action: number; finalFireAt: number; fireAt: number }
  | { kind: 'retryTimer'; retry: number };

export interface RetryGroup {
  kind: 'activity' | 'subOrchestration';
  name: string;
  input: string | null;
  instanceId?: string;
  version?: string;
  options: RetryOptions;
  attempts: number;
  firstAttemptAt: number;
  timedOut?: boolean;
  lastFailure?: { Reason?: string; Details?: string; FailureDetails?: FailureDetails };
}

export function newTracker(): Tracker {
  return { nextId: 0, actions: [], open: {}, retries: {}, timerOfAction: {}, waitsByName: {} };
}
