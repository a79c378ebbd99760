import { bytesOf } from './bytes';
import { type BridgeCloudEvent, describeValue, isPlainObject, parseCloudEvent } from './cloudEvent';
import { markCrossing } from './crossing';
import { MalformedEventBridgeEventError } from './errors';

/** The event an EventBridge API destination POSTs (the event as EventBridge delivers it to any target). */
export interface EventBridgeEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function decodeBody(body: unknown): unknown {
  if (typeof body !== 'string' && !ArrayBuffer.isView(body)) return body;
  const text = typeof body === 'string' ? body : bytesOf(body).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new MalformedEventBridgeEventError('(body)', `is not valid JSON (${(e as Error).message})`);
  }
}

function requireText(envelope: Record<string, unknown>, field: string, allowEmpty = false): string {
  const value = envelope[field];
  if (value === undefined) throw new MalformedEventBridgeEventError(field, 'is required');
  if (typeof value !== 'string' || (!allowEmpty && value === ''))
    throw new MalformedEventBridgeEventError(
      field,
      `must be a ${allowEmpty ? '' : 'non-empty '}string (got ${describeValue(value)})`,
    );
  return value;
}

/** Validates an EventBridge event envelope (object, or its JSON text/bytes); names the first field at fault. */
export function parseEventBridgeEvent(body: unknown): EventBridgeEvent {
  const envelope = decodeBody(body);
  if (!isPlainObject(envelope))
    throw new MalformedEventBridgeEventError('(body)', `must be a JSON object (got ${describeValue(envelope)})`);
  const version = requireText(envelope, 'version');
  const id = requireText(envelope, 'id');
  const detailType = requireText(envelope, 'detail-type');
  const source = requireText(envelope, 'source');
  const account = requireText(envelope, 'account');
  const time = requireText(envelope, 'time');
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time)))
    throw new MalformedEventBridgeEventError('time', `must be an RFC 3339 timestamp (got ${describeValue(time)})`);
  const region = requireText(envelope, 'region');
  const resources = envelope.resources;
  if (!Array.isArray(resources))
    throw new MalformedEventBridgeEventError(
      'resources',
      `must be an array of strings (got ${describeValue(resources)})`,
    );
  resources.forEach((r, i) => {
    if (typeof r !== 'string')
      throw new MalformedEventBridgeEventError(`resources[${i}]`, `must be a string (got ${describeValue(r)})`);
  });
  const detail = envelope.detail;
  if (!isPlainObject(detail))
    throw new MalformedEventBridgeEventError('detail', `must be a JSON object (got ${describeValue(detail)})`);
  return { version, id, 'detail-type': detailType, source, account, time, region, resources, detail };
}

/**
 * The CloudEvent an EventBridge event carries, as AWS saw it (not yet marked as crossing): run the loop guard on
 * this. A detail with `specversion` IS a CloudEvent (one that crossed from Azure, or an AWS producer that
 * publishes CloudEvents). Any other event is wrapped: id, source, type (detail-type) and time come from the
 * envelope, `data` is the detail, `subject` the resource when there is exactly one, and the account and region
 * travel as the `awsaccount` and `awsregion` extensions.
 */
export function readEventBridgeEvent(body: unknown): BridgeCloudEvent {
  const envelope = parseEventBridgeEvent(body);
  const { detail } = envelope;
  if ('specversion' in detail) return parseCloudEvent(detail, `the detail of EventBridge event '${envelope.id}'`);
  const wrapped: Record<string, unknown> = {
    specversion: '1.0',
    id: envelope.id,
    source: envelope.source,
    type: envelope['detail-type'],
    time: envelope.time,
    datacontenttype: 'application/json',
    ...(envelope.resources.length === 1 ? { subject: envelope.resources[0] } : {}),
    data: detail,
    awsaccount: envelope.account,
    awsregion: envelope.region,
  };
  return parseCloudEvent(wrapped, `the CloudEvent wrapping EventBridge event '${envelope.id}'`);
}

/**
 * Maps what an EventBridge API destination POSTs to the CloudEvent to send to Service Bus, marked as crossing
 * (`bridgeorigin` 'aws' unless it already has an origin, `bridgehops` + 1). Throws MalformedEventBridgeEventError
 * or MalformedCloudEventError: answer 4xx, since EventBridge retrying the same body cannot help.
 */
export function fromEventBridgeEvent(body: unknown): BridgeCloudEvent {
  return markCrossing(readEventBridgeEvent(body), 'aws');
}
