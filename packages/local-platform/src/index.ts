/**
 * Run an unmodified Azure Functions app (Node.js v4 programming model, `durable-functions` 3.x) on your machine
 * without Core Tools, .NET or Docker: a Functions host, a durable engine on SQLite, and local Service Bus,
 * EventBridge, Step Functions, Lambda, Cosmos DB, payment gateway and e-mail endpoints that the real SDKs talk to.
 *
 * ```sh
 * npm install --save-dev @cross-cloud-sagas/local-platform
 * npx local-platform            # serves the app in the current folder on http://127.0.0.1:7071
 * ```
 *
 * ```ts
 * import { startPlatform } from '@cross-cloud-sagas/local-platform';
 * const platform = await startPlatform({ appRoot: '.', port: 0 });
 * console.log(platform.url, platform.describeFunctions());
 * await platform.stop();
 * ```
 *
 * Tests use `@cross-cloud-sagas/local-platform/testing` (virtual clock, in-memory store, a free port).
 * Everything not exported here or there is internal and may change in any release.
 *
 * @module
 */

// The platform and its settings
export { startPlatform, UnsupportedTriggerError } from './platform';
export type { LogLevel, Platform, PlatformOptions } from './platform';
export { PLATFORM_SETTINGS, SettingsError, settingsTable } from './settings';
export type { PlatformSettings } from './settings';

// State of the emulated services (pass one to a service constructed on its own to keep its state on a file)
export { ServiceDatabase, ServiceDatabaseError } from './persistence/serviceDatabase';
export type { ServiceDatabaseOptions } from './persistence/serviceDatabase';

// Time
export { parseDuration, RealClock, VirtualClock } from './clock';
export type { Clock, ScheduledWake } from './clock';

// The durable engine, as tests and tools observe it
export type {
  DurableEngine,
  DurableEngineEvents,
  DurableStore,
  FailureDetails,
  HistoryEvent,
  InstanceRow,
  InstanceStatus,
  RuntimeStatus,
} from './durable';
export {
  /** The `durableClient` input a function receives, for a tool that builds a Durable client outside a function. */
  durableClientPayload,
  EventType,
  DurableEngineError,
  InstanceAlreadyExistsError,
  InstanceNotFailedError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  NonDeterministicOrchestrationError,
  OrchestratorNotFoundError,
  UnsupportedActionError,
} from './durable';

// The Functions host
export { resolveEntryFiles } from './functionsHost/entryGlob';
export type { FunctionRegistry, RegisteredFunction } from './functionsHost/registry';

// Service Bus
export { ServiceBusNamespace } from './serviceBus/namespace';
export { ServiceBusRestApi } from './serviceBus/restApi';
export { LOCAL_KEY_NAME as SERVICEBUS_KEY_NAME, ServiceBusAmqpListener } from './serviceBus/amqp';
export type { AmqpListenerOptions } from './serviceBus/amqp';
export { parseServiceBusConfig } from './serviceBus/config';
export { ServiceBusError } from './serviceBus/errors';
export type { PropertyValue, ReceivedMessage, ServiceBusMessageInput } from './serviceBus/message';

// AWS: EventBridge, Step Functions, Lambda (SAM template)
export { LocalEventBridge } from './eventBridge/localEventBridge';
export { EventBridgeApiError } from './eventBridge/errors';
export { DeliveryStreamConfigError, FirehoseApiError, LocalFirehose } from './firehose';
export type { DeliveryStreamConfig, FailedDelivery } from './firehose';
export { LocalStepFunctions } from './stepFunctions/localStepFunctions';
export { StepFunctionsApiError } from './stepFunctions/errors';
export { IntrinsicResolver, LocalLambdaRuntime, SamTemplate, SamTemplateError, toFunctionUrlEvent } from './lambda';
export type { FunctionUrlEvent, FunctionUrlResponse, LambdaInvoker, LambdaInvokeResult } from './lambda';

// Cosmos DB, payment gateway, e-mail
export { loadCosmosConfig, CosmosConfigError } from './cosmos/cosmosConfig';
export {
  loadArmTemplate,
  ArmTemplateError,
  serviceBusConfigFromTemplate,
  cosmosConfigFromTemplate,
} from './azureTemplate';
export type { ArmDeployment, ArmResource, ArmLoadOptions } from './azureTemplate';
export type { CosmosConfig } from './cosmos/cosmosConfig';
export { startLocalCosmos } from './cosmos/cosmosServer';
export type { LocalCosmos, LocalCosmosOptions } from './cosmos/cosmosServer';
export { PaymentGatewayEmulator, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './paymentGateway';
export type { Charge, PaymentGatewayLedger, Refund } from './paymentGateway';
export { LocalEmailService } from './emailService/emailService';
export type { SentEmail } from './emailService/emailService';
