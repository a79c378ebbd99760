import { randomUUID } from 'node:crypto';
import type { MountRequest } from './mountedApi';

/**
 * The AWS JSON 1.0 / 1.1 protocol the local EventBridge, Step Functions and Firehose speak to the real SDKs:
 * `POST /` with `X-Amz-Target: <prefix><Operation>` and a JSON object body; errors carry their code in `__type`.
 */
export interface AwsJsonService {
  /** `AWSEvents.`, `AWSStepFunctions.`, `Firehose_20150804.` */
  targetPrefix: string;
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  /** The service's refusal of a request that is not this protocol (it names the SDK to use). */
  notTheProtocol(): Error;
  /** The service's refusal of a body that is not a JSON object. */
  malformed(message: string): Error;
}

export interface AwsJsonResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What this module answers: every field set. */
export type AwsJsonAnswer = Required<AwsJsonResponse>;

/** The operation and JSON body of a request. */
export function readAwsJsonRequest(
  req: MountRequest,
  service: AwsJsonService,
): { operation: string; body: Record<string, unknown> } {
  const raw = req.headers['x-amz-target'];
  const target = Array.isArray(raw) ? raw[0] : raw;
  if (req.method.toUpperCase() !== 'POST' || !target || !target.startsWith(service.targetPrefix))
    throw service.notTheProtocol();
  const text = req.body.toString('utf8').trim();
  let body: unknown = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw service.malformed(`The request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw service.malformed('The request body must be a JSON object.');
  return { operation: target.slice(service.targetPrefix.length), body: body as Record<string, unknown> };
}

export function awsJsonOk(service: AwsJsonService, body: unknown): AwsJsonAnswer {
  return { status: 200, headers: { 'content-type': service.contentType, 'x-amzn-requestid': randomUUID() }, body };
}

/**
 * An error answer: `__type` is the code (Step Functions prefixes its model namespace); `x-amzn-errortype` is sent
 * by the services whose SDKs read it.
 */
export function awsJsonError(
  service: AwsJsonService,
  error: { httpStatus: number; code: string; message: string },
  options: { typePrefix?: string; errorTypeHeader?: boolean } = {},
): AwsJsonAnswer {
  const headers: Record<string, string> = { 'content-type': service.contentType, 'x-amzn-requestid': randomUUID() };
  if (options.errorTypeHeader) headers['x-amzn-errortype'] = error.code;
  return {
    status: error.httpStatus,
    headers,
    body: { __type: `${options.typePrefix ?? ''}${error.code}`, message: error.message },
  };
}
