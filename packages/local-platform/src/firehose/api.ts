import { AwsJsonAnswer, AwsJsonService, awsJsonError, awsJsonOk, readAwsJsonRequest } from '../http/awsJsonProtocol';
import type { MountRequest } from '../http/mountedApi';
import {
  FirehoseApiError,
  InvalidArgumentException,
  SerializationException,
  UnknownOperationException,
} from './errors';

const TARGET_PREFIX = 'Firehose_20150804.';

export type Body = Record<string, unknown>;

export type FirehoseResponse = AwsJsonAnswer;

const FIREHOSE_PROTOCOL: AwsJsonService = {
  targetPrefix: TARGET_PREFIX,
  contentType: 'application/x-amz-json-1.1',
  notTheProtocol: () =>
    new UnknownOperationException(
      'Firehose speaks the AWS JSON 1.1 protocol: POST to the endpoint with X-Amz-Target: ' +
        `${TARGET_PREFIX}<Operation> (use @aws-sdk/client-firehose with endpoint set to this URL, or AWS_ENDPOINT_URL_FIREHOSE).`,
    ),
  malformed: (message) => new SerializationException(message),
};

/** The operation and JSON body of an AWS JSON 1.1 request (`X-Amz-Target: Firehose_20150804.<Op>`). */
export function readFirehoseRequest(req: MountRequest): { operation: string; body: Body } {
  return readAwsJsonRequest(req, FIREHOSE_PROTOCOL);
}

export function okResponse(body: unknown): FirehoseResponse {
  return awsJsonOk(FIREHOSE_PROTOCOL, body);
}

/** `__type` carries the bare code; the SDK maps it to its exception classes. */
export function errorResponse(e: FirehoseApiError): FirehoseResponse {
  return awsJsonError(FIREHOSE_PROTOCOL, e, { errorTypeHeader: true });
}

/** A record's `Data` (base64 on the wire), checked against Firehose's 1,000 KiB record limit. */
export function recordData(record: unknown, where: string): Buffer {
  const data = (record as { Data?: unknown } | null)?.Data;
  if (typeof data !== 'string')
    throw new InvalidArgumentException(`${where}.Data is required: the record's bytes, base64-encoded.`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new SerializationException(`${where}.Data is not valid base64.`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > RECORD_MAX_BYTES)
    throw new InvalidArgumentException(
      `${where}.Data is ${bytes.length} bytes; a Firehose record is at most ${RECORD_MAX_BYTES} bytes (1,000 KiB) before base64.`,
    );
  return bytes;
}

export const RECORD_MAX_BYTES = 1000 * 1024;
export const PUT_RECORD_BATCH_MAX_RECORDS = 500;
export const PUT_RECORD_BATCH_MAX_BYTES = 4 * 1024 * 1024;
