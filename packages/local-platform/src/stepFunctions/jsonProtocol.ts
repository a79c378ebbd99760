import { AwsJsonResponse, AwsJsonService, awsJsonError, awsJsonOk, readAwsJsonRequest } from '../http/awsJsonProtocol';
import type { MountRequest } from '../http/mountedApi';
import { SerializationException, StepFunctionsApiError, UnknownOperationException, validationError } from './errors';

export type JsonResponse = AwsJsonResponse;

const TARGET_PREFIX = 'AWSStepFunctions.';
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model#';
const CONTENT_TYPE = 'application/x-amz-json-1.0' as const;

const STEP_FUNCTIONS_PROTOCOL: AwsJsonService = {
  targetPrefix: TARGET_PREFIX,
  contentType: CONTENT_TYPE,
  notTheProtocol: () =>
    new UnknownOperationException(
      'Step Functions speaks the AWS JSON 1.0 protocol: POST to the endpoint with X-Amz-Target: AWSStepFunctions.<Operation> ' +
        `and Content-Type: ${CONTENT_TYPE} (use @aws-sdk/client-sfn with endpoint set to this URL).`,
    ),
  malformed: (message) => new SerializationException(message),
};

/** The operation and JSON body of an AWS JSON 1.0 request (`POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`). */
export function readRequest(req: MountRequest): { operation: string; body: Record<string, unknown> } {
  return readAwsJsonRequest(req, STEP_FUNCTIONS_PROTOCOL);
}

export function okResponse(body: unknown): JsonResponse {
  return awsJsonOk(STEP_FUNCTIONS_PROTOCOL, body);
}

export function errorResponse(e: StepFunctionsApiError): JsonResponse {
  return awsJsonError(STEP_FUNCTIONS_PROTOCOL, e, { typePrefix: ERROR_NAMESPACE });
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
