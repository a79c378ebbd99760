/**
 * AWS → Azure in batches, end to end on the embedded platform: the real `@aws-sdk/client-eventbridge` puts events,
 * the SAM template's `bridge-to-azure` rule targets its Firehose stream, the local Firehose buffers them (durably)
 * and POSTs them in Firehose's HTTP endpoint format to the app's `bridgeFromFirehose` function, which sends them to
 * the `orders` topic with `@azure/service-bus` over AMQP, on a virtual clock.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { cloudEvent, drain, eventBridgeClient, settle } from '../fixtures/bridgeHarness';
import { startOrderApp } from '../fixtures/orderApp';

const KEY = 'firehose-test-key';
const STREAM_ARN = 'arn:aws:firehose:us-east-1:000000000000:deliverystream/bridge-to-azure';
/** A busy broker is tried this often per send: once, then the three retries of the app's @azure/service-bus sender. */
const SENDER_ATTEMPTS = 4;

let t: TestPlatform;
let eb: EventBridgeClient;

beforeAll(async () => {
  t = await startOrderApp({ BRIDGE_API_KEY: KEY });
  eb = eventBridgeClient(t);
}, 60_000);
afterAll(async () => {
  eb?.destroy();
  await t?.stop();
});
beforeEach(async () => {
  await t.platform.whenIdle();
  drain(t, 'order-outcomes');
  deadLettered();
});

const firehose = () => t.platform.aws!.firehose;
const deadLettered = () =>
  t.platform.serviceBus.receive('bridge-deadletter', { maxMessages: 100, mode: 'receiveAndDelete' });
const put = (client: EventBridgeClient, details: string[]) =>
  client.send(
    new PutEventsCommand({
      Entries: details.map((d) => ({ Source: '/contoso/storefront', DetailType: 'OrderCompleted', Detail: d })),
    }),
  );
const outcomes = new Map<string, ReturnType<typeof drain>>();
const arrived = (id: string) => {
  for (const m of drain(t, 'order-outcomes')) outcomes.set(m.messageId, [...(outcomes.get(m.messageId) ?? []), m]);
  return outcomes.get(id) ?? [];
};
const requests = (log: string[]) => log.filter((l) => /Bridge from AWS: Firehose request/.test(l));

describe('AWS → Azure through Firehose (rule → stream → POST /api/bridge/firehose → Service Bus)', () => {
  it('the template installs the stream and points the bridge-to-azure rule at it', () => {
    expect(firehose().streams()).toEqual([
      expect.objectContaining({ name: 'bridge-to-azure', arn: STREAM_ARN, url: `${t.baseUrl}/api/bridge/firehose` }),
    ]);
  });

  it('carries ten events put at once to the topic in one request, each once, marked as from AWS', async () => {
    const events = Array.from({ length: 10 }, (_, i) =>
      cloudEvent(`evt-fh-${i}`, 'OrderCompleted', { orderId: `ord-fh-${i}` }),
    );
    const logsBefore = t.logs.length;
    expect(
      (
        await put(
          eb,
          events.map((e) => JSON.stringify(e)),
        )
      ).FailedEntryCount,
    ).toBe(0);
    await settle(t, () => events.every((e) => arrived(e.id).length > 0));
    await t.platform.whenIdle();

    for (const e of events) {
      const [message] = arrived(e.id);
      expect(arrived(e.id)).toHaveLength(1);
      expect(message.applicationProperties).toMatchObject({
        type: 'OrderCompleted',
        bridgeorigin: 'aws',
        bridgehops: 1,
      });
      expect(JSON.parse(message.body.toString('utf8'))).toEqual({ ...e, bridgeorigin: 'aws', bridgehops: 1 });
    }
    expect(requests(t.logs.slice(logsBefore))).toEqual([
      expect.stringMatching(/: 10 of 10 event\(s\) sent to orders\.$/),
    ]);
    const targets = t.platform
      .aws!.eventBridge.activity()
      .filter((a) => a.kind === 'target-delivered' && a.ruleArn?.endsWith('bridge-to-azure'));
    expect(new Set(targets.map((a) => a.targetArn))).toEqual(new Set([STREAM_ARN]));
    expect(drain(t, 'to-aws')).toHaveLength(0);
  });

  it('dead-letters a record that is no CloudEvent with the reason, and still delivers the rest of the request', async () => {
    const good = cloudEvent('evt-fh-good', 'OrderCompleted', { orderId: 'ord-fh-good' });
    await put(eb, ['{"specversion":"1.0","type":"OrderCompleted"}', JSON.stringify(good)]);
    await settle(t, () => arrived('evt-fh-good').length > 0);
    await t.platform.whenIdle();

    const [bad] = deadLettered();
    expect(bad.applicationProperties).toMatchObject({
      DeadLetterReason: 'MalformedCloudEvent',
      DeadLetterSource: 'bridge/firehose',
      DeadLetterErrorDescription: expect.stringMatching(/Record 0 of Firehose request .*attribute 'id'/),
    });
    // The record as EventBridge delivered it: the whole event, with the bad detail inside.
    expect(JSON.parse(bad.body.toString('utf8'))).toMatchObject({
      'detail-type': 'OrderCompleted',
      detail: { specversion: '1.0', type: 'OrderCompleted' },
    });
    expect(firehose().failedDeliveries()).toEqual([]);
  });

  it('a Service Bus outage makes Firehose retry the request, and every event arrives once', async () => {
    const logsBefore = t.logs.length;
    t.platform.serviceBus.injectSendFaults('orders', 2 * SENDER_ATTEMPTS);
    const events = [1, 2, 3].map((i) => cloudEvent(`evt-fh-busy-${i}`, 'OrderCompleted', { orderId: `o-${i}` }));
    await put(
      eb,
      events.map((e) => JSON.stringify(e)),
    );
    await settle(t, () => events.every((e) => arrived(e.id).length > 0), '10s');
    await t.platform.whenIdle();

    const log = t.logs.slice(logsBefore).join('\n');
    expect(
      log.match(
        /Firehose bridge-to-azure: request .* failed \(attempt \d\): HttpEndpoint\.ResponseErrorCode: .* answered HTTP 503/g,
      ),
    ).toHaveLength(2);
    for (const e of events) expect(arrived(e.id)).toHaveLength(1);
    expect(firehose().pending()).toBe(0);
  });
});

describe('POST /api/bridge/firehose', () => {
  const post = (body: unknown, headers: Record<string, string> = { 'x-amz-firehose-access-key': KEY }) =>
    fetch(`${t.baseUrl}/api/bridge/firehose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amz-firehose-request-id': 'req-1', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const request = (records: unknown[]) => ({
    requestId: 'req-1',
    timestamp: Date.UTC(2026, 0, 1),
    records: records.map((r) => ({ data: Buffer.from(JSON.stringify(r)).toString('base64') })),
  });
  const envelope = (detail: unknown) => ({
    version: '0',
    id: 'eb-1',
    'detail-type': 'OrderCompleted',
    source: '/contoso/storefront',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });

  it('answers 401 without the access key or with a wrong one, in the Firehose format, and sends nothing', async () => {
    const body = request([envelope(cloudEvent('evt-fh-401', 'OrderCompleted', {}))]);
    for (const headers of [{}, { 'x-amz-firehose-access-key': 'wrong' }] as Record<string, string>[]) {
      const res = await post(body, headers);
      expect(res.status).toBe(401);
      const answer = (await res.json()) as Record<string, unknown>;
      expect(answer).toMatchObject({
        requestId: 'req-1',
        errorMessage: expect.stringMatching(/X-Amz-Firehose-Access-Key/),
      });
      expect(JSON.stringify(answer)).not.toContain(KEY);
    }
    await t.platform.whenIdle();
    expect(arrived('evt-fh-401')).toHaveLength(0);
  });

  it('answers 400 naming the field for a body that is not a Firehose request', async () => {
    for (const [body, field] of [
      ['not json', '(body)'],
      [{ timestamp: 1, records: [] }, 'requestId'],
      [{ requestId: 'r', timestamp: 1, records: [{ data: '@@@' }] }, 'records[0].data'],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errorMessage: string }).errorMessage).toContain(`'${field}'`);
    }
  });

  it('answers 200 with the request id once Service Bus took the events, and ignores an echo of an Azure event', async () => {
    const echo = cloudEvent('evt-fh-echo', 'OrderCompleted', {}, { bridgeorigin: 'azure', bridgehops: 1 });
    const fresh = cloudEvent('evt-fh-direct', 'OrderCompleted', {});
    const res = await post(request([envelope(echo), envelope(fresh)]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ requestId: 'req-1', timestamp: expect.any(Number) });
    await t.platform.whenIdle();
    expect(arrived('evt-fh-direct')).toHaveLength(1);
    expect(arrived('evt-fh-echo')).toHaveLength(0);
  });
});
