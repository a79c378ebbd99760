import { bytesOf } from './bytes';
import { type BridgeCloudEvent, describeValue, isPlainObject, parseCloudEvent } from './cloudEvent';
import { MalformedCloudEventError } from './errors';

const STRUCTURED = 'Service Bus message (structured mode)';
const BINARY = 'Service Bus message (binary mode)';
// The AMQP binding names attributes `cloudEvents:<name>`; `cloudEvents_` is the form for brokers and SDKs that
// do not allow a colon in property names.
const PREFIXES = ['cloudEvents:', 'cloudEvents_'];

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();
const isJsonMediaType = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

// The binary-mode body is the `data` attribute; in structured mode the body is the whole event.
const whatIsWrong = (attribute: string | undefined, problem: string): string =>
  attribute === undefined ? `the body ${problem}` : `(the message body) ${problem}`;

function utf8(bytes: ArrayBufferView, context: string, attribute: string | undefined): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(bytes));
  } catch {
    throw new MalformedCloudEventError(context, attribute, whatIsWrong(attribute, 'is not valid UTF-8 text'));
  }
}

function parseJson(text: string, context: string, attribute: string | undefined, contentType: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const problem = `is not valid JSON, as content type '${contentType}' says it is (${(e as Error).message})`;
    throw new MalformedCloudEventError(context, attribute, whatIsWrong(attribute, problem));
  }
}

/** The structured-mode body as a JSON value: text, bytes, or what the Functions worker already parsed. */
function structuredBody(body: unknown): unknown {
  const type = 'application/cloudevents+json';
  if (typeof body === 'string') return parseJson(body, STRUCTURED, undefined, type);
  if (ArrayBuffer.isView(body)) return parseJson(utf8(body, STRUCTURED, undefined), STRUCTURED, undefined, type);
  return body;
}

function binaryAttributes(properties: Record<string, unknown>): Record<string, unknown> | undefined {
  const attributes: Record<string, unknown> = {};
  let found = false;
  // The colon form wins when a sender set both.
  for (const prefix of [...PREFIXES].reverse())
    for (const [name, value] of Object.entries(properties))
      if (name.startsWith(prefix)) {
        attributes[name.slice(prefix.length)] = value;
        found = true;
      }
  return found ? attributes : undefined;
}

/**
 * AMQP values to the CloudEvents JSON form: timestamps arrive as Date, or as epoch milliseconds (the Service Bus
 * SDK turns Dates in application properties into numbers), binary as bytes (canonical form: base64).
 */
function canonicalAttribute(name: string, value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : value.toISOString();
  if (name === 'time' && typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (ArrayBuffer.isView(value)) return bytesOf(value).toString('base64');
  return value;
}

/** The binary-mode body as CloudEvents data, decoded as its datacontenttype says. */
function binaryData(body: unknown, datacontenttype: string | undefined): { data?: unknown; data_base64?: string } {
  if (body === undefined || body === null) return {};
  const type = mediaType(datacontenttype);
  if (typeof body === 'string')
    return isJsonMediaType(type) ? { data: parseJson(body, BINARY, 'data', type) } : { data: body };
  if (ArrayBuffer.isView(body)) {
    if (isJsonMediaType(type)) return { data: parseJson(utf8(body, BINARY, 'data'), BINARY, 'data', type) };
    if (type.startsWith('text/')) return { data: utf8(body, BINARY, 'data') };
    return { data_base64: bytesOf(body).toString('base64') };
  }
  // The Functions worker hands over JSON bodies already parsed.
  return { data: body };
}

/**
 * Reads the CloudEvent in a Service Bus message, in either content mode of the CloudEvents AMQP binding:
 * structured (content type `application/cloudevents+json`: the body is the event, as text, bytes, or the object the
 * Functions worker parsed) or binary (attributes in `cloudEvents:`/`cloudEvents_` application properties, the body
 * is `data`, the content type is `datacontenttype`). Without either marker, a JSON body with `specversion` is taken
 * as structured: the worker does not always pass the content type on.
 *
 * Throws MalformedCloudEventError naming the attribute and what is wrong: dead-letter, do not retry.
 */
export function fromServiceBusMessage(
  body: unknown,
  contentType?: string,
  applicationProperties?: Record<string, unknown>,
): BridgeCloudEvent {
  const type = mediaType(contentType);
  if (type.startsWith('application/cloudevents')) {
    if (type.startsWith('application/cloudevents-batch'))
      throw new MalformedCloudEventError(
        STRUCTURED,
        undefined,
        `content type '${type}' (batched mode) is not supported: send one event per message`,
      );
    if (type !== 'application/cloudevents' && type !== 'application/cloudevents+json')
      throw new MalformedCloudEventError(
        STRUCTURED,
        undefined,
        `event format '${type}' is not supported: use application/cloudevents+json`,
      );
    return parseCloudEvent(structuredBody(body), STRUCTURED);
  }

  const attributes = applicationProperties && binaryAttributes(applicationProperties);
  if (attributes) {
    const event: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(attributes)) event[name] = canonicalAttribute(name, value);
    // The AMQP content-type property IS datacontenttype in binary mode.
    if (contentType) event.datacontenttype = contentType;
    const datacontenttype = typeof event.datacontenttype === 'string' ? event.datacontenttype : undefined;
    return parseCloudEvent({ ...event, ...binaryData(body, datacontenttype) }, BINARY);
  }

  let bodyDescription = describeBody(body);
  if (!type || isJsonMediaType(type)) {
    let parsed: unknown;
    try {
      parsed = structuredBody(body);
    } catch {
      bodyDescription = 'not JSON';
    }
    if (isPlainObject(parsed) && 'specversion' in parsed) return parseCloudEvent(parsed, STRUCTURED);
    if (parsed !== undefined)
      bodyDescription = isPlainObject(parsed) ? "a JSON object without 'specversion'" : `JSON ${describeValue(parsed)}`;
  }
  throw new MalformedCloudEventError(
    'Service Bus message',
    undefined,
    'no CloudEvents content mode applies: structured mode needs content type application/cloudevents+json ' +
      `or a JSON object body with 'specversion' (content type: ${type ? `'${type}'` : 'none'}; body: ${bodyDescription}), ` +
      "binary mode needs 'cloudEvents:'-prefixed application properties (none found)",
  );
}

function describeBody(body: unknown): string {
  if (typeof body === 'string') return 'text';
  if (ArrayBuffer.isView(body)) return 'bytes';
  return isPlainObject(body) ? "a JSON object without 'specversion'" : describeValue(body);
}
