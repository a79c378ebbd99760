import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type CloudEventInput, parseCloudEvent } from './cloudEvent';
import { markCrossing } from './crossing';
import { BridgeConfigurationError } from './errors';
import { traceparentToTraceHeader } from './traceHeader';

/**
 * Maps a CloudEvent crossing from Azure to an EventBridge PutEvents entry. The Detail is the WHOLE event in the
 * JSON format (attributes and data), marked as crossing: an entry has no other place for the event id or the
 * extensions, and rules can still match `detail.data.*` or `detail.bridgeorigin`. Source and DetailType repeat
 * the CloudEvents source and type so ordinary `source`/`detail-type` patterns work too.
 *
 * Throws MalformedCloudEventError for an invalid event. Size is not checked here: planPutEventsBatches does,
 * so one oversized event sets only itself aside.
 */
export function toPutEventsEntry(event: CloudEventInput, eventBusName: string): PutEventsRequestEntry {
  if (typeof eventBusName !== 'string' || eventBusName.trim() === '')
    throw new BridgeConfigurationError(
      'toPutEventsEntry needs the name or ARN of the target event bus (got an empty value): check the bridge settings.',
    );
  const id = typeof event?.id === 'string' ? ` '${event.id}'` : '';
  const crossing = markCrossing(parseCloudEvent(event, `event${id} bound for EventBridge`), 'azure');
  const entry: PutEventsRequestEntry = {
    Source: crossing.source,
    DetailType: crossing.type,
    Detail: JSON.stringify(crossing),
    Resources: crossing.subject === undefined ? [] : [crossing.subject],
    EventBusName: eventBusName,
  };
  if (crossing.time !== undefined) {
    const time = new Date(crossing.time);
    // RFC 3339 allows a leap second that Date cannot hold; EventBridge then uses the PutEvents call time.
    if (!Number.isNaN(time.getTime())) entry.Time = time;
  }
  const traceHeader = traceparentToTraceHeader(crossing.traceparent);
  if (traceHeader) entry.TraceHeader = traceHeader;
  return entry;
}
