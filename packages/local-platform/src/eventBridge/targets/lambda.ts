import type { LambdaInvoker } from '../../lambda/invoke';
import type { AttemptOutcome, DeliveryJob, RetryOverride } from './types';

/**
 * EventBridge invokes Lambda asynchronously, so a function error is handled by Lambda's asynchronous retries:
 * two more attempts, one minute and then two minutes later (Lambda Developer Guide, "Asynchronous invocation").
 * Locally the event then goes to the target's dead-letter queue, standing in for the function's own on-failure
 * destination, which is not emulated.
 */
export const LAMBDA_ASYNC_RETRIES: RetryOverride = { maxRetries: 2, delayMs: (retry) => retry * 60_000 };

export async function invokeLambda(
  lambda: LambdaInvoker | undefined,
  job: DeliveryJob,
  input: string,
): Promise<AttemptOutcome> {
  if (!lambda)
    return {
      ok: false,
      retryable: false,
      errorCode: 'NO_RESOURCE',
      errorMessage: `No local Lambda runtime is configured, so ${job.target.Arn} cannot be invoked.`,
    };
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch (e) {
    return {
      ok: false,
      retryable: false,
      errorCode: 'INVALID_JSON',
      errorMessage: `The Lambda payload must be JSON: ${(e as Error).message}`,
    };
  }
  const result = await lambda.invoke(job.target.Arn, payload);
  if (result.ok) return { ok: true, detail: `function returned (${result.executedVersion})` };
  if (result.errorType === 'Lambda.ResourceNotFoundException')
    return { ok: false, retryable: false, errorCode: 'NO_RESOURCE', errorMessage: result.errorMessage };
  return {
    ok: false,
    retryable: true,
    errorCode: 'ERROR_FROM_TARGET',
    errorMessage: `${result.errorType}: ${result.errorMessage}`,
    retry: LAMBDA_ASYNC_RETRIES,
  };
}
