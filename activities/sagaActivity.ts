import * as df from 'durable-functions';
import type { StepInput, StepResult } from '../saga/domain/saga';

/** The engine running the saga; side effects that call back (a charge's confirmation) go to its endpoint only. */
export type SagaEngine = 'durable' | 'stepfunctions';

/** An activity bound to the app's ports: what Durable calls and what the Lambda handlers wrap. */
export interface SagaActivity {
  name: string;
  run(input: StepInput, engine: SagaEngine): Promise<StepResult>;
}

/**
 * Registers the activity with Durable Functions and returns it for the Lambda handlers. Inside Lambda there is
 * no Functions host: registering would only print "@azure/functions is in test mode" warnings, so it is skipped.
 */
export function sagaActivity(
  name: string,
  run: (input: StepInput, engine: SagaEngine) => Promise<StepResult>,
): SagaActivity {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME)
    df.app.activity(name, { handler: (input: StepInput) => run(input, 'durable') });
  return { name, run };
}
