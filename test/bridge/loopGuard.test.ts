import { describe, expect, it } from 'vitest';
import {
  crossingDecision,
  fromEventBridgeEvent,
  fromServiceBusMessage,
  readEventBridgeEvent,
  toPutEventsEntry,
  toServiceBusMessage,
} from '../../bridge';
import { envelopeFromEntry } from './helpers';

const event = { specversion: '1.0', id: 'evt-1', source: '/contoso/orders', type: 'OrderPlaced' };

describe('crossingDecision', () => {
  it('lets an event that never crossed go either way', () => {
    expect(crossingDecision(event, 'aws')).toEqual({ cross: true });
    expect(crossingDecision(event, 'azure')).toEqual({ cross: true });
  });

  it('does not send an event back to the cloud it came from', () => {
    expect(crossingDecision({ ...event, bridgeorigin: 'aws', bridgehops: 1 }, 'aws')).toEqual({
      cross: false,
      reason: "Event 'evt-1' was first published in AWS (bridgeorigin 'aws'); sending it to AWS would echo it back.",
    });
    expect(crossingDecision({ ...event, bridgeorigin: 'azure' }, 'azure')).toMatchObject({ cross: false });
  });

  it('does not let an event cross more than maxHops times', () => {
    expect(crossingDecision({ ...event, bridgeorigin: 'azure', bridgehops: 1 }, 'aws')).toEqual({
      cross: false,
      reason:
        "Event 'evt-1' has already crossed between the clouds 1 time(s) (bridgehops 1, limit 1); not sending it to AWS, so it cannot loop.",
    });
    expect(crossingDecision({ ...event, bridgeorigin: 'azure', bridgehops: 1 }, 'aws', 2)).toEqual({ cross: true });
    expect(crossingDecision({ ...event, bridgeorigin: 'azure', bridgehops: 2 }, 'aws', 2)).toMatchObject({
      cross: false,
    });
    expect(crossingDecision({ ...event, bridgehops: '1' }, 'aws')).toMatchObject({ cross: false });
  });

  it('fails closed on an unreadable hop count', () => {
    expect(crossingDecision({ ...event, bridgehops: 'many' }, 'aws')).toEqual({
      cross: false,
      reason: `Event 'evt-1' has an unreadable bridgehops ("many"); not sending it to AWS in case it is looping.`,
    });
    expect(crossingDecision({ ...event, bridgehops: -1 }, 'azure')).toMatchObject({ cross: false });
  });

  it('stops an Azure event coming back from AWS at the AWS → Azure edge', () => {
    const entry = toPutEventsEntry(event, 'bus');
    const seenOnAws = readEventBridgeEvent(envelopeFromEntry(entry));
    expect(crossingDecision(seenOnAws, 'azure')).toEqual({
      cross: false,
      reason:
        "Event 'evt-1' was first published in Azure (bridgeorigin 'azure'); sending it to Azure would echo it back.",
    });
  });

  it('lets a native AWS event cross once, and stops it at the Azure → AWS edge', () => {
    const native = {
      version: '0',
      id: 'aws-1',
      'detail-type': 'Shipment Dispatched',
      source: 'com.contoso.shipping',
      account: '123456789012',
      time: '2025-03-01T10:15:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { shipmentId: 'sh-9' },
    };
    expect(crossingDecision(readEventBridgeEvent(native), 'azure')).toEqual({ cross: true });
    const message = toServiceBusMessage(fromEventBridgeEvent(native));
    const seenOnAzure = fromServiceBusMessage(message.body, message.contentType, message.applicationProperties);
    expect(crossingDecision(seenOnAzure, 'aws')).toMatchObject({
      cross: false,
      reason: expect.stringContaining("'aws-1'"),
    });
  });
});
