import { describe, expect, it } from 'vitest';
import {
  assertServiceBusMessageFits,
  EventTooLargeError,
  putEventsEntrySize,
  putEventsEntrySizeError,
  serviceBusMessageSize,
  toPutEventsEntry,
  toServiceBusMessage,
} from '../../bridge';
import { thrown } from './helpers';

const CE_JSON = 'application/cloudevents+json; charset=utf-8';
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('PutEvents entry size (as AWS documents it)', () => {
  it('counts Time as 14 bytes and the UTF-8 bytes of Source, DetailType, Detail and each Resource', () => {
    const size = putEventsEntrySize({
      Time: new Date(),
      Source: 'src', // 3
      DetailType: 'tÿpe', // 5: ÿ is 2 bytes
      Detail: '{"a":"€"}', // 11: € is 3 bytes
      Resources: ['arn:x', '😀'], // 5 + 4
      TraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', // not counted
      EventBusName: 'a-long-event-bus-name', // not counted
    });
    expect(size).toBe(14 + 3 + 5 + 11 + 9);
  });

  it('counts nothing for what is absent', () => {
    expect(putEventsEntrySize({ Source: 's', DetailType: 't' })).toBe(2);
  });

  const eventOfEntrySize = (target: number, id: string) => {
    const event = {
      specversion: '1.0',
      id,
      source: '/contoso/orders',
      type: 'OrderPlaced',
      time: '2025-03-01T10:00:00Z',
      subject: 'ord-1',
      data: { pad: '' },
    };
    const base = 14 + bytes('/contoso/orders') + bytes('OrderPlaced') + bytes('ord-1');
    const detail = JSON.stringify({ ...event, bridgeorigin: 'azure', bridgehops: 1 });
    return { ...event, data: { pad: 'x'.repeat(target - base - bytes(detail)) } };
  };

  it('reports an entry over 262,144 bytes with the limit, the size, the excess and the fix', () => {
    const entry = toPutEventsEntry(eventOfEntrySize(270_532, 'abc'), 'bus');
    expect(putEventsEntrySize(entry)).toBe(270_532);
    const error = putEventsEntrySizeError(entry)!;
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({ limitName: 'EventBridgeEntry', limitBytes: 262_144, actualBytes: 270_532 });
    expect(error.overBytes).toBe(8_388);
    expect(error.message).toBe(
      "EventBridge entry for event 'abc' is 270,532 bytes; PutEvents allows 262,144 bytes per entry (8,388 bytes over). " +
        'Put the payload in storage (S3 or Blob Storage) and send a reference to it in `data` instead (claim-check pattern).',
    );
  });

  it('accepts an entry of exactly 262,144 bytes and refuses one byte more', () => {
    expect(putEventsEntrySizeError(toPutEventsEntry(eventOfEntrySize(262_144, 'e1'), 'bus'))).toBeUndefined();
    expect(putEventsEntrySizeError(toPutEventsEntry(eventOfEntrySize(262_145, 'e2'), 'bus'))?.overBytes).toBe(1);
  });
});

describe('Service Bus message size', () => {
  it('counts the body, application properties (name + value) and the system properties set', () => {
    const size = serviceBusMessageSize({
      body: 'x'.repeat(100),
      contentType: 'ct',
      messageId: 'id1',
      subject: 'sub',
      applicationProperties: { type: 't', hops: 1, flag: true },
    });
    expect(size).toEqual({
      bodyBytes: 100,
      applicationPropertiesBytes: 4 + 1 + (4 + 8) + (4 + 1),
      systemPropertiesBytes: 2 + 3 + 3,
      largestProperty: { name: 'hops', bytes: 12 },
      totalBytes: 100 + 22 + 8,
    });
    expect(serviceBusMessageSize({ body: new Uint8Array(7), contentType: '', messageId: '' }).bodyBytes).toBe(7);
  });

  const bigEvent = (dataBytes: number) => ({
    specversion: '1.0',
    id: 'big',
    source: '/s',
    type: 'big.event',
    data: 'x'.repeat(dataBytes),
  });
  const overhead = (m: { body: string | Uint8Array }) =>
    bytes(m.body as string) +
    (4 + bytes('big.event')) +
    (6 + bytes('/s')) +
    bytes('big') +
    bytes(CE_JSON) +
    bytes('big.event');

  it('reports a message over 262,144 bytes with the exact figures and the fix', () => {
    const probe = toServiceBusMessage(bigEvent(0));
    const message = toServiceBusMessage(bigEvent(263_144 - overhead(probe)));
    expect(serviceBusMessageSize(message).totalBytes).toBe(263_144);
    const error = thrown(() => assertServiceBusMessageFits(message, 'big')) as EventTooLargeError;
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({ limitName: 'ServiceBusMessage', limitBytes: 262_144, actualBytes: 263_144 });
    expect(error.message).toBe(
      "Service Bus message for event 'big' is 263,144 bytes; a Standard namespace allows 262,144 bytes per message " +
        '(1,000 bytes over). Put the payload in storage (S3 or Blob Storage) and send a reference to it in `data` ' +
        'instead (claim-check pattern).',
    );
  });

  it('accepts exactly 262,144 bytes, and more for a Premium namespace', () => {
    const probe = toServiceBusMessage(bigEvent(0));
    expect(() => assertServiceBusMessageFits(toServiceBusMessage(bigEvent(262_144 - overhead(probe))))).not.toThrow();
    const big = toServiceBusMessage(bigEvent(300_000));
    expect(() => assertServiceBusMessageFits(big)).toThrow(EventTooLargeError);
    expect(() => assertServiceBusMessageFits(big, 'big', 1_048_576)).not.toThrow();
  });

  it('reports a single property over 32,768 bytes by name', () => {
    const message = toServiceBusMessage({
      specversion: '1.0',
      id: 'e',
      source: '/s',
      type: 't',
      subject: 's'.repeat(40_000),
    });
    expect(thrown(() => assertServiceBusMessageFits(message, 'e')).message).toBe(
      "Service Bus message property 'subject' for event 'e' is 40,007 bytes; Service Bus allows 32,768 bytes per property " +
        "(7,239 bytes over). The event's type, source, subject and traceparent are copied to properties for " +
        'subscription filters: shorten those attributes (move long values into `data`).',
    );
  });

  it('reports properties over 64 KB in total (application and system properties together)', () => {
    const long = 'a'.repeat(20_000);
    const message = toServiceBusMessage({
      specversion: '1.0',
      id: 'e',
      source: '/s',
      type: 't',
      subject: long,
      traceparent: long,
    });
    const application = 5 + 8 + (7 + 20_000) + (11 + 20_000) + (13 + 20_000);
    const system = 1 + bytes(CE_JSON) + 1 + 20_000;
    const error = thrown(() => assertServiceBusMessageFits(message, 'e')) as EventTooLargeError;
    expect(error).toMatchObject({
      limitName: 'ServiceBusProperties',
      limitBytes: 65_536,
      actualBytes: application + system,
    });
    expect(error.message).toMatch(
      /^Service Bus message properties for event 'e' are 80,\d{3} bytes; Service Bus allows/,
    );
  });
});
