import type { StoredMessage } from './message';
import type { FilterMessage } from './sqlAst';

/** A subscription rule's filter: SQL, correlation, or the constant true/false filters. */
export interface RuleFilter {
  matches(message: FilterMessage): boolean;
}

export const TRUE_FILTER: RuleFilter = { matches: () => true };
export const FALSE_FILTER: RuleFilter = { matches: () => false };

/** Builds the view filters read, once per message, shared by all subscriptions of a topic. */
export function filterView(m: StoredMessage, size: number): FilterMessage {
  return {
    system: {
      MessageId: m.messageId,
      CorrelationId: m.correlationId ?? null,
      To: m.to ?? null,
      ReplyTo: m.replyTo ?? null,
      Label: m.subject ?? null,
      Subject: m.subject ?? null,
      SessionId: m.sessionId ?? null,
      ReplyToSessionId: m.replyToSessionId ?? null,
      ContentType: m.contentType ?? null,
      PartitionKey: m.partitionKey ?? null,
      ViaPartitionKey: null,
      TimeToLive: m.timeToLive ?? null,
      ScheduledEnqueueTimeUtc: m.scheduledEnqueueTime === undefined ? null : new Date(m.scheduledEnqueueTime),
      EnqueuedTimeUtc: new Date(m.enqueuedTime),
      ExpiresAtUtc: Number.isFinite(m.expiresAt) ? new Date(m.expiresAt) : null,
      SequenceNumber: m.sequenceNumber,
      EnqueuedSequenceNumber: m.sequenceNumber,
      DeliveryCount: m.deliveryCount,
      Size: size,
      DeadLetterSource: m.deadLetterSource ?? null,
    },
    properties: m.applicationProperties,
  };
}
