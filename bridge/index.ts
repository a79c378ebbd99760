// The pure mapping and policy layer of the cross-cloud bridges (ARCHITECTURE.md, "Cross-cloud events"): no I/O.
//
// Azure → AWS (Service Bus–triggered): fromServiceBusMessage → crossingDecision(event, 'aws') → toPutEventsEntry
//   → planPutEventsBatches → putEventsWithRetry → dead-letter what failed (putEventsFailureDeadLetter).
// AWS → Azure in batches (HTTP, called by a Firehose stream): parseFirehoseRequest → per record the same path as
//   below → firehoseAnswer.
// AWS → Azure (HTTP, called by an API destination): readEventBridgeEvent → crossingDecision(event, 'azure')
//   → markCrossing(event, 'aws') (or fromEventBridgeEvent for both) → toServiceBusMessage
//   → assertServiceBusMessageFits → send.
export type { BridgeCloudEvent, BridgeOrigin, CloudEventInput } from './cloudEvent';
export { parseCloudEvent } from './cloudEvent';
export { markCrossing } from './crossing';
export {
  BridgeConfigurationError,
  BridgeError,
  EventTooLargeError,
  MalformedCloudEventError,
  MalformedEventBridgeEventError,
  MalformedFirehoseRequestError,
} from './errors';
export type { SizeLimitName } from './errors';
export { traceHeaderToTraceparent, traceparentToTraceHeader } from './traceHeader';
export { toPutEventsEntry } from './toPutEventsEntry';
export { fromEventBridgeEvent, parseEventBridgeEvent, readEventBridgeEvent } from './fromEventBridgeEvent';
export type { EventBridgeEvent } from './fromEventBridgeEvent';
export {
  CLOUDEVENTS_JSON_CONTENT_TYPE,
  SERVICE_BUS_MAX_MESSAGE_ID_LENGTH,
  serviceBusMessageId,
  toServiceBusMessage,
} from './toServiceBusMessage';
export type { ServiceBusMessageShape } from './toServiceBusMessage';
export { fromServiceBusMessage } from './fromServiceBusMessage';
export { firehoseAnswer, parseFirehoseRequest } from './firehoseRequest';
export type { FirehoseRequest } from './firehoseRequest';
export { eventIdOfEntry, PUT_EVENTS_MAX_ENTRY_BYTES, putEventsEntrySize, putEventsEntrySizeError } from './entrySize';
export {
  assertServiceBusMessageFits,
  SERVICE_BUS_MAX_MESSAGE_BYTES,
  SERVICE_BUS_MAX_PROPERTIES_BYTES,
  SERVICE_BUS_MAX_PROPERTY_BYTES,
  serviceBusMessageSize,
} from './serviceBusMessageSize';
export type { ServiceBusMessageSize } from './serviceBusMessageSize';
export {
  PUT_EVENTS_LIMITS,
  PUT_EVENTS_MAX_ENTRIES,
  PUT_EVENTS_MAX_REQUEST_BYTES,
  planPutEventsBatches,
} from './putEventsBatches';
export type { PutEventsBatch, PutEventsBatchPlan, PutEventsLimits, RejectedPutEventsEntry } from './putEventsBatches';
export {
  backoffDelayMs,
  DEFAULT_PUT_EVENTS_RETRY_POLICY,
  isRetriableCallError,
  isRetriableEntryError,
  NON_RETRIABLE_CALL_ERROR_NAMES,
  NON_RETRIABLE_ENTRY_ERROR_CODES,
  putEventsWithRetry,
} from './resendFailedEntries';
export type {
  DeliveredEntry,
  FailedEntry,
  PutEventsCall,
  PutEventsOutcome,
  RetryPolicy,
  RetryTiming,
} from './resendFailedEntries';
export { crossingDecision } from './loopGuard';
export type { CrossingCandidate, CrossingDecision } from './loopGuard';
export {
  DEAD_LETTER_DESCRIPTION_MAX_CHARS,
  deadLetter,
  deadLetterForError,
  DeadLetterReasons,
  putEventsFailureDeadLetter,
} from './deadLetterReasons';
export type { DeadLetter, DeadLetterReason } from './deadLetterReasons';
