/** The embedded Service Bus: what the platform and tests import. */
export { loadServiceBusConfig, parseServiceBusConfig } from './config';
export type { QueueConfig, ServiceBusConfig, SubscriptionConfig, TopicConfig } from './config';
export { CorrelationFilter } from './correlationFilter';
export { deadLetterPath, subscriptionPath } from './entityPath';
export * from './errors';
export { decodeBody, DEFAULT_LIMITS } from './message';
export type { MessageLimits, PropertyValue, ReceivedMessage, ServiceBusMessageInput } from './message';
export { ServiceBusNamespace } from './namespace';
export type { EntityInfo, NamespaceEntityCounts, SendReceipt, ServiceBusNamespaceOptions } from './namespace';
export { ServiceBusRestApi } from './restApi';
export type { RestRequest, RestResponse, ServiceBusRestApiOptions } from './restApi';
export { createSasToken, verifySasToken } from './sasAuth';
export { parseSqlFilter, SqlFilter } from './sqlFilter';
