import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { MountRequest } from '../http/mountedApi';
import { SerializationException, StepFunctionsApiError, UnknownOperationException, validationError } from './errors';

export interface JsonResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model#';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The operation and JSON body of an AWS JSON 1.0 request (`POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`). */
export function readRequest(req: MountRequest): { operation: string; body: Record<string, unknown> } {
  const target = header(req.headers, 'x-amz-target');
  if (req.method.toUpperCase() !== 'POST' || !target || !target.startsWith(TARGET_PREFIX))
    throw new UnknownOperationException(
      'Step Functions speaks the AWS JSON 1.0 protocol: POST to the endpoint with X-Amz-Target: AWSStepFunctions.<Operation> ' +
        `and Content-Type: ${CONTENT_TYPE} (use @aws-sdk/client-sfn with endpoint set to this URL).`,
    );
  const text = req.body.toString('utf8').trim();
  let body: unknown = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new SerializationException(`The request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new SerializationException('The request body must be a JSON object.');
  return { operation: target.slice(TARGET_PREFIX.length), body: body as Record<string, unknown> };
}

export function okResponse(body: unknown): JsonResponse {
  return { status: 200, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() }, body };
}

export function errorResponse(e: StepFunctionsApiError): JsonResponse {
  return {
    status: e.httpStatus,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
    body: { __type: `${ERROR_NAMESPACE}${e.code}`, message: e.message },
  };
}

/** Epoch milliseconds as the protocol's timestamps: epoch seconds (a number, fractions allowed). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null) throw validationError(field, 'Member must not be null');
  if (typeof v !== 'string') throw new SerializationException(`'${field}' must be a string, got ${typeof v}.`);
  return v;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SerializationException(`'${field}' must be a string, got ${typeof v}.`);
  return v;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new SerializationException(`'${field}' must be a boolean, got ${typeof v}.`);
  return v;
}
