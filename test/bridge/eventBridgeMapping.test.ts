import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  BridgeConfigurationError,
  type CloudEventInput,
  fromEventBridgeEvent,
  MalformedCloudEventError,
  MalformedEventBridgeEventError,
  readEventBridgeEvent,
  toPutEventsEntry,
} from '../../bridge';
import { createEvent } from '../../saga/domain/events';
import { envelopeFromEntry, thrown, withoutCrossingMarks } from './helpers';

const BUS = 'orders-bridge';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const orderCompleted = createEvent(
  'OrderCompleted',
  {
    orderId: 'ord-100',
    customerId: 'c-1',
    total: 26,
    currency: 'EUR',
    chargeId: 'ch_1',
    warnings: [],
  },
  { id: 'evt-100', time: '2025-03-01T09:30:15.250Z', subject: 'ord-100', traceparent: TRACEPARENT },
);

/** Not one of our types: the bridge carries any CloudEvent. */
const foreignEvent = {
  specversion: '1.0',
  id: 'sensor-42/reading/7',
  source: 'urn:contoso:sensors:tn-1234567',
  type: 'com.contoso.sensor.reading.v2',
  time: '2025-03-01T11:30:15+02:00',
  dataschema: 'https://schemas.contoso.com/reading/v2.json',
  datacontenttype: 'application/json',
  data: { celsius: 21.5, label: 'Küche ☕', tags: ['a', 'b'], nested: { ok: true, none: null } },
  tenant: 'eu1',
  priority: 3,
  replay: false,
};

describe('toPutEventsEntry', () => {
  it('maps source, type, time, subject and trace, with the whole event marked as crossing from Azure in Detail', () => {
    const entry = toPutEventsEntry(orderCompleted, BUS);
    expect(entry).toEqual({
      Source: '/contoso/orders',
      DetailType: 'OrderCompleted',
      Detail: expect.any(String),
      Time: new Date('2025-03-01T09:30:15.250Z'),
      Resources: ['ord-100'],
      TraceHeader: 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1',
      EventBusName: BUS,
    });
    expect(JSON.parse(entry.Detail!)).toEqual({ ...orderCompleted, bridgeorigin: 'azure', bridgehops: 1 });
  });

  it('leaves out what the event does not have: no Time, no TraceHeader, empty Resources', () => {
    const entry = toPutEventsEntry({ specversion: '1.0', id: 'e1', source: '/s', type: 't' }, BUS);
    expect(entry).toEqual({
      Source: '/s',
      DetailType: 't',
      Detail: '{"specversion":"1.0","id":"e1","source":"/s","type":"t","bridgeorigin":"azure","bridgehops":1}',
      Resources: [],
      EventBusName: BUS,
    });
    expect(entry).not.toHaveProperty('Time');
    expect(entry).not.toHaveProperty('TraceHeader');
  });

  it('keeps an existing origin and counts the hop', () => {
    const entry = toPutEventsEntry({ ...foreignEvent, bridgeorigin: 'aws', bridgehops: 1 }, BUS);
    expect(JSON.parse(entry.Detail!)).toMatchObject({ bridgeorigin: 'aws', bridgehops: 2 });
  });

  it('omits the TraceHeader for an invalid traceparent instead of failing the event', () => {
    const entry = toPutEventsEntry({ ...foreignEvent, traceparent: 'not-a-trace' }, BUS);
    expect(entry.TraceHeader).toBeUndefined();
    expect(JSON.parse(entry.Detail!).traceparent).toBe('not-a-trace');
  });

  it('accepts a cloudevents CloudEvent instance, carrying binary data as data_base64', () => {
    const ce = new CloudEvent({
      id: 'bin-1',
      source: '/files',
      type: 'file.uploaded',
      time: '2025-03-01T10:00:00.000Z',
      datacontenttype: 'application/octet-stream',
      data: new Uint8Array([0, 1, 2, 250]),
    });
    const detail = JSON.parse(toPutEventsEntry(ce, BUS).Detail!);
    expect(detail).toEqual({
      specversion: '1.0',
      id: 'bin-1',
      source: '/files',
      type: 'file.uploaded',
      time: '2025-03-01T10:00:00.000Z',
      datacontenttype: 'application/octet-stream',
      data_base64: 'AAEC+g==',
      bridgeorigin: 'azure',
      bridgehops: 1,
    });
  });

  it('refuses an invalid event with the attribute and the rule', () => {
    const error = thrown(() => toPutEventsEntry({ ...foreignEvent, source: '' }, BUS));
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    expect(error.message).toBe(
      "Malformed CloudEvent in event 'sensor-42/reading/7' bound for EventBridge: attribute 'source' must be a non-empty string (got an empty string).",
    );
    expect((error as MalformedCloudEventError).attribute).toBe('source');
  });

  it('refuses an empty bus name', () => {
    expect(() => toPutEventsEntry(foreignEvent, ' ')).toThrow(BridgeConfigurationError);
  });
});

describe('CloudEvent → PutEvents entry → EventBridge event → CloudEvent', () => {
  it.each([
    ['one of our integration events', orderCompleted as unknown as Record<string, unknown>],
    ['any other CloudEvent, with extensions, an offset time and non-ASCII data', foreignEvent],
    ['a minimal CloudEvent', { specversion: '1.0', id: 'm', source: 's', type: 't' }],
    ['a CloudEvent with binary data', { specversion: '1.0', id: 'b', source: 's', type: 't', data_base64: 'AAEC+g==' }],
  ])('round-trips %s unchanged except the crossing marks', (_, original) => {
    const entry = toPutEventsEntry(original as unknown as CloudEventInput, BUS);
    const back = fromEventBridgeEvent(envelopeFromEntry(entry));
    expect(withoutCrossingMarks(back)).toEqual(original);
    expect(back.bridgeorigin).toBe('azure');
    expect(back.bridgehops).toBe(2);
  });

  it('round-trips the JSON text as an API destination posts it', () => {
    const body = JSON.stringify(envelopeFromEntry(toPutEventsEntry(foreignEvent, BUS)));
    expect(withoutCrossingMarks(fromEventBridgeEvent(body))).toEqual(foreignEvent);
    expect(withoutCrossingMarks(fromEventBridgeEvent(Buffer.from(body)))).toEqual(foreignEvent);
  });
});

describe('fromEventBridgeEvent for events published natively on AWS', () => {
  const native = {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'Shipment Dispatched',
    source: 'com.contoso.shipping',
    account: '123456789012',
    time: '2025-03-01T10:15:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/shipments'],
    detail: { shipmentId: 'sh-9', orderId: 'ord-100', carrier: 'DHL' },
  };

  it('wraps the event: id, source, type, time from the envelope, data = detail, account and region as extensions', () => {
    expect(fromEventBridgeEvent(native)).toEqual({
      specversion: '1.0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      source: 'com.contoso.shipping',
      type: 'Shipment Dispatched',
      time: '2025-03-01T10:15:00Z',
      datacontenttype: 'application/json',
      subject: 'arn:aws:dynamodb:eu-west-1:123456789012:table/shipments',
      data: { shipmentId: 'sh-9', orderId: 'ord-100', carrier: 'DHL' },
      awsaccount: '123456789012',
      awsregion: 'eu-west-1',
      bridgeorigin: 'aws',
      bridgehops: 1,
    });
  });

  it('sets a subject only when there is exactly one resource', () => {
    expect(fromEventBridgeEvent({ ...native, resources: [] })).not.toHaveProperty('subject');
    expect(fromEventBridgeEvent({ ...native, resources: ['arn:a', 'arn:b'] })).not.toHaveProperty('subject');
  });

  it('readEventBridgeEvent gives the event as AWS saw it, before the crossing is marked', () => {
    const seen = readEventBridgeEvent(native);
    expect(seen).not.toHaveProperty('bridgeorigin');
    expect(seen).not.toHaveProperty('bridgehops');
  });

  it('takes a detail with specversion as the CloudEvent itself, marking an AWS producer as the origin', () => {
    const detail = { specversion: '1.0', id: 'aws-ce-1', source: '/aws/app', type: 'thing.happened', data: { n: 1 } };
    expect(fromEventBridgeEvent({ ...native, detail })).toEqual({ ...detail, bridgeorigin: 'aws', bridgehops: 1 });
  });

  it.each([
    ['detail-type missing', { 'detail-type': undefined }, "'detail-type' is required"],
    ['source not a string', { source: 7 }, "'source' must be a non-empty string (got number 7)"],
    ['id empty', { id: '' }, "'id' must be a non-empty string (got an empty string)"],
    ['time not RFC 3339', { time: 'yesterday' }, '\'time\' must be an RFC 3339 timestamp (got string "yesterday")'],
    [
      'resources not an array',
      { resources: 'arn:a' },
      '\'resources\' must be an array of strings (got string "arn:a")',
    ],
    ['a resource not a string', { resources: ['arn:a', 5] }, "'resources[1]' must be a string (got number 5)"],
    ['detail an array', { detail: [1] }, "'detail' must be a JSON object (got an array)"],
    ['account missing', { account: undefined }, "'account' is required"],
  ])('rejects an envelope with %s, naming the field', (_, change, expected) => {
    const error = thrown(() => fromEventBridgeEvent({ ...native, ...change }));
    expect(error).toBeInstanceOf(MalformedEventBridgeEventError);
    expect(error.message).toContain(`Malformed EventBridge event: ${expected}.`);
    expect(error.message).toContain('without an input transformer');
  });

  it('rejects a body that is not JSON or not an object', () => {
    expect(thrown(() => fromEventBridgeEvent('{oops')).message).toMatch(
      /^Malformed EventBridge event: '\(body\)' is not valid JSON \(/,
    );
    expect((thrown(() => fromEventBridgeEvent(null)) as MalformedEventBridgeEventError).field).toBe('(body)');
  });

  it('rejects a CloudEvent detail that is invalid, naming the attribute and the EventBridge event', () => {
    const error = thrown(() =>
      fromEventBridgeEvent({ ...native, detail: { specversion: '1.0', source: '/x', type: 't' } }),
    );
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    expect(error.message).toBe(
      "Malformed CloudEvent in the detail of EventBridge event '7bf73129-1428-4cd3-a780-95db273d1602': attribute 'id' is required (a non-empty string).",
    );
  });

  it('rejects a source that is not a URI-reference (CloudEvents requires one)', () => {
    const error = thrown(() => fromEventBridgeEvent({ ...native, source: 'my source' })) as MalformedCloudEventError;
    expect(error).toBeInstanceOf(MalformedCloudEventError);
    expect(error.attribute).toBe('source');
    expect(error.message).toContain('must match format "uri-reference"');
  });
});
