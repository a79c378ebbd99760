/** What the local EventBridge did, for the platform's inspector and for tests. */
export type ActivityKind =
  | 'put-accepted'
  | 'put-failed'
  | 'rule-matched'
  | 'target-delivered'
  | 'target-failed'
  | 'target-retrying'
  | 'target-dead-lettered'
  | 'target-dropped'
  | 'replay-started'
  | 'replay-completed';

export interface ActivityRecord {
  /** ISO 8601 time on the platform clock. */
  time: string;
  kind: ActivityKind;
  eventBusName?: string;
  eventId?: string;
  ruleArn?: string;
  targetId?: string;
  targetArn?: string;
  /** 1 for the first delivery attempt. */
  attempt?: number;
  /** HTTP status of an API destination call. */
  statusCode?: number;
  errorCode?: string;
  message?: string;
  replayName?: string;
  /** When a retry is due (target-retrying). */
  nextAttemptAt?: string;
}

/**
 * A bounded ring buffer: the newest `capacity` records, oldest first. A record is added for every event routed and
 * every delivery, so adding overwrites the oldest slot in place rather than shifting the array (which cost O(capacity)
 * per event once full).
 */
export class ActivityLog {
  private readonly records: ActivityRecord[] = [];
  /** Where the next record goes once the buffer is full (the oldest record's slot). */
  private next = 0;

  constructor(private readonly capacity = 1000) {}

  add(record: ActivityRecord): void {
    if (this.capacity <= 0) return;
    if (this.records.length < this.capacity) {
      this.records.push(record);
      return;
    }
    this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }

  list(): ActivityRecord[] {
    const ordered = [...this.records.slice(this.next), ...this.records.slice(0, this.next)];
    return ordered.map((r) => ({ ...r }));
  }
}
