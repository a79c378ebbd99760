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

/** A bounded ring buffer: the newest `capacity` records, oldest first. */
export class ActivityLog {
  private readonly records: ActivityRecord[] = [];

  constructor(private readonly capacity = 1000) {}

  add(record: ActivityRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
  }

  list(): ActivityRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
}
