// A namespace with an AMQP listener on a free port, for the SDK suites (the real @azure/service-bus against it).
import { ServiceBusClient } from '@azure/service-bus';
import { RealClock } from '../../../src/clock';
import type { ServiceDatabase } from '../../../src/persistence/serviceDatabase';
import { ServiceBusAmqpListener } from '../../../src/serviceBus/amqp/amqpListener';
import { parseServiceBusConfig, type ServiceBusConfig } from '../../../src/serviceBus/config';
import { ServiceBusNamespace } from '../../../src/serviceBus/namespace';

export const KEY_NAME = 'RootManageSharedAccessKey';
export const KEY = 'local-test-key-0123456789';

export const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          { Name: 'orders', Properties: { MaxDeliveryCount: 3, LockDuration: 'PT30S' } },
          { Name: 'short-lock', Properties: { MaxDeliveryCount: 5, LockDuration: 'PT1S' } },
          { Name: 'bulk', Properties: { MaxDeliveryCount: 10 } },
          { Name: 'sessions', Properties: { RequiresSession: true, MaxDeliveryCount: 5, LockDuration: 'PT30S' } },
          { Name: 'short-sessions', Properties: { RequiresSession: true, MaxDeliveryCount: 5, LockDuration: 'PT1S' } },
        ],
        Topics: [
          {
            Name: 'events',
            Subscriptions: [
              {
                Name: 'placed',
                Rules: [
                  {
                    Name: 'placed',
                    Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "type = 'OrderPlaced'" } },
                  },
                ],
              },
              { Name: 'all' },
              { Name: 'by-customer', Properties: { RequiresSession: true } },
            ],
          },
        ],
      },
    ],
  },
};

export interface AmqpBroker {
  namespace: ServiceBusNamespace;
  listener: ServiceBusAmqpListener;
  connectionString: string;
  client(connectionString?: string): ServiceBusClient;
  close(): Promise<void>;
}

/** `database`: the namespace written through to it, as the platform runs it (restart tests reopen the same file). */
export async function startAmqpBroker(
  options: {
    database?: ServiceDatabase;
    log?: (level: 'info' | 'warn' | 'error', message: string) => void;
    /** Changes the parsed config before the namespace is built (a redeployment between restarts). */
    edit?: (config: ServiceBusConfig) => void;
  } = {},
): Promise<AmqpBroker> {
  const config = parseServiceBusConfig(CONFIG, 'test');
  options.edit?.(config);
  const namespace = new ServiceBusNamespace(config, new RealClock(), options);
  const listener = new ServiceBusAmqpListener(namespace, { port: 0, keyName: KEY_NAME, key: KEY, log: options.log });
  await listener.listen();
  const clients: ServiceBusClient[] = [];
  return {
    namespace,
    listener,
    connectionString: listener.connectionString(),
    client(connectionString = listener.connectionString()) {
      const c = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await listener.close();
      namespace.close();
    },
  };
}
