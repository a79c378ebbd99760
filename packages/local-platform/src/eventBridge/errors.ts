import { awsErrorClass } from '../http/awsApiError';

/**
 * Errors the local EventBridge API answers with. Each class is named after the AWS error code, so the JSON
 * protocol layer writes `__type` from `code` and the real `@aws-sdk/client-eventbridge` raises an exception whose
 * `name` matches the one it would raise against AWS (modelled ones such as ResourceNotFoundException become the
 * SDK's own exception classes).
 */
export abstract class EventBridgeApiError extends Error {
  abstract readonly code: string;
  readonly httpStatus: number = 400;
}

const define = (code: string, httpStatus?: number): new (message: string) => EventBridgeApiError =>
  awsErrorClass(EventBridgeApiError, code, httpStatus);

export const ConcurrentModificationException = define('ConcurrentModificationException');
export const IllegalStatusException = define('IllegalStatusException');
export const InternalException = define('InternalException', 500);
export const InvalidEventPatternException = define('InvalidEventPatternException');
export const LimitExceededException = define('LimitExceededException');
export const ResourceAlreadyExistsException = define('ResourceAlreadyExistsException');
export const ResourceNotFoundException = define('ResourceNotFoundException');
export const SerializationException = define('SerializationException');
export const UnknownOperationException = define('UnknownOperationException');
export const ValidationException = define('ValidationException');

/**
 * AWS's wording for a model constraint violation (a missing member, a value too long, a bad pattern), e.g.
 * `1 validation error detected: Value 'x y' at 'name' failed to satisfy constraint: Member must satisfy regular
 * expression pattern: [\.\-_A-Za-z0-9]+`. `field` is the camelCase member path AWS prints.
 */
export function validationError(field: string, constraint: string, value?: string): EventBridgeApiError {
  return new ValidationException(
    `1 validation error detected: Value ${value === undefined ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** AWS's wording for a parameter that is well formed but not acceptable: `Parameter X is not valid. Reason: ...`. */
export function invalidParameter(parameter: string, reason: string): EventBridgeApiError {
  return new ValidationException(`Parameter ${parameter} is not valid. Reason: ${reason}`);
}
