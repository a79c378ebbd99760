import { awsErrorClass } from '../http/awsApiError';

/**
 * Errors of the local Amazon Data Firehose. The API errors are named after AWS's codes, so the JSON protocol layer
 * writes `__type` from `code` and the real `@aws-sdk/client-firehose` raises the exception it would raise on AWS.
 */
export abstract class FirehoseApiError extends Error {
  abstract readonly code: string;
  readonly httpStatus: number = 400;
}

const define = (code: string, httpStatus?: number): new (message: string) => FirehoseApiError =>
  awsErrorClass(FirehoseApiError, code, httpStatus);

export const InvalidArgumentException = define('InvalidArgumentException');
export const ResourceNotFoundException = define('ResourceNotFoundException');
export const ResourceInUseException = define('ResourceInUseException');
export const SerializationException = define('SerializationException');
export const ServiceUnavailableException = define('ServiceUnavailableException', 503);
export const UnknownOperationException = define('UnknownOperationException');

/** A delivery stream's configuration (from the SAM template) that the local Firehose cannot run, and why. */
export class DeliveryStreamConfigError extends Error {
  constructor(
    readonly stream: string,
    message: string,
  ) {
    super(`Delivery stream ${stream}: ${message}`);
    this.name = 'DeliveryStreamConfigError';
  }
}
