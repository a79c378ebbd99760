// The app's Service Bus REST sender (what the saga publishes with locally) against the platform's Service Bus REST
// API with SAS keys set, as a namespace with keys would check them.
import {
  parseServiceBusConfig,
  ServiceBusNamespace,
  ServiceBusRestApi,
  VirtualClock,
} from '@cross-cloud-sagas/local-platform';
import { serveMountedApi, type ServedApi } from '@cross-cloud-sagas/local-platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestMessageSender } from '../../adapters/serviceBus/restSender';

const KEY_NAME = 'RootManageSharedAccessKey';
const KEY = 'local-test-key';

let ns: ServiceBusNamespace;
let served: ServedApi;

beforeEach(async () => {
  ns = new ServiceBusNamespace(
    parseServiceBusConfig(
      {
        UserConfig: {
          Namespaces: [
            {
              Name: 'sbemulatorns',
              Queues: [],
              Topics: [
                {
                  Name: 'events',
                  Subscriptions: [
                    {
                      Name: 'placed',
                      Rules: [
                        {
                          Name: 'r',
                          Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "type = 'OrderPlaced'" } },
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      'test',
    ),
    new VirtualClock(),
  );
  const api = new ServiceBusRestApi(ns, { mountPrefix: '/servicebus', sasKeyName: KEY_NAME, sasKey: KEY });
  served = await serveMountedApi('/servicebus', (r) => api.handle(r));
});

afterEach(async () => {
  await served.close();
  ns.close();
});

describe('RestMessageSender (the app adapter) against the local Service Bus REST API', () => {
  it('batch-sends with a SAS token over the /messages URL; the topic routes by property with every field kept', async () => {
    const sender = new RestMessageSender(served.endpoint, { keyName: KEY_NAME, key: KEY });
    await sender.send('events', [
      {
        body: '{"specversion":"1.0","type":"OrderPlaced"}',
        contentType: 'application/cloudevents+json; charset=utf-8',
        messageId: 'evt-1',
        subject: 'OrderPlaced',
        correlationId: 'order-1',
        applicationProperties: { type: 'OrderPlaced', source: 'test', bridgehops: 0 },
      },
    ]);
    const [m] = ns.peek('events/Subscriptions/placed');
    expect(m).toMatchObject({
      messageId: 'evt-1',
      subject: 'OrderPlaced',
      correlationId: 'order-1',
      contentType: 'application/cloudevents+json; charset=utf-8',
      applicationProperties: { type: 'OrderPlaced', source: 'test', bridgehops: 0 },
    });
  });

  it('a wrong key is refused and nothing is delivered', async () => {
    const sender = new RestMessageSender(served.endpoint, { keyName: KEY_NAME, key: 'not-the-key' });
    await expect(
      sender.send('events', [
        {
          body: '{}',
          contentType: 'application/json',
          messageId: 'evt-2',
          applicationProperties: { type: 'OrderPlaced' },
        },
      ]),
    ).rejects.toThrow(/401/);
    expect(ns.peek('events/Subscriptions/placed')).toEqual([]);
  });
});
