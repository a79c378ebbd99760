import { awsErrorClass } from '../http/awsApiError';

/**
 * Errors the local Step Functions API answers with. Each class is named after the AWS error code, so the JSON
 * protocol layer writes `__type` from `code` and the real `@aws-sdk/client-sfn` raises an exception whose `name`
 * matches the one it would raise against AWS.
 */
export abstract class StepFunctionsApiError extends Error {
  abstract readonly code: string;
  readonly httpStatus: number = 400;
}

const define = (code: string): new (message: string) => StepFunctionsApiError =>
  awsErrorClass(StepFunctionsApiError, code);

export const ExecutionAlreadyExists = define('ExecutionAlreadyExists');
export const ExecutionDoesNotExist = define('ExecutionDoesNotExist');
export const ExecutionNotRedrivable = define('ExecutionNotRedrivable');
export const InvalidArn = define('InvalidArn');
export const InvalidDefinition = define('InvalidDefinition');
export const InvalidExecutionInput = define('InvalidExecutionInput');
export const InvalidName = define('InvalidName');
export const InvalidOutput = define('InvalidOutput');
export const InvalidToken = define('InvalidToken');
export const MissingRequiredParameter = define('MissingRequiredParameter');
export const SerializationException = define('SerializationException');
export const StateMachineAlreadyExists = define('StateMachineAlreadyExists');
export const StateMachineDeleting = define('StateMachineDeleting');
export const StateMachineDoesNotExist = define('StateMachineDoesNotExist');
export const StateMachineTypeNotSupported = define('StateMachineTypeNotSupported');
export const TaskDoesNotExist = define('TaskDoesNotExist');
export const TaskTimedOut = define('TaskTimedOut');
export const UnknownOperationException = define('UnknownOperationException');
export const ValidationException = define('ValidationException');

/** AWS's wording for a model constraint violation (a missing field, a value too long). */
export function validationError(field: string, constraint: string, value?: string): StepFunctionsApiError {
  return new ValidationException(
    `1 validation error detected: Value ${value === undefined ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
