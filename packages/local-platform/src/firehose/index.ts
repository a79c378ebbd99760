// The local Amazon Data Firehose: delivery streams with HTTP endpoint destinations (see localFirehose.ts).
export { LocalFirehose } from './localFirehose';
export type { LocalFirehoseOptions } from './localFirehose';
export { deliveryStreamArn, HTTP_ENDPOINT_LIMITS, readHttpEndpointStream } from './deliveryStream';
export type { DeliveryStreamConfig } from './deliveryStream';
export { DeliveryStreamConfigError, FirehoseApiError } from './errors';
export type { FailedDelivery } from './persistence/firehoseStore';
