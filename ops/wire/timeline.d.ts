/** A run's history as operators read it: each activity attempt, and each wait with its deadline. */

export interface AttemptEntry {
  kind: 'attempt';
  activity: string;
  /** 1 for the first attempt of this call, 2 for its first retry, ... */
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
