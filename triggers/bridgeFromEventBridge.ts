import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { messageSender } from '../adapters/appPorts';
import { ServiceBusSendError } from '../adapters/serviceBus/messageSender';
import { ConfigurationError, optionalSetting, requiredSetting } from '../adapters/settings';
import {
  assertServiceBusMessageFits,
  crossingDecision,
  EventTooLargeError,
  markCrossing,
  MalformedCloudEventError,
  MalformedEventBridgeEventError,
  PUT_EVENTS_MAX_ENTRY_BYTES,
  readEventBridgeEvent,
  SERVICE_BUS_MAX_MESSAGE_BYTES,
  toServiceBusMessage,
  type ServiceBusMessageShape,
} from '../bridge';
import { sameKey } from './bridgeAccessKey';
import { errorResponse } from './errorResponse';
import { ORDERS_TOPIC } from './orderPlacedSubscription';

/**
 * Bodies above this are refused before they are parsed: an EventBridge event is at most 256 KB, so a larger body
 * cannot become a Service Bus message however it is mapped.
 */
const MAX_BODY_BYTES = 2 * SERVICE_BUS_MAX_MESSAGE_BYTES;

/**
 * AWS → Azure: `POST /api/bridge/eventbridge`, the target of the EventBridge API destination. The event is sent to
 * the integration topic with `messageId` = the CloudEvent id, so the topic's duplicate detection turns EventBridge's
 * at-least-once delivery into one message. It answers 2xx only once Service Bus accepted the message: any failure
 * here is a 5xx, which EventBridge retries (up to a day, then its dead-letter queue). An event that came from
 * Azure is acknowledged and dropped, so it cannot echo back (the rule's pattern excludes it too).
 *
 * 401 wrong or missing API key; 400 malformed event (EventBridge does not retry 4xx: the event goes to its
 * dead-letter queue with this reason); 413 over Service Bus's message size.
 */
export async function bridgeFromEventBridge(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const header = optionalSetting('BRIDGE_API_KEY_HEADER', 'x-bridge-api-key');
  let expected: string;
  try {
    expected = requiredSetting('BRIDGE_API_KEY', 'checking the API key EventBridge sends to the bridge');
  } catch (e) {
    context.error((e as Error).message);
    return errorResponse(500, {
      code: 'BridgeNotConfigured',
      message: 'The bridge has no API key configured.',
      where: 'Function App settings',
      fix: 'Set BRIDGE_API_KEY in the Function App settings (the Function App log names what is missing).',
    });
  }
  const given = request.headers.get(header);
  if (given === null || !sameKey(given, expected))
    return errorResponse(401, {
      code: 'Unauthorized',
      message: `Missing or wrong API key in header ${header}.`,
      where: `header ${header}`,
      fix: "The EventBridge connection's API key must equal the Function App's BRIDGE_API_KEY.",
    });

  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES)
    return errorResponse(413, {
      code: 'EventTooLarge',
      message: `The request body is ${body.length.toLocaleString('en-US')} bytes; the bridge accepts at most ${MAX_BODY_BYTES.toLocaleString('en-US')}.`,
      where: 'body',
      fix: `Send an EventBridge event of at most ${PUT_EVENTS_MAX_ENTRY_BYTES.toLocaleString('en-US')} bytes.`,
    });

  let message: ServiceBusMessageShape;
  let eventId: string;
  try {
    const event = readEventBridgeEvent(body);
    eventId = event.id;
    const decision = crossingDecision(event, 'azure');
    if (!decision.cross) {
      context.log(`Bridge from AWS: ${decision.reason}`);
      return { status: 200, jsonBody: { status: 'ignored', eventId, reason: decision.reason } };
    }
    message = toServiceBusMessage(markCrossing(event, 'aws'));
    assertServiceBusMessageFits(message, eventId);
  } catch (e) {
    if (e instanceof EventTooLargeError)
      return errorResponse(
        413,
        { code: 'EventTooLarge', message: e.message, where: 'body', fix: 'Send a smaller event.' },
        { limit: e.limitName, limitBytes: e.limitBytes },
      );
    if (e instanceof MalformedEventBridgeEventError || e instanceof MalformedCloudEventError)
      return errorResponse(400, {
        code: 'MalformedEvent',
        message: e.message,
        where: 'body',
        fix: 'Send an EventBridge event whose detail is a CloudEvent (specversion, id, source, type).',
      });
    throw e;
  }

  const topic = optionalSetting('ORDER_EVENTS_TOPIC', ORDERS_TOPIC);
  try {
    await messageSender().send(topic, [message]);
  } catch (e) {
    // A 5xx makes EventBridge retry; the same messageId then lets duplicate detection drop a send that did land.
    const retriable = !(e instanceof ConfigurationError) && !(e instanceof ServiceBusSendError && !e.retriable);
    context.error(`Bridge from AWS: event ${eventId} not sent to ${topic}: ${(e as Error).message}`);
    return errorResponse(retriable ? 503 : 500, {
      code: 'ServiceBusUnavailable',
      message: `Service Bus did not accept event ${eventId}.`,
      where: `topic ${topic}`,
      fix: retriable
        ? 'None needed: EventBridge retries the event.'
        : "The Function App's Service Bus settings are wrong; its log says which.",
    });
  }
  context.log(
    `Bridge from AWS: event ${eventId} (${message.subject}) sent to ${topic} as message ${message.messageId}.`,
  );
  return { status: 202, jsonBody: { status: 'accepted', eventId, messageId: message.messageId, topic } };
}

app.http('bridgeFromEventBridge', {
  route: 'bridge/eventbridge',
  methods: ['POST'],
  // EventBridge's connection proves itself with the API key header, not a function key.
  authLevel: 'anonymous',
  handler: bridgeFromEventBridge,
});
