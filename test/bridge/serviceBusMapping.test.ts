import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../adapters/serviceBus/outboundMessage';
import {
  fromEventBridgeEvent,
  fromServiceBusMessage,
  MalformedCloudEventError,
  type ServiceBusMessageShape,
  serviceBusMessageId,
  toPutEventsEntry,
  toServiceBusMessage,
} from '../../bridge';
import { createEvent } from '../../saga/domain/events';
import { envelopeFromEntry, thrown, withoutCrossingMarks } from './helpers';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CE_JSON = 'application/cloudevents+json; charset=utf-8';

const crossed = {
  specversion: '1.0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  source: 'com.contoso.shipping',
  type: 'Shipment Dispatched',
  time: '2025-03-01T10:15:00Z',
  subject: 'sh-9',
  datacontenttype: 'application/json',
  data: { shipmentId: 'sh-9' },
  traceparent: TRACEPARENT,
  awsaccount: '123456789012',
  bridgeorigin: 'aws',
  bridgehops: 1,
};

// Compile-time check: the bridge's message is what the app's Service Bus senders take.
const asOutbound = (m: ServiceBusMessageShape): OutboundMessage => m;

describe('toServiceBusMessage', () => {
  it('sends the event in structured mode with the filter and tracing properties', () => {
    const message = asOutbound(toServiceBusMessage(crossed));
    expect(message).toEqual({
      body: JSON.stringify(crossed),
      contentType: CE_JSON,
      messageId: '7bf73129-1428-4cd3-a780-95db273d1602',
      subject: 'Shipment Dispatched',
      correlationId: 'sh-9',
      applicationProperties: {
        type: 'Shipment Dispatched',
        source: 'com.contoso.shipping',
        subject: 'sh-9',
        bridgeorigin: 'aws',
        bridgehops: 1,
        traceparent: TRACEPARENT,
        'Diagnostic-Id': TRACEPARENT,
      },
    });
  });

  it('leaves out subject, correlation id and tracing properties the event does not have', () => {
    const message = toServiceBusMessage({ specversion: '1.0', id: 'e1', source: '/s', type: 't' });
    expect(message).not.toHaveProperty('correlationId');
    expect(message.applicationProperties).toEqual({ type: 't', source: '/s' });
  });

  it('keeps an id of exactly 128 characters as the messageId', () => {
    const id = 'a'.repeat(128);
    expect(toServiceBusMessage({ ...crossed, id }).messageId).toBe(id);
  });

  it('hashes a longer id to sha256:<hex>, the same every time, keeping the real id in the body', () => {
    const id = `urn:contoso:${'é'.repeat(120)}`; // 132 characters
    const expected = `sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
    const message = toServiceBusMessage({ ...crossed, id });
    expect(message.messageId).toBe(expected);
    expect(message.messageId).toHaveLength(71);
    expect(toServiceBusMessage({ ...crossed, id }).messageId).toBe(expected);
    expect(serviceBusMessageId(`${id}x`)).not.toBe(expected);
    expect(JSON.parse(message.body as string).id).toBe(id);
  });

  it('refuses an invalid event', () => {
    const error = thrown(() => toServiceBusMessage({ ...crossed, bridgeorigin: 'gcp' }));
    expect(error.message).toBe(
      "Malformed CloudEvent in event '7bf73129-1428-4cd3-a780-95db273d1602' bound for Service Bus: attribute 'bridgeorigin' must be 'azure' or 'aws' (got string \"gcp\").",
    );
  });
});

describe('fromServiceBusMessage, structured mode', () => {
  const ours = createEvent(
    'PaymentConfirmed',
    { orderId: 'ord-100', chargeId: 'ch_1', status: 'succeeded', amount: 2600, currency: 'EUR' },
    { id: 'evt-7', time: '2025-03-01T09:00:00.000Z', subject: 'ord-100', traceparent: TRACEPARENT },
  );
  const text = JSON.stringify(ours);

  it.each([
    ['text', text],
    ['a Buffer', Buffer.from(text)],
    ['a Uint8Array', new TextEncoder().encode(text)],
    ['an object the Functions worker already parsed', JSON.parse(text)],
  ])('reads the body given as %s', (_, body) => {
    expect(fromServiceBusMessage(body, CE_JSON, { type: 'PaymentConfirmed' })).toEqual(ours);
  });

  it('accepts the media type in any case and without parameters', () => {
    expect(fromServiceBusMessage(text, 'Application/CloudEvents+JSON; charset=UTF-8')).toEqual(ours);
    expect(fromServiceBusMessage(text, 'application/cloudevents+json')).toEqual(ours);
  });

  it('reads a CloudEvent body when the content type was not passed on', () => {
    expect(fromServiceBusMessage(JSON.parse(text))).toEqual(ours);
    expect(fromServiceBusMessage(text, 'application/json')).toEqual(ours);
  });

  it('reads what toServiceBusMessage wrote (AWS → Azure → back to a CloudEvent)', () => {
    const m = toServiceBusMessage(crossed);
    expect(fromServiceBusMessage(m.body, m.contentType, m.applicationProperties)).toEqual(crossed);
  });

  it('round-trips Azure → AWS → Azure unchanged except the crossing marks', () => {
    const received = fromServiceBusMessage(text, CE_JSON);
    const back = fromEventBridgeEvent(envelopeFromEntry(toPutEventsEntry(received, 'bus')));
    const m = toServiceBusMessage(back);
    const again = fromServiceBusMessage(m.body, m.contentType, m.applicationProperties);
    expect(withoutCrossingMarks(again)).toEqual(ours);
    expect(again).toMatchObject({ bridgeorigin: 'azure', bridgehops: 2 });
  });
});

describe('fromServiceBusMessage, binary mode', () => {
  const attributes = {
    'cloudEvents:specversion': '1.0',
    'cloudEvents:id': 'bin-1',
    'cloudEvents:source': '/sensors/tn-1',
    'cloudEvents:type': 'reading',
    'cloudEvents:time': '2025-03-01T10:00:00Z',
    'cloudEvents:traceparent': TRACEPARENT,
    'cloudEvents:bridgehops': '1',
    'cloudEvents:bridgeorigin': 'aws',
    unrelated: 'kept out of the event',
  };

  it('takes attributes from cloudEvents: properties, datacontenttype from the content type, data from the body', () => {
    expect(
      fromServiceBusMessage(Buffer.from('{"celsius":21.5}'), 'application/json; charset=utf-8', attributes),
    ).toEqual({
      specversion: '1.0',
      id: 'bin-1',
      source: '/sensors/tn-1',
      type: 'reading',
      time: '2025-03-01T10:00:00Z',
      traceparent: TRACEPARENT,
      bridgehops: 1,
      bridgeorigin: 'aws',
      datacontenttype: 'application/json; charset=utf-8',
      data: { celsius: 21.5 },
    });
  });

  it('accepts the cloudEvents_ prefix, AMQP timestamps (Date or epoch ms) and a parsed JSON body', () => {
    const underscored = {
      cloudEvents_specversion: '1.0',
      cloudEvents_id: 'bin-2',
      cloudEvents_source: '/s',
      cloudEvents_type: 't',
    };
    const at = Date.UTC(2025, 2, 1, 10, 0, 0);
    expect(
      fromServiceBusMessage({ a: 1 }, 'application/json', { ...underscored, cloudEvents_time: new Date(at) }),
    ).toMatchObject({ id: 'bin-2', time: '2025-03-01T10:00:00.000Z', data: { a: 1 } });
    expect(fromServiceBusMessage('{"a":1}', 'application/json', { ...underscored, cloudEvents_time: at }).time).toBe(
      '2025-03-01T10:00:00.000Z',
    );
  });

  it('keeps bytes of a non-text content type as data_base64 and text as a string', () => {
    expect(fromServiceBusMessage(Buffer.from([0, 1, 2, 250]), 'application/octet-stream', attributes)).toMatchObject({
      datacontenttype: 'application/octet-stream',
      data_base64: 'AAEC+g==',
    });
    expect(fromServiceBusMessage(Buffer.from('héllo'), 'text/plain; charset=utf-8', attributes).data).toBe('héllo');
  });

  it('has no data for an empty body', () => {
    expect(fromServiceBusMessage(undefined, undefined, attributes)).not.toHaveProperty('data');
  });

  it('names a missing required attribute', () => {
    const withoutSource: Record<string, unknown> = { ...attributes };
    delete withoutSource['cloudEvents:source'];
    const error = thrown(() => fromServiceBusMessage('{}', 'application/json', withoutSource));
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    expect(error.message).toBe(
      "Malformed CloudEvent in Service Bus message (binary mode): attribute 'source' is required (a non-empty string).",
    );
  });

  it('rejects a JSON content type whose body is not JSON', () => {
    expect(thrown(() => fromServiceBusMessage('{"celsius":', 'application/json', attributes)).message).toMatch(
      /^Malformed CloudEvent in Service Bus message \(binary mode\): attribute 'data' \(the message body\) is not valid JSON, as content type 'application\/json' says it is \(/,
    );
  });

  it('rejects a non-integer hop count', () => {
    expect(
      thrown(() => fromServiceBusMessage('{}', 'application/json', { ...attributes, 'cloudEvents:bridgehops': 'two' }))
        .message,
    ).toBe(
      'Malformed CloudEvent in Service Bus message (binary mode): attribute \'bridgehops\' must be a non-negative integer (got string "two").',
    );
  });
});

describe('fromServiceBusMessage, malformed messages', () => {
  const valid = { specversion: '1.0', id: 'e1', source: '/s', type: 't' };

  it.each([
    [
      'not JSON',
      'hello',
      /^the body is not valid JSON, as content type 'application\/cloudevents\+json' says it is \(/,
      undefined,
    ],
    ['not an object', '[1,2]', /^must be a JSON object \(got an array\)$/, undefined],
    ['no specversion', JSON.stringify({ ...valid, specversion: undefined }), /^is required \('1\.0'\)$/, 'specversion'],
    [
      'an old specversion',
      JSON.stringify({ ...valid, specversion: '0.3' }),
      /^must be '1\.0' \(got string "0\.3"\); only CloudEvents 1\.0 is supported$/,
      'specversion',
    ],
    ['no id', JSON.stringify({ ...valid, id: undefined }), /^is required \(a non-empty string\)$/, 'id'],
    ['a numeric type', JSON.stringify({ ...valid, type: 5 }), /^must be a non-empty string \(got number 5\)$/, 'type'],
    ['a bad time', JSON.stringify({ ...valid, time: 'noon' }), /^must match format "date-time"$/, 'time'],
    [
      'an invalid extension name',
      JSON.stringify({ ...valid, traceId: 'x' }),
      /^is not a valid attribute name \(CloudEvents attribute names are lowercase letters a-z and digits 0-9\)$/,
      'traceId',
    ],
    [
      'an object extension value',
      JSON.stringify({ ...valid, meta: { a: 1 } }),
      /^must be a string, boolean or integer \(the CloudEvents type system; got object\)$/,
      'meta',
    ],
    [
      'both data and data_base64',
      JSON.stringify({ ...valid, data: 1, data_base64: 'AA==' }),
      /^must not be present together with 'data'$/,
      'data_base64',
    ],
  ])('structured body with %s: says which attribute and why', (_, body, problem, attribute) => {
    const error = thrown(() => fromServiceBusMessage(body, CE_JSON)) as MalformedCloudEventError;
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    expect(error.context).toBe('Service Bus message (structured mode)');
    expect(error.attribute).toBe(attribute);
    expect(error.problem).toMatch(problem);
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(thrown(() => fromServiceBusMessage(Buffer.from([0xff, 0xfe, 0x7b]), CE_JSON)).message).toBe(
      'Malformed CloudEvent in Service Bus message (structured mode): the body is not valid UTF-8 text.',
    );
  });

  it('rejects batched mode and other event formats', () => {
    expect(thrown(() => fromServiceBusMessage('[]', 'application/cloudevents-batch+json')).message).toContain(
      'batched mode) is not supported: send one event per message',
    );
    expect(thrown(() => fromServiceBusMessage('x', 'application/cloudevents+avro')).message).toContain(
      "event format 'application/cloudevents+avro' is not supported",
    );
  });

  it('says why a message is in neither content mode', () => {
    expect(thrown(() => fromServiceBusMessage('hello', 'text/plain', { type: 'x' })).message).toBe(
      'Malformed CloudEvent in Service Bus message: no CloudEvents content mode applies: structured mode needs ' +
        "content type application/cloudevents+json or a JSON object body with 'specversion' (content type: " +
        "'text/plain'; body: text), binary mode needs 'cloudEvents:'-prefixed application properties (none found).",
    );
    expect(thrown(() => fromServiceBusMessage({ orderId: 'ord-1' })).message).toContain(
      "(content type: none; body: a JSON object without 'specversion')",
    );
    expect(thrown(() => fromServiceBusMessage('{oops', 'application/json')).message).toContain('body: not JSON');
  });
});
