/** Every error the bridge raises on purpose, so an edge can tell "this event can never go" from a crash. */
export abstract class BridgeError extends Error {
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A message or request that is not a valid CloudEvents 1.0 event. Retrying cannot fix it: the sender must.
 * `attribute` is the CloudEvents attribute at fault, or undefined when the whole payload is (not JSON, no mode).
 */
export class MalformedCloudEventError extends BridgeError {
  constructor(
    /** Where the event was read from, e.g. "Service Bus message (structured mode)". */
    readonly context: string,
    readonly attribute: string | undefined,
    /** What is wrong, in words, without the attribute name. */
    readonly problem: string,
  ) {
    super(
      `Malformed CloudEvent in ${context}: ${attribute === undefined ? '' : `attribute '${attribute}' `}${problem}.`,
    );
  }
}

/** What an EventBridge API destination posted, or a Firehose record held, is not an EventBridge event envelope. */
export class MalformedEventBridgeEventError extends BridgeError {
  constructor(
    /** The envelope field at fault (`detail-type`, `resources[1]`), or `(body)` for the payload as a whole. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(
      `Malformed EventBridge event: '${field}' ${problem}. The rule's target (API destination or Firehose stream) must ` +
        `carry the whole event ({version, id, detail-type, source, account, time, region, resources, detail}) as JSON, ` +
        'without an input transformer.',
    );
  }
}

/** The limits the bridge checks before sending, so an oversized event fails here with a fix instead of in a cloud. */
export type SizeLimitName = 'EventBridgeEntry' | 'ServiceBusMessage' | 'ServiceBusProperties' | 'ServiceBusProperty';

const formatBytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

function describeLimit(
  limit: SizeLimitName,
  eventId: string | undefined,
  actual: number,
  max: number,
  propertyName: string | undefined,
): string {
  const ofEvent = eventId === undefined ? '' : ` for event '${eventId}'`;
  const over = `(${formatBytes(actual - max)} over)`;
  const shortenProperties =
    "The event's type, source, subject and traceparent are copied to properties for subscription filters: " +
    'shorten those attributes (move long values into `data`).';
  const claimCheck =
    'Put the payload in storage (S3 or Blob Storage) and send a reference to it in `data` instead (claim-check pattern).';
  switch (limit) {
    case 'EventBridgeEntry':
      return (
        `EventBridge entry${ofEvent} is ${formatBytes(actual)}; PutEvents allows ${formatBytes(max)} per entry ${over}. ` +
        claimCheck
      );
    case 'ServiceBusMessage':
      return (
        `Service Bus message${ofEvent} is ${formatBytes(actual)}; a Standard namespace allows ${formatBytes(max)} per ` +
        `message ${over}. ${claimCheck}`
      );
    case 'ServiceBusProperties':
      return (
        `Service Bus message properties${ofEvent} are ${formatBytes(actual)}; Service Bus allows ${formatBytes(max)} ` +
        `of properties (application and system together) per message ${over}. ${shortenProperties}`
      );
    case 'ServiceBusProperty':
      return (
        `Service Bus message property '${propertyName ?? '?'}'${ofEvent} is ${formatBytes(actual)}; Service Bus allows ` +
        `${formatBytes(max)} per property ${over}. ${shortenProperties}`
      );
  }
}

/** An event that cannot be sent as it is, whatever the number of retries. */
export class EventTooLargeError extends BridgeError {
  constructor(
    readonly limitName: SizeLimitName,
    readonly limitBytes: number,
    readonly actualBytes: number,
    readonly eventId?: string,
    /** For the per-property limit: which property. */
    readonly propertyName?: string,
  ) {
    super(describeLimit(limitName, eventId, actualBytes, limitBytes, propertyName));
  }

  get overBytes(): number {
    return this.actualBytes - this.limitBytes;
  }
}

/** A caller passed the bridge a setting it cannot work with (empty bus name, retry policy with 0 attempts). */
export class BridgeConfigurationError extends BridgeError {
  constructor(message: string) {
    super(message);
  }
}

/** What Firehose POSTed is not an HTTP endpoint delivery request; the whole request is refused (400). */
export class MalformedFirehoseRequestError extends BridgeError {
  constructor(
    /** The request field at fault (`requestId`, `records[3].data`), or `(body)` for the payload as a whole. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(
      `Malformed Firehose request: '${field}' ${problem}. Firehose POSTs {"requestId", "timestamp", ` +
        '"records": [{"data": <base64>}]} as JSON (HTTP endpoint delivery, protocol version 1.0).',
    );
  }
}
