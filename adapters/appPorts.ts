import type {
  AnalyticsStore,
  EmailSender,
  EventPublisher,
  InventoryPort,
  NotificationOutbox,
  OrderRepository,
  PaymentPort,
  SagaCallbacks,
} from '../saga/ports';
import { SfnTaskTokenSender } from './aws/taskTokenSender';
import { azureCredential } from './azureCredential';
import { CosmosAnalyticsStore } from './cosmos/analyticsStore';
import { CosmosInventory } from './cosmos/inventory/cosmosInventory';
import { CosmosNotificationOutbox } from './cosmos/notificationOutbox';
import { CosmosOrderRepository } from './cosmos/orderRepository';
import { OrderRecordCache } from './cosmos/orderRecordCache';
import { CosmosSagaCallbacks } from './cosmos/sagaCallbacks';
import { AcsEmailSender } from './emailService';
import { HttpPaymentGateway } from './paymentGateway';
import { ServiceBusEventPublisher } from './serviceBus/eventPublisher';
import type { MessageSender } from './serviceBus/messageSender';
import { SdkMessageSender } from './serviceBus/sdkSender';
import { ConfigurationError, optionalSetting } from './settings';

export interface AppPorts {
  inventory: InventoryPort;
  payments: PaymentPort;
  outbox: NotificationOutbox;
  email: EmailSender;
  analytics: AnalyticsStore;
  events: EventPublisher;
  orders: OrderRepository;
  messages: () => MessageSender;
  /**
   * Step Functions waits and the events that end them (the AWS side only). Nothing AWS is loaded or read until
   * an event is delivered, so the Azure app needs no AWS settings.
   */
  callbacks: SagaCallbacks;
}

let sender: { key: string; value: MessageSender } | undefined;

/**
 * The Service Bus sender: `@azure/service-bus`, in Azure and locally alike, with the ServiceBusConnection connection
 * string (the embedded platform fills it with its own namespace's AMQP endpoint) or
 * ServiceBusConnection__fullyQualifiedNamespace with the app's identity, as the Functions host reads them.
 */
export function messageSender(): MessageSender {
  const connection = process.env.ServiceBusConnection;
  const namespace = process.env.ServiceBusConnection__fullyQualifiedNamespace;
  const key = `${connection ?? ''}\n${namespace ?? ''}`;
  if (sender?.key === key) return sender.value;
  let value: MessageSender;
  if (connection) value = new SdkMessageSender(connection);
  else if (namespace)
    value = new SdkMessageSender({ fullyQualifiedNamespace: namespace, credential: azureCredential() });
  else
    throw new ConfigurationError(
      'No Service Bus is configured: set ServiceBusConnection (a namespace connection string; the embedded platform fills it with its local one) or ServiceBusConnection__fullyQualifiedNamespace (with the app identity).',
    );
  void sender?.value.close();
  sender = { key, value };
  return value;
}

let ports: AppPorts | undefined;

/** The adapters behind the ports, built once; each reads its settings when it is used. */
export function appPorts(): AppPorts {
  ports ??= {
    inventory: new CosmosInventory(),
    payments: new HttpPaymentGateway(),
    outbox: new CosmosNotificationOutbox(),
    email: new AcsEmailSender(),
    analytics: new CosmosAnalyticsStore(),
    events: new ServiceBusEventPublisher(messageSender, () => optionalSetting('ORDER_EVENTS_TOPIC', 'orders')),
    orders: new OrderRecordCache(new CosmosOrderRepository()),
    messages: messageSender,
    callbacks: new CosmosSagaCallbacks(new SfnTaskTokenSender()),
  };
  return ports;
}
