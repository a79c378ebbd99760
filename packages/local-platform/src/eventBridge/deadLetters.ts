/**
 * The message attributes EventBridge sets on a dead-letter message (EventBridge User Guide, "Event retry policy
 * and using dead-letter queues"). Values are strings, as SQS message attributes are.
 */
export interface DeadLetterAttributes {
  RULE_ARN: string;
  TARGET_ARN: string;
  /** e.g. ERROR_FROM_TARGET, TIMEOUT, CONNECTION_FAILURE, NO_RESOURCE, INVALID_JSON, INVALID_PARAMETER. */
  ERROR_CODE: string;
  ERROR_MESSAGE: string;
  /** Present only when a retry limit ended the delivery: MaximumRetryAttempts or MaximumEventAgeInSeconds. */
  EXHAUSTED_RETRY_CONDITION?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  /** Retries made after the first attempt. */
  RETRY_ATTEMPTS: string;
}

export interface DeadLetterRecord {
  /** The target's DeadLetterConfig.Arn (an SQS queue ARN). */
  queueArn: string;
  /** The message body: the event JSON as EventBridge would have delivered it without input shaping. */
  event: string;
  attributes: DeadLetterAttributes;
  /** ISO 8601 time the event was dead-lettered, on the platform clock. */
  time: string;
}

/**
 * Dead-lettered events. There is no local SQS: the messages EventBridge would send to a target's dead-letter
 * queue are kept here, in memory, and returned by `LocalEventBridge.deadLetters(queueArn)`.
 */
export class DeadLetterStore {
  private readonly records: DeadLetterRecord[] = [];

  /** `keep` hears every new record, to keep it beyond a restart. */
  constructor(private readonly keep?: (record: DeadLetterRecord) => void) {}

  add(record: DeadLetterRecord): void {
    this.records.push(record);
    this.keep?.(record);
  }

  /** A record kept from before a restart. */
  restore(record: DeadLetterRecord): void {
    this.records.push(record);
  }

  list(queueArn?: string): DeadLetterRecord[] {
    return this.records
      .filter((r) => queueArn === undefined || r.queueArn === queueArn)
      .map((r) => ({ ...r, attributes: { ...r.attributes } }));
  }
}
