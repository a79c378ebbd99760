// The app's one Service Bus sender (@azure/service-bus, what production runs) against the platform's Service Bus
// over AMQP with its shared access key: topics route by property with every field kept, bodies arrive as the bytes
// sent, many messages go in batches, and refusals become the app's typed, retriable-or-not errors.
import {
  parseServiceBusConfig,
  ServiceBusAmqpListener,
  ServiceBusNamespace,
  VirtualClock,
} from '@cross-cloud-sagas/local-platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageTooLargeError, ServiceBusSendError } from '../../adapters/serviceBus/messageSender';
import type { OutboundMessage } from '../../adapters/serviceBus/outboundMessage';
import { SdkMessageSender } from '../../adapters/serviceBus/sdkSender';

const KEY_NAME = 'RootManageSharedAccessKey';
const KEY = 'local-test-key';

let ns: ServiceBusNamespace;
let listener: ServiceBusAmqpListener;
let sender: SdkMessageSender;

const event = (id: string, type = 'OrderPlaced'): OutboundMessage => ({
  body: JSON.stringify({ specversion: '1.0', id, type, data: { text: 'ünïcode' } }),
  contentType: 'application/cloudevents+json; charset=utf-8',
  messageId: id,
  subject: type,
  correlationId: 'order-1',
  applicationProperties: { type, source: 'test', bridgehops: 0 },
});

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
  listener = new ServiceBusAmqpListener(ns, { port: 0, keyName: KEY_NAME, key: KEY });
  await listener.listen();
  sender = new SdkMessageSender(listener.connectionString());
});

afterEach(async () => {
  await sender.close();
  await listener.close();
  ns.close();
});

describe('SdkMessageSender (the app adapter) against the local Service Bus over AMQP', () => {
  it('sends with the shared access key; the topic routes by property with every field and the exact body kept', async () => {
    await sender.send('events', [event('evt-1'), event('evt-2', 'OrderCancelled')]);
    const stored = ns.peek('events/Subscriptions/placed');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      messageId: 'evt-1',
      subject: 'OrderPlaced',
      correlationId: 'order-1',
      contentType: 'application/cloudevents+json; charset=utf-8',
      applicationProperties: { type: 'OrderPlaced', source: 'test', bridgehops: 0 },
    });
    // The bytes the app serialised, not a JSON-quoted string of them.
    expect(stored[0].body.toString('utf8')).toBe(event('evt-1').body);
  });

  it('sends more than one batch holds in several batches, all of them delivered once', async () => {
    const big = 'x'.repeat(20_000);
    const messages = Array.from({ length: 40 }, (_, i) => ({
      ...event(`bulk-${i}`),
      body: JSON.stringify({ big, i }),
    }));
    await sender.send('events', messages);
    const stored = ns.peek('events/Subscriptions/placed');
    expect(stored.map((m) => m.messageId)).toEqual(messages.map((m) => m.messageId));
  });

  it('refusals become typed errors: too large (not retriable), unknown entity (not retriable), wrong key', async () => {
    const tooLarge = { ...event('huge'), body: 'x'.repeat(300 * 1024) };
    await expect(sender.send('events', [tooLarge])).rejects.toBeInstanceOf(MessageTooLargeError);
    const missing = await sender.send('nope', [event('evt-3')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ServiceBusSendError);
    expect(missing).toMatchObject({ retriable: false, message: expect.stringMatching(/MessagingEntityNotFound/) });
    const wrongKey = new SdkMessageSender(listener.connectionString().replace(KEY, 'not-the-key'));
    const refused = await wrongKey.send('events', [event('evt-4')]).catch((e: unknown) => e);
    await wrongKey.close();
    expect(refused).toMatchObject({ retriable: false, message: expect.stringMatching(/UnauthorizedAccess/) });
    expect(ns.peek('events/Subscriptions/placed')).toEqual([]);
  });
});
