import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { messageSender } from '../adapters/appPorts';
import { httpErrorBody, type HttpErrorDetail } from '../adapters/httpError';
import { ServiceBusSendError } from '../adapters/serviceBus/messageSender';
import type { OutboundMessage } from '../adapters/serviceBus/outboundMessage';
import { ConfigurationError, optionalSetting, requiredSetting } from '../adapters/settings';
import {
  assertServiceBusMessageFits,
  crossingDecision,
  deadLetterForError,
  firehoseAnswer,
  MalformedFirehoseRequestError,
  markCrossing,
  parseFirehoseRequest,
  readEventBridgeEvent,
  toServiceBusMessage,
  type FirehoseRequest,
} from '../bridge';
import { sameKey } from './bridgeAccessKey';
import { ORDERS_TOPIC } from './orderPlacedSubscription';
import { setAside, type SetAsideMessage } from './setAside';

/** Firehose sends the key configured on the stream's endpoint in this header, verbatim. */
const ACCESS_KEY_HEADER = 'x-amz-firehose-access-key';
/**
 * A Firehose request holds at most 64 MB of records (the largest buffer size), base64-encoded (4/3) in a JSON
 * envelope: anything larger did not come from a Firehose stream.
 */
const MAX_BODY_BYTES = Math.ceil((64 * 1024 * 1024 * 4) / 3) + 1024 * 1024;
const SOURCE = 'bridge/firehose';

/** An error answer in both shapes: Firehose's (`requestId`, `timestamp`, `errorMessage`) and the app's (`error`). */
function refuse(status: number, requestId: string, detail: HttpErrorDetail): HttpResponseInit {
  return { status, jsonBody: { ...firehoseAnswer(requestId, Date.now(), detail.message), ...httpErrorBody(detail) } };
}

/**
 * AWS → Azure in batches: `POST /api/bridge/firehose`, the HTTP endpoint destination of the Firehose stream the
 * `bridge-to-azure` rule targets. Each record is one EventBridge event, mapped to a CloudEvent exactly as the API
 * destination path maps it (`readEventBridgeEvent`, the loop guard, `markCrossing`) and sent to the integration
 * topic in as few Service Bus batches as the link allows, with `messageId` = the CloudEvent id, so duplicate
 * detection turns Firehose's retries (which resend the whole request) into one message per event.
 *
 * It answers 200 only once Service Bus accepted every good record and the bad ones were set aside; a Service Bus
 * failure is a 5xx, which Firehose retries for the stream's retry duration (then backs the records up to S3). A
 * record that is not an event, or too large for Service Bus, is moved to `bridge-deadletter` with its reason and
 * never fails the request. 401 wrong or missing access key; 400 a body that is not a Firehose request; 413 larger
 * than any Firehose request.
 */
export async function bridgeFromFirehose(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const headerRequestId = request.headers.get('x-amz-firehose-request-id') ?? '';
  let expected: string;
  try {
    expected = requiredSetting('BRIDGE_API_KEY', 'checking the access key Firehose sends to the bridge');
  } catch (e) {
    context.error((e as Error).message);
    return refuse(500, headerRequestId, {
      code: 'BridgeNotConfigured',
      message: 'The bridge has no access key configured.',
      where: 'Function App settings',
      fix: 'Set BRIDGE_API_KEY in the Function App settings (the Function App log names what is missing).',
    });
  }
  const given = request.headers.get(ACCESS_KEY_HEADER);
  if (given === null || !sameKey(given, expected))
    return refuse(401, headerRequestId, {
      code: 'Unauthorized',
      message: 'Missing or wrong access key in header X-Amz-Firehose-Access-Key.',
      where: 'header X-Amz-Firehose-Access-Key',
      fix: "The Firehose stream's HTTP endpoint access key must equal the Function App's BRIDGE_API_KEY.",
    });

  const tooLarge = (bytes: number): HttpResponseInit =>
    refuse(413, headerRequestId, {
      code: 'RequestTooLarge',
      message: `The request body is ${bytes.toLocaleString('en-US')} bytes; a Firehose request is at most ${MAX_BODY_BYTES.toLocaleString('en-US')}.`,
      where: 'body',
      fix: 'Set the stream’s BufferingHints.SizeInMBs to at most 64.',
    });
  // A declared length refuses before the body is read; the body's own length covers a chunked request.
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return tooLarge(declared);
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES) return tooLarge(body.length);
  let batch: FirehoseRequest;
  try {
    batch = parseFirehoseRequest(body);
  } catch (e) {
    if (!(e instanceof MalformedFirehoseRequestError)) throw e;
    return refuse(400, headerRequestId, {
      code: 'MalformedRequest',
      message: e.message,
      where: `body field ${e.field}`,
      fix: 'Point only a Firehose stream (HTTP endpoint destination) at this endpoint.',
    });
  }
  const { requestId } = batch;

  const messages: OutboundMessage[] = [];
  const unsendable: SetAsideMessage[] = [];
  let ignored = 0;
  batch.records.forEach((record, i) => {
    try {
      const event = readEventBridgeEvent(record);
      const decision = crossingDecision(event, 'azure');
      if (!decision.cross) {
        ignored++;
        context.log(`Bridge from AWS (Firehose ${requestId}): record ${i}: ${decision.reason}`);
        return;
      }
      const message = toServiceBusMessage(markCrossing(event, 'aws'));
      assertServiceBusMessageFits(message, event.id);
      messages.push(message);
    } catch (e) {
      const dl = deadLetterForError(e);
      if (!dl) throw e;
      // The id is the same on every attempt of this request, so a retried request sets the record aside once.
      unsendable.push({
        body: record,
        messageId: `${requestId}-${i}`,
        contentType: 'application/json',
        reason: dl.reason,
        description: `Record ${i} of Firehose request ${requestId}: ${dl.description}`,
      });
    }
  });

  const topic = optionalSetting('ORDER_EVENTS_TOPIC', ORDERS_TOPIC);
  const deadLetterQueue = optionalSetting('BRIDGE_DEADLETTER_QUEUE', 'bridge-deadletter');
  // The good records first: sending them again after a failure is absorbed by duplicate detection.
  for (const [entity, send] of [
    [topic, () => (messages.length ? messageSender().send(topic, messages) : Promise.resolve())],
    [deadLetterQueue, () => setAside(context, deadLetterQueue, SOURCE, unsendable)],
  ] as const) {
    try {
      await send();
    } catch (e) {
      const retriable = !(e instanceof ConfigurationError) && !(e instanceof ServiceBusSendError && !e.retriable);
      context.error(`Bridge from AWS: Firehose request ${requestId} not sent to ${entity}: ${(e as Error).message}`);
      return refuse(retriable ? 503 : 500, requestId, {
        code: 'ServiceBusUnavailable',
        message: `Service Bus did not accept the events of Firehose request ${requestId} (${entity}).`,
        where: entity,
        fix: retriable
          ? 'None needed: Firehose retries the request.'
          : "The Function App's Service Bus settings are wrong; its log says which.",
      });
    }
  }
  context.log(
    `Bridge from AWS: Firehose request ${requestId}: ${messages.length} of ${batch.records.length} event(s) sent to ${topic}` +
      (ignored ? `, ${ignored} ignored (loop guard)` : '') +
      (unsendable.length ? `, ${unsendable.length} set aside to ${deadLetterQueue}` : '') +
      '.',
  );
  return { status: 200, jsonBody: firehoseAnswer(requestId, Date.now()) };
}

app.http('bridgeFromFirehose', {
  route: 'bridge/firehose',
  methods: ['POST'],
  // Firehose proves itself with the access key header, not a function key.
  authLevel: 'anonymous',
  handler: bridgeFromFirehose,
});
