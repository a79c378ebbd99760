import { DeliveryStreamConfigError } from './errors';

/** What a delivery stream with an HTTP endpoint destination does, as the local Firehose runs it. */
export interface DeliveryStreamConfig {
  name: string;
  arn: string;
  /** The endpoint's URL; `{local}` was replaced by the platform's own address before it got here. */
  url: string;
  /** The endpoint's name (EndpointConfiguration.Name), for logs. */
  endpointName: string;
  /** Sent verbatim in X-Amz-Firehose-Access-Key; never logged. */
  accessKey?: string;
  /** A batch is sent once the buffer holds this many bytes of record data (BufferingHints.SizeInMBs). */
  bufferSizeBytes: number;
  /** ... or once the oldest buffered record waited this long (BufferingHints.IntervalInSeconds). */
  bufferIntervalMs: number;
  /** How long a batch is retried after its first attempt failed (RetryOptions.DurationInSeconds). */
  retryDurationMs: number;
  /** RequestConfiguration.CommonAttributes, sent in X-Amz-Firehose-Common-Attributes. */
  commonAttributes: Record<string, string>;
}

/** AWS's limits and defaults for HTTP endpoint destinations (CloudFormation `HttpEndpointDestinationConfiguration`). */
export const HTTP_ENDPOINT_LIMITS = {
  sizeInMBs: { min: 1, max: 64, default: 5 },
  intervalInSeconds: { min: 0, max: 900, default: 300 },
  retryDurationInSeconds: { min: 0, max: 7200, default: 300 },
  accessKeyMaxBytes: 4096,
} as const;

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function bounded(stream: string, field: string, value: unknown, limits: { min: number; max: number; default: number }) {
  if (value === undefined) return limits.default;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < limits.min || n > limits.max)
    throw new DeliveryStreamConfigError(
      stream,
      `${field} must be a whole number from ${limits.min} to ${limits.max} (got ${JSON.stringify(value)}).`,
    );
  return n;
}

/**
 * Reads a `AWS::KinesisFirehose::DeliveryStream`'s properties (intrinsics already resolved) into what the local
 * Firehose runs. Only DirectPut streams with an HTTP endpoint destination are emulated; anything else is refused
 * with the property at fault. The S3 backup configuration is accepted and stands for the failed-delivery store.
 */
export function readHttpEndpointStream(name: string, arn: string, properties: Record<string, unknown>) {
  const type = properties.DeliveryStreamType ?? 'DirectPut';
  if (type !== 'DirectPut')
    throw new DeliveryStreamConfigError(
      name,
      `DeliveryStreamType ${JSON.stringify(type)} is not emulated locally; use DirectPut (EventBridge and PutRecord write to it).`,
    );
  const destination = properties.HttpEndpointDestinationConfiguration;
  if (!isMap(destination))
    throw new DeliveryStreamConfigError(
      name,
      'only HttpEndpointDestinationConfiguration is emulated locally; add one (EndpointConfiguration.Url is required).',
    );
  const endpoint = destination.EndpointConfiguration;
  if (!isMap(endpoint) || typeof endpoint.Url !== 'string' || endpoint.Url === '')
    throw new DeliveryStreamConfigError(
      name,
      'HttpEndpointDestinationConfiguration.EndpointConfiguration.Url is required.',
    );
  let url: URL;
  try {
    url = new URL(endpoint.Url);
  } catch {
    throw new DeliveryStreamConfigError(
      name,
      `EndpointConfiguration.Url ${JSON.stringify(endpoint.Url)} is not a URL.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DeliveryStreamConfigError(
      name,
      `EndpointConfiguration.Url must be https (AWS requires it) or, locally, http (got ${url.protocol}).`,
    );
  const accessKey = endpoint.AccessKey;
  if (accessKey !== undefined && typeof accessKey !== 'string')
    throw new DeliveryStreamConfigError(name, 'EndpointConfiguration.AccessKey must be a string.');
  if (accessKey !== undefined && Buffer.byteLength(accessKey, 'utf8') > HTTP_ENDPOINT_LIMITS.accessKeyMaxBytes)
    throw new DeliveryStreamConfigError(
      name,
      `EndpointConfiguration.AccessKey is over ${HTTP_ENDPOINT_LIMITS.accessKeyMaxBytes} bytes.`,
    );
  const hints = isMap(destination.BufferingHints) ? destination.BufferingHints : {};
  const retry = isMap(destination.RetryOptions) ? destination.RetryOptions : {};
  const request = isMap(destination.RequestConfiguration) ? destination.RequestConfiguration : {};
  if (request.ContentEncoding !== undefined && request.ContentEncoding !== 'NONE')
    throw new DeliveryStreamConfigError(
      name,
      `RequestConfiguration.ContentEncoding ${JSON.stringify(request.ContentEncoding)} is not emulated locally; use NONE.`,
    );
  const commonAttributes: Record<string, string> = {};
  const attributes = request.CommonAttributes ?? [];
  if (!Array.isArray(attributes))
    throw new DeliveryStreamConfigError(name, 'RequestConfiguration.CommonAttributes must be a list.');
  attributes.forEach((a: unknown, i) => {
    if (!isMap(a) || typeof a.AttributeName !== 'string' || typeof a.AttributeValue !== 'string')
      throw new DeliveryStreamConfigError(
        name,
        `RequestConfiguration.CommonAttributes[${i}] needs string AttributeName and AttributeValue.`,
      );
    commonAttributes[a.AttributeName] = a.AttributeValue;
  });
  const config: DeliveryStreamConfig = {
    name,
    arn,
    url: url.toString(),
    endpointName: typeof endpoint.Name === 'string' ? endpoint.Name : url.host,
    bufferSizeBytes:
      bounded(name, 'BufferingHints.SizeInMBs', hints.SizeInMBs, HTTP_ENDPOINT_LIMITS.sizeInMBs) * 1024 * 1024,
    bufferIntervalMs:
      bounded(
        name,
        'BufferingHints.IntervalInSeconds',
        hints.IntervalInSeconds,
        HTTP_ENDPOINT_LIMITS.intervalInSeconds,
      ) * 1000,
    retryDurationMs:
      bounded(
        name,
        'RetryOptions.DurationInSeconds',
        retry.DurationInSeconds,
        HTTP_ENDPOINT_LIMITS.retryDurationInSeconds,
      ) * 1000,
    commonAttributes,
  };
  if (accessKey !== undefined) config.accessKey = accessKey;
  return config;
}

/** The stream's ARN, as AWS forms it. */
export function deliveryStreamArn(region: string, accountId: string, name: string): string {
  return `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`;
}
