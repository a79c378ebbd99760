/** The local Service Bus over AMQP 1.0. */
export { ServiceBusAmqpListener } from './amqpListener';
export type { AmqpListenerOptions } from './amqpListener';

/** The key name of the local namespace's one shared access key, as Azure names a namespace's root key. */
export const LOCAL_KEY_NAME = 'RootManageSharedAccessKey';
