import * as df from 'durable-functions';
import { ValidationError } from '../saga/domain/validation';

/**
 * Parses the saga's input, or throws what fails the instance as a non-retriable ValidationError. durable-functions
 * reports structured failure details only for a TaskFailedError; thrown from the orchestrator, its details become
 * the instance's FailureDetails (ErrorType `ValidationError`), the error name Step Functions reports for the same
 * input, instead of a bare message under the generic type `Error`.
 */
export function sagaInputOrFail<T>(parse: (input: unknown) => T, input: unknown): T {
  try {
    return parse(input);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new df.TaskFailedError({
      errorType: e.name,
      errorMessage: e.message,
      isNonRetriable: true,
      isCausedBy: (errorType) => errorType === e.name,
    });
  }
}
