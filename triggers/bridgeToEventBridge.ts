import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { app, InvocationContext } from '@azure/functions';
import { eventBridgeClient } from '../adapters/aws/eventBridgeClient';
import { intSettingOr, optionalSetting } from '../adapters/settings';
import {
  crossingDecision,
  deadLetterForError,
  eventIdOfEntry,
  fromServiceBusMessage,
  planPutEventsBatches,
  putEventsFailureDeadLetter,
  putEventsWithRetry,
  toPutEventsEntry,
  type DeadLetter,
  type PutEventsCall,
  type RetryPolicy,
} from '../bridge';
import { ORDERS_TOPIC } from './orderPlacedSubscription';
import { setAside, type SetAsideMessage } from './setAside';

export const TO_AWS_SUBSCRIPTION = 'to-aws';
/**
 * PutEvents calls in flight at once per invocation. AWS allows thousands of PutEvents calls per second per account
 * and region; four keep the bus busy without one invocation taking a large share of that quota.
 */
const PUT_EVENTS_CONCURRENCY = 4;
const SOURCE = `${ORDERS_TOPIC}/Subscriptions/${TO_AWS_SUBSCRIPTION}`;

/** One received message with the metadata the batch arrays give for it. */
interface Received {
  body: unknown;
  messageId: string;
  contentType?: string;
  applicationProperties?: Record<string, unknown>;
}

/**
 * The batch's messages with their metadata. The host leaves empty values out of the string arrays, so an array is
 * used only when it has one value per message; the application properties array always has one.
 */
function receivedMessages(messages: unknown[], context: InvocationContext): Received[] {
  const meta = context.triggerMetadata ?? {};
  const aligned = <T>(value: unknown): T[] | undefined =>
    Array.isArray(value) && value.length === messages.length ? (value as T[]) : undefined;
  const ids = aligned<string>(meta.messageIdArray);
  const types = aligned<string>(meta.contentTypeArray);
  const props = aligned<Record<string, unknown>>(meta.applicationPropertiesArray);
  return messages.map((body, i) => ({
    body,
    messageId: ids?.[i] ?? '',
    contentType: types?.[i],
    applicationProperties: props?.[i],
  }));
}

function retryPolicy(): RetryPolicy {
  return {
    maxAttempts: intSettingOr('BRIDGE_PUT_EVENTS_MAX_ATTEMPTS', 5),
    baseDelayMs: intSettingOr('BRIDGE_PUT_EVENTS_BASE_DELAY_MS', 200),
    maxDelayMs: intSettingOr('BRIDGE_PUT_EVENTS_MAX_DELAY_MS', 5_000),
    jitter: 'full',
  };
}

const putEvents: PutEventsCall = (entries) => eventBridgeClient().send(new PutEventsCommand({ Entries: entries }));

/**
 * Azure → AWS: integration events from the topic's `to-aws` subscription go to EventBridge PutEvents, up to ten
 * per call within 256 KB. Only the entries EventBridge failed are resent, with bounded backoff; what cannot go
 * (malformed, oversize, refused, retries exhausted) is set aside with its reason and the batch completes, so one
 * bad event never holds up the others. An event that came from AWS is not sent back: the subscription's filter
 * (`NOT EXISTS(bridgeorigin)`) keeps it out, and this check stops any that a changed filter lets through.
 *
 * Anything else that throws (settings, the dead-letter queue refusing) fails the invocation: Service Bus
 * redelivers the batch, and events that did go may then be put again. EventBridge has no duplicate detection;
 * consumers deduplicate on `detail.id`, the CloudEvent id, which is the same on every delivery.
 */
export async function bridgeToEventBridge(messages: unknown[], context: InvocationContext): Promise<void> {
  const bus = optionalSetting('BRIDGE_EVENT_BUS_NAME', 'default');
  const received = receivedMessages(messages, context);
  const unsendable: SetAsideMessage[] = [];
  const setAsideWith = (m: Received, dl: DeadLetter) => unsendable.push({ ...m, ...dl });
  const entries: PutEventsRequestEntry[] = [];
  const sources: Received[] = [];
  for (const m of received) {
    try {
      const event = fromServiceBusMessage(m.body, m.contentType, m.applicationProperties);
      const decision = crossingDecision(event, 'aws');
      if (!decision.cross) {
        context.log(`Bridge to AWS: message ${m.messageId} not sent. ${decision.reason}`);
        continue;
      }
      entries.push(toPutEventsEntry(event, bus));
      sources.push(m);
    } catch (e) {
      const dl = deadLetterForError(e);
      if (!dl) throw e;
      setAsideWith(m, dl);
    }
  }

  const plan = planPutEventsBatches(entries);
  for (const r of plan.rejected) setAsideWith(sources[r.index], deadLetterForError(r.error)!);
  // What cannot go is set aside before anything is put: should that fail, the redelivered batch has put nothing yet.
  const deadLetterQueue = optionalSetting('BRIDGE_DEADLETTER_QUEUE', 'bridge-deadletter');
  await setAside(context, deadLetterQueue, SOURCE, unsendable);
  const refused: SetAsideMessage[] = [];
  const policy = retryPolicy();
  let sent = 0;
  let next = 0;
  // A few PutEvents calls in flight at once: one at a time, each call waits out its round trip while the trigger's
  // batch (up to 1,000 messages, 100 calls) waits behind it. Each call still resends only its own failed entries.
  const putBatches = async (): Promise<void> => {
    while (next < plan.batches.length) {
      const batch = plan.batches[next++];
      const outcome = await putEventsWithRetry(batch.entries, putEvents, policy);
      sent += outcome.delivered.length;
      for (const f of outcome.failed) {
        const source = sources[batch.indexes[f.index]];
        refused.push({ ...source, ...putEventsFailureDeadLetter(f, eventIdOfEntry(batch.entries[f.index])) });
      }
    }
  };
  const calls = Array.from({ length: Math.min(PUT_EVENTS_CONCURRENCY, plan.batches.length) }, putBatches);
  // Every call settles before anything is set aside or thrown: a failing call must not leave others running.
  const settled = await Promise.allSettled(calls);
  const thrown = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (thrown) throw thrown.reason;
  await setAside(context, deadLetterQueue, SOURCE, refused);
  context.log(
    `Bridge to AWS: ${sent} of ${received.length} message(s) put on event bus ${bus} in ${plan.batches.length} batch(es)` +
      (unsendable.length + refused.length ? `; ${unsendable.length + refused.length} set aside` : ''),
  );
}

app.serviceBusTopic('bridgeToEventBridge', {
  connection: 'ServiceBusConnection',
  topicName: ORDERS_TOPIC,
  subscriptionName: TO_AWS_SUBSCRIPTION,
  cardinality: 'many',
  handler: bridgeToEventBridge,
});
