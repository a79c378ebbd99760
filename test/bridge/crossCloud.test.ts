/**
 * The bridges end to end on the embedded platform: the app's `bridgeToEventBridge` (Service Bus trigger on the
 * `to-aws` subscription) and `bridgeFromEventBridge` (HTTP, the template's API destination, chosen with
 * AZURE_BRIDGE_DELIVERY=ApiDestination; firehoseBridge.test.ts runs the default, Firehose) functions, the local
 * Service Bus, and the local EventBridge with the SAM template's rules, driven through the real
 * `@aws-sdk/client-eventbridge`, on a virtual clock.
 */
import {
  ListApiDestinationsCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import {
  AwsConsumer,
  cloudEvent,
  drain,
  eventBridgeClient,
  publishToTopic,
  routeToConsumer,
  settle,
} from '../fixtures/bridgeHarness';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

/** A busy broker is tried this often per send: once, then the three retries of the app's @azure/service-bus sender. */
const SENDER_ATTEMPTS = 4;

let t: TestPlatform;
let eb: EventBridgeClient;
let consumer: AwsConsumer;
const API_KEY = 'bridge-test-key';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(async () => {
  t = await startOrderApp({
    BRIDGE_API_KEY: API_KEY,
    // This suite runs the bridge through the API destination (the template's other delivery); Firehose has its own.
    AZURE_BRIDGE_DELIVERY: 'ApiDestination',
    BRIDGE_PUT_EVENTS_MAX_ATTEMPTS: '3',
    BRIDGE_PUT_EVENTS_BASE_DELAY_MS: '1',
    BRIDGE_PUT_EVENTS_MAX_DELAY_MS: '4',
  });
  eb = eventBridgeClient(t);
  consumer = await new AwsConsumer().start();
  // Everything the Azure side publishes about bridge-test orders, for an AWS consumer.
  await routeToConsumer(eb, consumer, 'bridge-test-consumer', {
    source: ['/contoso/orders'],
    detail: { data: { orderId: [{ prefix: 'ord-br-' }] } },
  });
  await inventory(t).set({ 'SKU-BR-1': 100, 'SKU-BR-2': 100 });
}, 60_000);
afterAll(async () => {
  eb?.destroy();
  await consumer?.stop();
  await t?.stop();
});
beforeEach(async () => {
  await t.platform.whenIdle();
  consumer.received.length = 0;
  drain(t, 'order-outcomes');
  drain(t, 'order-saga');
});

const aws = () => t.platform.aws!.eventBridge;
const deadLettered = () =>
  t.platform.serviceBus.receive('bridge-deadletter', { maxMessages: 100, mode: 'receiveAndDelete' });
const received = (id: string) => consumer.details().filter((d) => d.id === id);

describe('Azure → AWS (Service Bus to-aws subscription → PutEvents)', () => {
  it("carries the saga's OrderCompleted to an EventBridge rule, once, marked as having crossed from Azure", async () => {
    const res = await postOrder(t, intakeOrder('ord-br-saga', ['SKU-BR-1', 'SKU-BR-2']));
    expect(res.status).toBe(202);
    await settleSaga(t, 'ord-br-saga');
    await settle(t, () => consumer.details().some((d) => d.type === 'OrderCompleted'));

    const completed = consumer.details().filter((d) => d.type === 'OrderCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      specversion: '1.0',
      id: expect.stringContaining('ord-br-saga'),
      source: '/contoso/orders',
      subject: 'ord-br-saga',
      bridgeorigin: 'azure',
      bridgehops: 1,
      data: { orderId: 'ord-br-saga', total: 26, currency: 'EUR', chargeId: expect.stringMatching(/^ch_/) },
    });
    // The EventBridge envelope around it: source and detail-type repeat the CloudEvent's, the subject is the resource.
    const envelope = consumer.received.find((r) => (r.body.detail as { type: string }).type === 'OrderCompleted')!;
    expect(envelope.body).toMatchObject({
      source: '/contoso/orders',
      'detail-type': 'OrderCompleted',
      resources: ['ord-br-saga'],
    });
    expect(envelope.headers['x-consumer-key']).toBe('consumer-secret');
  });

  it('carries an Azure OrderPlaced across, where the AWS saga rule ignores it (one saga per order)', async () => {
    const order = intakeOrder('ord-br-placed', ['SKU-BR-1', 'SKU-BR-2']);
    const before = aws().activity().length;
    publishToTopic(t, [{ ...cloudEvent('evt-br-placed-az', 'OrderPlaced', order), subject: 'ord-br-placed' }]);
    await settle(t, () => received('evt-br-placed-az').length > 0);
    await settleSaga(t, 'ord-br-placed');
    expect(t.platform.engine.getStatus('ord-br-placed')?.runtimeStatus).toBe('Completed');
    expect(received('evt-br-placed-az')[0]).toMatchObject({ type: 'OrderPlaced', bridgeorigin: 'azure' });
    const sagaRule = aws()
      .activity()
      .slice(before)
      .filter((a) => a.ruleArn?.endsWith('order-placed-starts-saga'));
    expect(sagaRule).toEqual([]);
    expect(() =>
      t.platform.aws!.stepFunctions.execution(
        'arn:aws:states:us-east-1:000000000000:execution:orderSaga:ord-br-placed',
      ),
    ).toThrow();
  });

  it('carries traceparent across inside the detail', async () => {
    publishToTopic(t, [
      cloudEvent('evt-br-trace', 'OrderCompleted', { orderId: 'ord-br-trace' }, { traceparent: TRACEPARENT }),
    ]);
    await settle(t, () => received('evt-br-trace').length > 0);
    expect(received('evt-br-trace')[0].traceparent).toBe(TRACEPARENT);
  });

  it('resends only the entries PutEvents failed', async () => {
    aws().injectPutEventsFaults({ count: 2, errorCode: 'InternalFailure' });
    const acceptedBefore = aws()
      .activity()
      .filter((a) => a.kind === 'put-accepted').length;
    const ids = [1, 2, 3, 4, 5].map((i) => `evt-br-partial-${i}`);
    publishToTopic(
      t,
      ids.map((id, i) => cloudEvent(id, 'OrderCompleted', { orderId: `ord-br-partial-${i}` })),
    );
    await settle(t, () => ids.every((id) => received(id).length > 0));

    const activity = aws().activity();
    expect(activity.filter((a) => a.kind === 'put-failed' && a.errorCode === 'InternalFailure')).toHaveLength(2);
    // Five events accepted in all: the three that passed were not put again with the two that failed.
    expect(activity.filter((a) => a.kind === 'put-accepted').length - acceptedBefore).toBe(5);
    for (const id of ids) expect(received(id)).toHaveLength(1);
    expect(deadLettered()).toHaveLength(0);
  });

  it('sets aside, with the reason, a poison message, an oversize event and refused entries; the rest still cross', async () => {
    // An event whose PutEvents entry is over 256 KB while the Service Bus message is still within its limit: the
    // entry counts the subject twice (in Detail and as the resource).
    const big = cloudEvent(
      'evt-br-big',
      'OrderCompleted',
      { orderId: 'ord-br-big', pad: 'x'.repeat(260_400) },
      { subject: `ord-br-big-${'y'.repeat(989)}` },
    );
    publishToTopic(t, [big]);
    publishToTopic(t, [cloudEvent('evt-br-ok', 'OrderCompleted', { orderId: 'ord-br-ok' })]);
    t.platform.serviceBus.send('orders', { body: Buffer.from('{not json'), messageId: 'evt-br-poison' });
    await settle(t, () => received('evt-br-ok').length > 0);
    await t.platform.whenIdle();

    const set = deadLettered();
    const byId = Object.fromEntries(set.map((m) => [m.messageId, m.applicationProperties]));
    expect(Object.keys(byId).sort()).toEqual(['evt-br-big', 'evt-br-poison']);
    expect(byId['evt-br-poison']).toMatchObject({
      DeadLetterReason: 'MalformedCloudEvent',
      DeadLetterSource: 'orders/Subscriptions/to-aws',
    });
    expect(byId['evt-br-big'].DeadLetterReason).toBe('EventTooLarge');
    expect(String(byId['evt-br-big'].DeadLetterErrorDescription)).toMatch(/262,144 bytes.*over/);
    expect(received('evt-br-big')).toHaveLength(0);

    // A non-retriable entry error is set aside at once; a retriable one after the attempts (3 here) run out.
    aws().injectPutEventsFaults({
      count: 1,
      errorCode: 'InvalidArgument',
      errorMessage: 'Parameter Detail is not valid.',
    });
    publishToTopic(t, [cloudEvent('evt-br-refused', 'OrderCompleted', { orderId: 'ord-br-refused' })]);
    await t.platform.whenIdle();
    aws().injectPutEventsFaults({ count: 3, errorCode: 'ThrottlingException' });
    publishToTopic(t, [cloudEvent('evt-br-throttled', 'OrderCompleted', { orderId: 'ord-br-throttled' })]);
    await t.platform.whenIdle();
    const later = Object.fromEntries(deadLettered().map((m) => [m.messageId, m.applicationProperties]));
    expect(later['evt-br-refused']).toMatchObject({ DeadLetterReason: 'PutEventsRejected' });
    expect(String(later['evt-br-refused'].DeadLetterErrorDescription)).toMatch(/InvalidArgument/);
    expect(later['evt-br-throttled']).toMatchObject({ DeadLetterReason: 'PutEventsRetriesExhausted' });
    expect(String(later['evt-br-throttled'].DeadLetterErrorDescription)).toMatch(
      /after 3 attempt\(s\).*ThrottlingException/,
    );
  });
});

describe('AWS → Azure (rule → API destination → POST /api/bridge/eventbridge → Service Bus)', () => {
  const put = (events: ReturnType<typeof cloudEvent>[]) =>
    eb.send(
      new PutEventsCommand({
        Entries: events.map((e) => ({ Source: e.source, DetailType: e.type, Detail: JSON.stringify(e) })),
      }),
    );
  const outcomes = new Map<string, ReturnType<typeof drain>>();
  const arrived = (id: string) => {
    for (const m of drain(t, 'order-outcomes')) outcomes.set(m.messageId, [...(outcomes.get(m.messageId) ?? []), m]);
    return outcomes.get(id) ?? [];
  };

  it('delivers an event to the topic once, marked as from AWS, with its traceparent', async () => {
    const event = cloudEvent('evt-aws-1', 'OrderCompleted', { orderId: 'ord-aws-1' }, { traceparent: TRACEPARENT });
    expect((await put([event])).FailedEntryCount).toBe(0);
    await settle(t, () => arrived('evt-aws-1').length > 0);

    const [message] = arrived('evt-aws-1');
    expect(message.applicationProperties).toMatchObject({
      type: 'OrderCompleted',
      bridgeorigin: 'aws',
      bridgehops: 1,
      traceparent: TRACEPARENT,
      'Diagnostic-Id': TRACEPARENT,
    });
    expect(JSON.parse(message.body.toString('utf8'))).toEqual({ ...event, bridgeorigin: 'aws', bridgehops: 1 });
    // It does not go back to AWS: the to-aws subscription's filter excludes it.
    expect(drain(t, 'to-aws')).toHaveLength(0);
  });

  it('turns a duplicate delivery into one message (duplicate detection on the CloudEvent id)', async () => {
    const event = cloudEvent('evt-aws-dup', 'OrderCompleted', { orderId: 'ord-aws-dup' });
    await put([event]);
    await put([event]);
    await settle(
      t,
      () =>
        aws()
          .activity()
          .filter((a) => a.kind === 'target-delivered' && a.ruleArn?.endsWith('bridge-to-azure')).length >= 2 &&
        arrived('evt-aws-dup').length > 0,
    );
    await t.platform.whenIdle();
    expect(arrived('evt-aws-dup')).toHaveLength(1);
  });

  it('a Service Bus send failure makes the API destination retry, and the event arrives once', async () => {
    // Two requests refused: the app's sender makes SENDER_ATTEMPTS attempts per request.
    t.platform.serviceBus.injectSendFaults('orders', 2 * SENDER_ATTEMPTS);
    const before = aws().activity().length;
    await put([cloudEvent('evt-aws-busy', 'OrderCompleted', { orderId: 'ord-aws-busy' })]);
    await settle(t, () => arrived('evt-aws-busy').length > 0, '30s');

    const bridge = aws()
      .activity()
      .slice(before)
      .filter((a) => a.ruleArn?.endsWith('bridge-to-azure'));
    expect(bridge.filter((a) => a.kind === 'target-failed').map((a) => a.statusCode)).toEqual([503, 503]);
    expect(bridge.filter((a) => a.kind === 'target-retrying')).toHaveLength(2);
    expect(bridge.filter((a) => a.kind === 'target-delivered')).toHaveLength(1);
    await t.platform.whenIdle();
    expect(arrived('evt-aws-busy')).toHaveLength(1);
  });

  it('a malformed CloudEvent is answered 400, not retried, and dead-lettered by EventBridge with the reason', async () => {
    const before = aws().deadLetters().length;
    await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: '/contoso/orders',
            DetailType: 'OrderCompleted',
            Detail: '{"specversion":"1.0","type":"OrderCompleted"}',
          },
        ],
      }),
    );
    await settle(t, () => aws().deadLetters().length > before);
    const [record] = aws().deadLetters().slice(before);
    expect(record.queueArn).toMatch(/BridgeDeadLetterQueue$/);
    expect(record.attributes.RETRY_ATTEMPTS).toBe('0');
    expect(`${record.attributes.ERROR_CODE} ${record.attributes.ERROR_MESSAGE}`).toMatch(/400/);
  });
});

describe("the AWS mirror's OrderPlaced rule", () => {
  it('starts the Step Functions saga for an OrderPlaced put on EventBridge (rule → startOrderSaga Lambda)', async () => {
    const order = {
      orderId: 'ord-br-awsorder',
      customer: { id: 'c-br', email: 'br@example.com' },
      lines: [{ sku: 'SKU-BR-1', qty: 1, unitPrice: 5 }],
      currency: 'EUR',
      total: 5,
      paymentMethod: 'pm_card_visa',
    };
    const before = aws().activity().length;
    await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: '/contoso/storefront',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({
              ...cloudEvent('evt-br-placed', 'OrderPlaced', order),
              source: '/contoso/storefront',
            }),
          },
        ],
      }),
    );
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:orderSaga:ord-br-awsorder';
    const execution = () => {
      try {
        return t.platform.aws!.stepFunctions.execution(arn);
      } catch {
        return undefined;
      }
    };
    await settle(t, () => execution()?.status === 'SUCCEEDED', '1m');
    expect(JSON.parse(execution()!.output!)).toMatchObject({ orderId: 'ord-br-awsorder', outcome: 'Completed' });
    const delivered = aws()
      .activity()
      .slice(before)
      .filter((a) => a.kind === 'target-delivered' && a.ruleArn?.endsWith('order-placed-starts-saga'));
    expect(delivered).toHaveLength(1);
    expect(delivered[0].targetArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:StartOrderSagaFunction');
    // Not an Azure order: the Azure saga did not start for it.
    expect(t.platform.engine.getStatus('ord-br-awsorder')).toBeUndefined();
  });
});

describe('the loop guard', () => {
  it('Service Bus → EventBridge → Service Bus: an echo of an Azure event is acknowledged and not re-published', async () => {
    // A careless AWS rule that sends every order event back to Azure, without the template's exists:false filter.
    const destinations = await eb.send(new ListApiDestinationsCommand({}));
    const azure = destinations.ApiDestinations!.find((d) => d.Name === 'AzureBridgeDestination')!;
    await eb.send(
      new PutRuleCommand({ Name: 'echo-everything', EventPattern: JSON.stringify({ source: ['/contoso/orders'] }) }),
    );
    await eb.send(
      new PutTargetsCommand({ Rule: 'echo-everything', Targets: [{ Id: 'azure', Arn: azure.ApiDestinationArn }] }),
    );
    const before = aws().activity().length;

    publishToTopic(t, [cloudEvent('evt-br-echo', 'OrderCompleted', { orderId: 'ord-br-echo' })]);
    await settle(t, () =>
      aws()
        .activity()
        .slice(before)
        .some((a) => a.kind === 'target-delivered' && a.ruleArn?.endsWith('echo-everything')),
    );
    await t.platform.whenIdle();
    const echo = aws()
      .activity()
      .slice(before)
      .filter((a) => a.ruleArn?.endsWith('echo-everything') && a.kind === 'target-delivered');
    expect(echo).toHaveLength(1);
    expect(echo[0].statusCode).toBe(200);
    // The topic has the original only: one message for the subscription, not two.
    expect(drain(t, 'order-outcomes').filter((m) => m.messageId === 'evt-br-echo')).toHaveLength(1);
    expect(received('evt-br-echo')).toHaveLength(1);
  });

  it('EventBridge → Service Bus → EventBridge: an event from AWS is not put back on the bus', async () => {
    const accepted = () =>
      aws()
        .activity()
        .filter((a) => a.kind === 'put-accepted').length;
    const before = accepted();
    await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: '/contoso/orders',
            DetailType: 'OrderCompleted',
            Detail: JSON.stringify(cloudEvent('evt-aws-loop', 'OrderCompleted', { orderId: 'ord-br-loop' })),
          },
        ],
      }),
    );
    await settle(t, () => drain(t, 'order-outcomes').some((m) => m.messageId === 'evt-aws-loop'));
    await t.platform.whenIdle();
    await t.advanceTime('1m');
    await t.platform.whenIdle();
    // Only the original PutEvents: the bridge to AWS never saw it (subscription filter) and put nothing.
    expect(accepted() - before).toBe(1);
  });
});

describe('POST /api/bridge/eventbridge', () => {
  const url = () => `${t.baseUrl}/api/bridge/eventbridge`;
  const envelope = (detail: unknown) => ({
    version: '0',
    id: 'eb-1',
    'detail-type': 'OrderCompleted',
    source: '/contoso/orders',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
  const post = (body: string, key: string | null = API_KEY) =>
    fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-bridge-api-key': key }) },
      body,
    });

  it('answers 401 without the API key or with a wrong one, naming the header', async () => {
    const event = JSON.stringify(envelope(cloudEvent('evt-http-1', 'OrderCompleted', {})));
    for (const key of [null, 'wrong', `${API_KEY}x`, '']) {
      const res = await post(event, key);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/x-bridge-api-key/);
    }
    expect(drain(t, 'order-outcomes')).toHaveLength(0);
  });

  it('answers 400 with the reason for malformed events, 413 for oversize, 200 "ignored" for an echo', async () => {
    const notJson = await post('{"version":');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);

    const noTime = envelope(cloudEvent('evt-http-2', 'OrderCompleted', {}));
    delete (noTime as Partial<typeof noTime>).time;
    const missing = await post(JSON.stringify(noTime));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/time/);

    const big = await post(
      JSON.stringify(envelope(cloudEvent('evt-http-3', 'OrderCompleted', { pad: 'x'.repeat(300_000) }))),
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/262,144/);

    const echo = await post(
      JSON.stringify(
        envelope(cloudEvent('evt-http-4', 'OrderCompleted', {}, { bridgeorigin: 'azure', bridgehops: 1 })),
      ),
    );
    expect(echo.status).toBe(200);
    expect(await echo.json()).toMatchObject({ status: 'ignored', eventId: 'evt-http-4' });
    expect(drain(t, 'order-outcomes')).toHaveLength(0);
  });

  it('answers 202 only after Service Bus accepted the message, and 503 while it does not', async () => {
    const body = JSON.stringify(envelope(cloudEvent('evt-http-5', 'OrderCompleted', { orderId: 'ord-http-5' })));
    t.platform.serviceBus.injectSendFaults('orders', SENDER_ATTEMPTS);
    const refused = await post(body);
    expect(refused.status).toBe(503);
    expect(drain(t, 'order-outcomes')).toHaveLength(0);
    const accepted = await post(body);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ status: 'accepted', messageId: 'evt-http-5', topic: 'orders' });
    expect(drain(t, 'order-outcomes').map((m) => m.messageId)).toEqual(['evt-http-5']);
  });
});
