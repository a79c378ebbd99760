import { AwsJsonResponse, AwsJsonService, awsJsonError, awsJsonOk, readAwsJsonRequest } from '../http/awsJsonProtocol';
import type { MountRequest } from '../http/mountedApi';
import { EventBridgeApiError, SerializationException, UnknownOperationException, validationError } from './errors';
import { MAX_DESCRIPTION_LENGTH } from './limits';

export type JsonResponse = AwsJsonResponse;

export type Body = Record<string, unknown>;

const TARGET_PREFIX = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1' as const;

const EVENTBRIDGE_PROTOCOL: AwsJsonService = {
  targetPrefix: TARGET_PREFIX,
  contentType: CONTENT_TYPE,
  notTheProtocol: () =>
    new UnknownOperationException(
      'EventBridge speaks the AWS JSON 1.1 protocol: POST to the endpoint with X-Amz-Target: AWSEvents.<Operation> ' +
        `and Content-Type: ${CONTENT_TYPE} (use @aws-sdk/client-eventbridge with endpoint set to this URL, ` +
        'or AWS_ENDPOINT_URL_EVENTBRIDGE).',
    ),
  malformed: (message) => new SerializationException(message),
};

/** The operation and JSON body of an AWS JSON 1.1 request (`POST /`, `X-Amz-Target: AWSEvents.<Op>`). */
export function readRequest(req: MountRequest): { operation: string; body: Body } {
  return readAwsJsonRequest(req, EVENTBRIDGE_PROTOCOL);
}

export function okResponse(body: unknown): JsonResponse {
  return awsJsonOk(EVENTBRIDGE_PROTOCOL, body);
}

/** `__type` carries the bare code, as EventBridge writes it; the SDK maps it to its exception classes. */
export function errorResponse(e: EventBridgeApiError): JsonResponse {
  return awsJsonError(EVENTBRIDGE_PROTOCOL, e, { errorTypeHeader: true });
}

/** Epoch milliseconds as the protocol's timestamps: epoch seconds (a number, fractions allowed). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** The member name as AWS prints it in validation messages (`EventBusName` → `eventBusName`). */
export function memberPath(field: string): string {
  return field
    .split('.')
    .map((p) => p.charAt(0).toLowerCase() + p.slice(1))
    .join('.');
}

function typeError(field: string, expected: string, v: unknown): EventBridgeApiError {
  return new SerializationException(
    `'${field}' must be ${expected}, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}.`,
  );
}

export function optionalString(body: Body, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeError(field, 'a string', v);
  return v;
}

export function requireString(body: Body, field: string): string {
  const v = optionalString(body, field);
  if (v === undefined) throw validationError(memberPath(field), 'Member must not be null');
  return v;
}

export function optionalNumber(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError(field, 'a number', v);
  return v;
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(field, 'a boolean', v);
  return v;
}

export function optionalObject(body: Body, field: string): Body | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(field, 'an object', v);
  return v as Body;
}

export function optionalArray(body: Body, field: string): unknown[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw typeError(field, 'an array', v);
  return v;
}

/** `Description` of a bus, rule, connection, destination or archive: at most 512 characters, as AWS allows. */
export function optionalDescription(body: Body): string | undefined {
  const description = optionalString(body, 'Description');
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH)
    throw validationError('description', `Member must have length less than or equal to ${MAX_DESCRIPTION_LENGTH}`);
  return description;
}

export function optionalStringArray(body: Body, field: string): string[] | undefined {
  const list = optionalArray(body, field);
  if (!list) return undefined;
  for (const item of list) if (typeof item !== 'string') throw typeError(`${field}[]`, 'a string', item);
  return list as string[];
}

/** A string-to-string map (HeaderParameters, InputPathsMap). */
export function optionalStringMap(body: Body, field: string): Record<string, string> | undefined {
  const obj = optionalObject(body, field);
  if (!obj) return undefined;
  for (const [k, v] of Object.entries(obj)) if (typeof v !== 'string') throw typeError(`${field}.${k}`, 'a string', v);
  return obj as Record<string, string>;
}

/**
 * A timestamp member as epoch milliseconds. The SDK sends epoch seconds; the platform's programmatic calls may
 * pass a Date or an ISO 8601 string, which are accepted too.
 */
export function optionalTimestamp(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw typeError(field, 'a timestamp (epoch seconds)', v);
}

export function requireTimestamp(body: Body, field: string): number {
  const v = optionalTimestamp(body, field);
  if (v === undefined) throw validationError(memberPath(field), 'Member must not be null');
  return v;
}
