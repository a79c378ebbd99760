import { CloudEvent } from 'cloudevents';
import { bytesOf } from './bytes';
import { MalformedCloudEventError } from './errors';

/** The cloud where an event was first published: set when it first crosses, never changed afterwards. */
export type BridgeOrigin = 'azure' | 'aws';

/**
 * A CloudEvents 1.0 event in the JSON event format (structured mode), as the bridge carries it: any type and
 * source, not only our integration events. Binary data travels as `data_base64`.
 */
export interface BridgeCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  data_base64?: string;
  /** W3C trace context of the operation that published the event. */
  traceparent?: string;
  bridgeorigin?: BridgeOrigin;
  /** How many times the event crossed between the clouds. */
  bridgehops?: number;
  [extension: string]: unknown;
}

/**
 * What the mapping functions accept: our IntegrationEvent, a `cloudevents` CloudEvent instance, or a parsed
 * BridgeCloudEvent, with any extensions. Everything is validated again at run time.
 */
export interface CloudEventInput {
  readonly specversion: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time?: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly data?: unknown;
  readonly data_base64?: string;
  readonly traceparent?: string;
  readonly bridgeorigin?: string;
  readonly bridgehops?: number;
}

const STRING_ATTRIBUTES = ['time', 'subject', 'datacontenttype', 'dataschema', 'data_base64', 'traceparent'] as const;
const CORE_ATTRIBUTES = new Set<string>(['specversion', 'id', 'source', 'type', 'data', ...STRING_ATTRIBUTES]);
const EXTENSION_NAME = /^[a-z0-9]+$/;

/** A short description of a value for error messages: `number 5`, `string "abc"`, `object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return value === '' ? 'an empty string' : `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (ArrayBuffer.isView(value)) return 'binary';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function requireString(event: Record<string, unknown>, attribute: string, context: string): void {
  const value = event[attribute];
  if (value === undefined) throw new MalformedCloudEventError(context, attribute, 'is required (a non-empty string)');
  if (typeof value !== 'string' || value === '')
    throw new MalformedCloudEventError(context, attribute, `must be a non-empty string (got ${describeValue(value)})`);
}

/** Integers may arrive as digit strings (AMQP application properties, HTTP headers): accept the canonical form. */
function asHopCount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,14})$/.test(value)) return Number(value);
  return undefined;
}

function checkExtension(name: string, value: unknown, context: string): void {
  if (!EXTENSION_NAME.test(name))
    throw new MalformedCloudEventError(
      context,
      name,
      'is not a valid attribute name (CloudEvents attribute names are lowercase letters a-z and digits 0-9)',
    );
  const ok = typeof value === 'string' || typeof value === 'boolean' || Number.isSafeInteger(value);
  if (!ok)
    throw new MalformedCloudEventError(
      context,
      name,
      `must be a string, boolean or integer (the CloudEvents type system; got ${describeValue(value)})`,
    );
}

/** Runs the `cloudevents` SDK's own schema (URI-reference source, RFC 3339 time, ...) and names the attribute. */
function validateWithSdk(event: Record<string, unknown>, context: string): void {
  try {
    new CloudEvent({ ...event }, true);
  } catch (e) {
    const first = (e as { errors?: { instancePath?: string; message?: string }[] }).errors?.[0];
    const attribute = first?.instancePath ? first.instancePath.replace(/^\//, '').split('/')[0] : undefined;
    const problem = first?.message ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
    throw new MalformedCloudEventError(context, attribute, problem);
  }
}

/**
 * Validates any CloudEvents 1.0 event and returns it as a plain JSON-ready object: attributes with no value are
 * dropped (the JSON format treats null as absent), binary `data` becomes `data_base64`, and `bridgehops` given as a
 * digit string becomes a number. Throws MalformedCloudEventError naming the attribute and the rule.
 *
 * Unlike `new CloudEvent(...)` alone, a missing `id` or `time` is an error or stays absent: the SDK would invent
 * them, and an invented id defeats duplicate detection downstream.
 */
export function parseCloudEvent(value: unknown, context: string): BridgeCloudEvent {
  if (!isPlainObject(value))
    throw new MalformedCloudEventError(context, undefined, `must be a JSON object (got ${describeValue(value)})`);
  const event: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(value)) {
    if (attr === undefined || (attr === null && name !== 'data')) continue;
    event[name] = attr;
  }
  if (ArrayBuffer.isView(event.data)) {
    // A `cloudevents` CloudEvent holds both forms of binary data; the JSON format carries only data_base64.
    if (event.data_base64 === undefined) {
      const bytes = event.data;
      event.data_base64 = bytesOf(bytes).toString('base64');
    }
    delete event.data;
  }

  if (event.specversion === undefined)
    throw new MalformedCloudEventError(context, 'specversion', "is required ('1.0')");
  if (event.specversion !== '1.0')
    throw new MalformedCloudEventError(
      context,
      'specversion',
      `must be '1.0' (got ${describeValue(event.specversion)}); only CloudEvents 1.0 is supported`,
    );
  for (const attribute of ['id', 'source', 'type']) requireString(event, attribute, context);
  for (const attribute of STRING_ATTRIBUTES) {
    const attr = event[attribute];
    if (attr !== undefined && typeof attr !== 'string')
      throw new MalformedCloudEventError(context, attribute, `must be a string (got ${describeValue(attr)})`);
  }
  if (event.data !== undefined && event.data_base64 !== undefined)
    throw new MalformedCloudEventError(context, 'data_base64', "must not be present together with 'data'");

  for (const [name, attr] of Object.entries(event)) if (!CORE_ATTRIBUTES.has(name)) checkExtension(name, attr, context);
  if (event.bridgeorigin !== undefined && event.bridgeorigin !== 'azure' && event.bridgeorigin !== 'aws')
    throw new MalformedCloudEventError(
      context,
      'bridgeorigin',
      `must be 'azure' or 'aws' (got ${describeValue(event.bridgeorigin)})`,
    );
  if (event.bridgehops !== undefined) {
    const hops = asHopCount(event.bridgehops);
    if (hops === undefined)
      throw new MalformedCloudEventError(
        context,
        'bridgehops',
        `must be a non-negative integer (got ${describeValue(event.bridgehops)})`,
      );
    event.bridgehops = hops;
  }

  validateWithSdk(event, context);
  return event as BridgeCloudEvent;
}
