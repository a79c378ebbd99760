import type { AttemptOutcome, DeliveryJob } from './types';

/** What the local Step Functions endpoint offers EventBridge (LocalStepFunctions has this method). */
export interface StepFunctionsStarter {
  /** Throws an error whose `name` is the Step Functions error code when the execution cannot start. */
  startExecution(stateMachineArn: string, name: string | undefined, input: string): unknown;
}

/** Step Functions errors that retrying cannot fix: they go to the DLQ at once. */
const NOT_RETRIED: Record<string, string> = {
  StateMachineDoesNotExist: 'NO_RESOURCE',
  StateMachineDeleting: 'NO_RESOURCE',
  InvalidArn: 'INVALID_PARAMETER',
  InvalidName: 'INVALID_PARAMETER',
  InvalidExecutionInput: 'INVALID_JSON',
  ValidationException: 'INVALID_PARAMETER',
  ExecutionAlreadyExists: 'RESOURCE_ALREADY_EXISTS',
};

/**
 * Starts an execution with the event (or the shaped input) as its input and a generated name, as EventBridge's
 * Step Functions target does. Other failures (throttling, a platform hiccup) are retried.
 */
export async function invokeStateMachine(
  stepFunctions: StepFunctionsStarter | undefined,
  job: DeliveryJob,
  input: string,
): Promise<AttemptOutcome> {
  if (!stepFunctions)
    return {
      ok: false,
      retryable: false,
      errorCode: 'NO_RESOURCE',
      errorMessage: `No local Step Functions endpoint is configured, so ${job.target.Arn} cannot be started.`,
    };
  try {
    JSON.parse(input);
  } catch (e) {
    return {
      ok: false,
      retryable: false,
      errorCode: 'INVALID_JSON',
      errorMessage: `Execution input must be JSON: ${(e as Error).message}`,
    };
  }
  try {
    const started = await stepFunctions.startExecution(job.target.Arn, undefined, input);
    const arn = (started as { arn?: unknown } | null)?.arn;
    return { ok: true, ...(typeof arn === 'string' ? { detail: `started ${arn}` } : {}) };
  } catch (e) {
    const name = (e as Error).name;
    const code = NOT_RETRIED[name];
    const message = `${name}: ${(e as Error).message}`;
    return code
      ? { ok: false, retryable: false, errorCode: code, errorMessage: message }
      : { ok: false, retryable: true, errorCode: 'SDK_CLIENT_ERROR', errorMessage: message };
  }
}
