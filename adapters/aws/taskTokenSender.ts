import type { TaskTokenSender } from '../../saga/ports';

/** Step Functions' answers meaning the task no longer waits: the execution moved on, timed out or ended. */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist']);

/** Step Functions did not take a task's result; the message says what it answered and where it was sent. */
export class StepFunctionsCallbackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepFunctionsCallbackError';
  }
}

/** Completes `.waitForTaskToken` tasks through SendTaskSuccess. */
export class SfnTaskTokenSender implements TaskTokenSender {
  async succeed(taskToken: string, output: string): Promise<'sent' | 'moot'> {
    // Loaded on first use: the Azure app shares appPorts and must neither load the AWS SDK nor need its settings.
    const [{ SendTaskSuccessCommand }, { sfnClient }] = await Promise.all([
      import('@aws-sdk/client-sfn'),
      import('./sfnClient'),
    ]);
    const client = sfnClient();
    try {
      await client.send(new SendTaskSuccessCommand({ taskToken, output }));
      return 'sent';
    } catch (e) {
      const name = (e as Error).name;
      if (TASK_GONE.has(name)) return 'moot';
      const where = process.env.AWS_ENDPOINT_URL_SFN || `Step Functions in ${process.env.AWS_REGION}`;
      const hint =
        name === 'InvalidToken'
          ? ' The stored registration holds a token Step Functions never issued: check what the state machine passes as taskToken.'
          : ' Retrying is safe: a task completes at most once.';
      throw new StepFunctionsCallbackError(
        `SendTaskSuccess to ${where} failed with ${name}: ${(e as Error).message}.${hint}`,
        { cause: e },
      );
    }
  }
}
