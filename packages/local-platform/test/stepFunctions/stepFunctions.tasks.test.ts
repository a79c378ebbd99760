// Task states of the local Step Functions endpoint through the real @aws-sdk/client-sfn, with in-test Lambda
// functions and a virtual clock: the lambda:invoke integrations, Retry/Catch/timeouts timed on the clock,
// callback task tokens, the context object and the payload and history limits.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FunctionError, startStepFunctions, StepFunctionsHarness } from '../fixtures/stepFunctionsServer';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const FN = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let h: StepFunctionsHarness;
let seq = 0;

beforeEach(async () => {
  h = await startStepFunctions();
});
afterEach(async () => {
  await h.close();
});

async function rejection(p: Promise<unknown>): Promise<SFNServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SFNServiceException;
  }
  throw new Error('expected the call to fail');
}

/** Creates a machine from `States` (StartAt = first state) and starts it; returns the execution ARN. */
async function run(
  states: Record<string, unknown>,
  input: unknown = {},
  extra: Record<string, unknown> = {},
  settle = true,
): Promise<string> {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
  const { stateMachineArn } = await h.client.send(
    new CreateStateMachineCommand({ name: `m${++seq}`, definition, roleArn: ROLE }),
  );
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await (settle ? h.settle() : h.tick());
  return executionArn as string;
}

const describeExecution = (executionArn: string) => h.client.send(new DescribeExecutionCommand({ executionArn }));

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const out = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return out.events ?? [];
}

const types = (events: HistoryEvent[]): string[] => events.map((e) => e.type as string);

function invoke(fn: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: FN(fn), 'Payload.$': '$' },
    ...extra,
  };
}

function callback(fn: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: FN(fn), Payload: { 'order.$': '$', 'taskToken.$': '$$.Task.Token' } },
    ...extra,
  };
}

/** The token a callback function received in its latest call. */
function lastToken(fn: string): string {
  const calls = h.lambdas.callsOf(fn) as { taskToken: string }[];
  return calls[calls.length - 1].taskToken;
}

describe('lambda:invoke (with in-test Lambda functions)', () => {
  it('returns the integration shape and records TaskScheduled with the parameters', async () => {
    h.lambdas.define('price', (p) => ({ total: (p as { qty: number }).qty * 3 }));
    const arn = await run({ Price: invoke('price', { End: true }) }, { qty: 2 });
    const d = await describeExecution(arn);
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output as string);
    expect(out).toMatchObject({ ExecutedVersion: '$LATEST', Payload: { total: 6 }, StatusCode: 200 });
    expect(out.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(typeof out.SdkResponseMetadata.RequestId).toBe('string');
    const events = await history(arn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2].taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
    });
    expect(JSON.parse(events[2].taskScheduledEventDetails?.parameters as string)).toEqual({
      FunctionName: FN('price'),
      Payload: { qty: 2 },
    });
  });

  it('applies InputPath, Parameters, ResultSelector, ResultPath and OutputPath around the call', async () => {
    h.lambdas.define('echo', (p) => ({ got: p }));
    const arn = await run(
      {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          InputPath: '$.order',
          Parameters: { FunctionName: 'echo', Payload: { 'id.$': '$.id', fixed: 1 } },
          ResultSelector: { 'echoed.$': '$.Payload.got' },
          ResultPath: '$.result',
          OutputPath: '$.result',
          End: true,
        },
      },
      { order: { id: 'o-1' }, other: true },
    );
    expect(h.lambdas.callsOf('echo')).toEqual([{ id: 'o-1', fixed: 1 }]);
    expect(JSON.parse((await describeExecution(arn)).output as string)).toEqual({ echoed: { id: 'o-1', fixed: 1 } });
  });

  it('fails the execution with the errorType and the function error document as cause', async () => {
    h.lambdas.define('charge', () => {
      throw new FunctionError('PaymentDeclined', 'card declined');
    });
    const arn = await run({ Charge: invoke('charge', { End: true }) });
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined' });
    expect(JSON.parse(d.cause as string)).toEqual({
      errorMessage: 'card declined',
      errorType: 'PaymentDeclined',
      trace: ['PaymentDeclined: card declined'],
    });
    const events = await history(arn);
    expect(types(events).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
    expect(events.at(-2)?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'PaymentDeclined',
    });
  });

  it('runs a plain Lambda ARN as the legacy integration with LambdaFunction* events', async () => {
    h.lambdas.define('legacy', (p) => ({ seen: p }));
    const arn = await run({ L: { Type: 'Task', Resource: FN('legacy'), End: true } }, { a: 1 });
    expect(JSON.parse((await describeExecution(arn)).output as string)).toEqual({ seen: { a: 1 } });
    expect(types(await history(arn))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('fails a task with an unsupported resource, naming it and what is supported', async () => {
    const arn = await run({
      S: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q' }, End: true },
    });
    const d = await describeExecution(arn);
    expect(d.status).toBe('FAILED');
    expect(d.cause).toContain('arn:aws:states:::sqs:sendMessage');
    expect(d.cause).toContain('lambda:invoke');
  });

  it('exposes the context object ($$.Execution, $$.StateMachine) to Parameters', async () => {
    h.lambdas.define('ctx', (p) => p);
    const definition = {
      C: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: 'ctx',
          Payload: {
            'id.$': '$$.Execution.Id',
            'name.$': '$$.Execution.Name',
            'input.$': '$$.Execution.Input',
            'start.$': '$$.Execution.StartTime',
            'role.$': '$$.Execution.RoleArn',
            'redrives.$': '$$.Execution.RedriveCount',
            'machine.$': '$$.StateMachine.Name',
            'state.$': '$$.State.Name',
          },
        },
        End: true,
      },
    };
    const arn = await run(
      { First: { Type: 'Pass', Result: { changed: true }, Next: 'C' }, ...definition },
      { original: 1 },
    );
    expect(h.lambdas.callsOf('ctx')[0]).toEqual({
      id: arn,
      name: arn.split(':').pop(),
      input: { original: 1 },
      start: '2026-01-05T09:00:00.000Z',
      role: ROLE,
      redrives: 0,
      machine: `m${seq}`,
      state: 'C',
    });
  });
});

describe('Retry, Catch and timeouts on the virtual clock (with in-test Lambda functions)', () => {
  it('retries with backoff, capped by MaxDelaySeconds, each attempt with its own TaskScheduled..TaskFailed', async () => {
    const times: number[] = [];
    h.lambdas.define('flaky', () => {
      times.push(h.clock.now());
      if (times.length < 4) throw new FunctionError('Busy', 'try later');
      return { ok: true };
    });
    const arn = await run({
      T: invoke('flaky', {
        Retry: [
          { ErrorEquals: ['Other'], MaxAttempts: 5, IntervalSeconds: 100 },
          { ErrorEquals: ['Busy'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 5, MaxDelaySeconds: 10 },
        ],
        End: true,
      }),
    });
    expect(times).toHaveLength(1);
    expect(h.sfn.inFlight()).toBe(0); // waiting on a backoff is not work
    await h.advance(60_000);
    const start = times[0];
    expect(times.map((t) => (t - start) / 1000)).toEqual([0, 2, 2 + 6, 2 + 6 + 10]);
    expect((await describeExecution(arn)).status).toBe('SUCCEEDED');
    const events = types(await history(arn));
    expect(events.filter((t) => t === 'TaskScheduled')).toHaveLength(4);
    expect(events.filter((t) => t === 'TaskFailed')).toHaveLength(3);
    expect(events.filter((t) => t === 'TaskStateEntered')).toHaveLength(1);
  });

  it('stops after MaxAttempts (default 3), MaxAttempts 0 never retries, and States.ALL catches it', async () => {
    h.lambdas.define('down', () => {
      throw new FunctionError('Down', 'unavailable');
    });
    const arn = await run(
      {
        T: invoke('down', {
          Retry: [{ ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Compensate' }],
          Next: 'Never',
        }),
        Never: { Type: 'Fail', Error: 'NotReached' },
        Compensate: { Type: 'Pass', End: true },
      },
      { order: 7 },
    );
    await h.advance(3600_000);
    expect(h.lambdas.callsOf('down')).toHaveLength(4);
    const d = await describeExecution(arn);
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output as string);
    expect(out.order).toBe(7);
    expect(out.error.Error).toBe('Down');
    expect(JSON.parse(out.error.Cause).errorMessage).toBe('unavailable');
    const events = types(await history(arn));
    // A caught error leaves the task without TaskStateExited.
    expect(events.slice(-4)).toEqual(['TaskFailed', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);

    h.lambdas.define('once', () => {
      throw new FunctionError('Boom', 'x');
    });
    const never = await run({ T: invoke('once', { Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 0 }], End: true }) });
    expect(h.lambdas.callsOf('once')).toHaveLength(1);
    expect((await describeExecution(never)).error).toBe('Boom');
  });

  it('times out an attempt after TimeoutSeconds on the clock; States.TaskFailed does not catch States.Timeout', async () => {
    let release: () => void = () => undefined;
    h.lambdas.define('slow', () => new Promise((r) => (release = () => r({ late: true }))));
    const arn = await run(
      {
        T: invoke('slow', {
          TimeoutSeconds: 30,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'TaskFailedHandler' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimeoutHandler' },
          ],
          End: true,
        }),
        TaskFailedHandler: { Type: 'Fail', Error: 'WrongCatcher' },
        TimeoutHandler: { Type: 'Pass', End: true },
      },
      {},
      {},
      false,
    );
    expect(h.sfn.inFlight()).toBe(1); // a Lambda call in progress is work
    await h.advanceLoosely(29_999);
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    await h.advanceLoosely(1);
    release();
    await h.settle();
    const d = await describeExecution(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string).timeout.Error).toBe('States.Timeout');
    const events = await history(arn);
    const timedOut = events.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout', resource: 'invoke' });
    expect(timedOut?.timestamp).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 0, 30)));
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds).toBe(30);
  });

  it('retries each timed-out attempt with its own timeout', async () => {
    h.lambdas.define('hang', () => new Promise(() => undefined));
    const arn = await run(
      {
        T: invoke('hang', {
          TimeoutSecondsPath: '$.limit',
          Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 2, IntervalSeconds: 5 }],
          End: true,
        }),
      },
      { limit: 10 },
      {},
      false,
    );
    await h.advanceLoosely(100_000);
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    // 10 s, wait 5, 10 s, wait 10, 10 s
    expect(d.stopDate).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 0, 45)));
    expect(types(await history(arn)).filter((t) => t === 'TaskTimedOut')).toHaveLength(3);
  });

  it('Wait states and the execution TimeoutSeconds use the clock', async () => {
    const arn = await run(
      { W: { Type: 'Wait', SecondsPath: '$.delay', Next: 'W2' }, W2: { Type: 'Wait', Seconds: 1000, End: true } },
      { delay: 50 },
      { TimeoutSeconds: 500 },
    );
    await h.advance(49_000);
    expect(types(await history(arn))).not.toContain('WaitStateExited');
    await h.advance(1000);
    expect(types(await history(arn))).toContain('WaitStateExited');
    await h.advance(450_000);
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(d.stopDate).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 8, 20)));
    expect(types(await history(arn)).at(-1)).toBe('ExecutionTimedOut');
  });
});

describe('callback task tokens (with in-test Lambda functions)', () => {
  it('waits for SendTaskSuccess; the token is unique per attempt and stale afterwards', async () => {
    h.lambdas.define('notify', () => ({ queued: true }));
    const arn = await run({ Wait: callback('notify', { ResultPath: '$.approval', End: true }) }, { id: 1 });
    const events = await history(arn);
    expect(types(events).slice(2)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted']);
    const token = lastToken('notify');
    expect(JSON.parse(events[2].taskScheduledEventDetails?.parameters as string).Payload.taskToken).toBe(token);
    expect(events[2].taskScheduledEventDetails?.resource).toBe('invoke.waitForTaskToken');
    expect(JSON.parse(events[4].taskSubmittedEventDetails?.output as string).Payload).toEqual({ queued: true });
    expect(h.sfn.inFlight()).toBe(0);
    expect((await describeExecution(arn)).status).toBe('RUNNING');

    const notJson = await rejection(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' })));
    expect(notJson.name).toBe('InvalidOutput');
    await h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await h.settle();
    const d = await describeExecution(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string)).toEqual({ id: 1, approval: { approved: true } });
    expect(types(await history(arn)).slice(-3)).toEqual(['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);

    const again = await rejection(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })));
    expect(again.name).toBe('TaskTimedOut');
    const unknown = await rejection(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token.slice(0, -4) + 'AAAA', output: '{}' })),
    );
    expect(unknown.name).toBe('TaskDoesNotExist');
    const malformed = await rejection(h.client.send(new SendTaskHeartbeatCommand({ taskToken: 'not-a-token' })));
    expect(malformed.name).toBe('InvalidToken');
  });

  it('accepts a callback sent by the function before it returns', async () => {
    h.lambdas.define('instant', async (p) => {
      await h.client.send(
        new SendTaskSuccessCommand({ taskToken: (p as { taskToken: string }).taskToken, output: '{"fast":true}' }),
      );
      return null;
    });
    const arn = await run({ Wait: callback('instant', { End: true }) });
    await h.settle();
    expect(JSON.parse((await describeExecution(arn)).output as string)).toEqual({ fast: true });
  });

  it('SendTaskFailure fails the task with its error and cause, and Retry gives a fresh token', async () => {
    h.lambdas.define('ask', () => null);
    const arn = await run({
      Wait: callback('ask', { Retry: [{ ErrorEquals: ['Rejected'], MaxAttempts: 1, IntervalSeconds: 3 }], End: true }),
    });
    const first = lastToken('ask');
    await h.client.send(new SendTaskFailureCommand({ taskToken: first, error: 'Rejected', cause: 'no stock' }));
    await h.advance(3000);
    const second = lastToken('ask');
    expect(second).not.toBe(first);
    const stale = await rejection(h.client.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' })));
    expect(stale.name).toBe('TaskTimedOut');
    await h.client.send(new SendTaskFailureCommand({ taskToken: second, error: 'Rejected', cause: 'still no stock' }));
    await h.settle();
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'still no stock' });
    const failed = (await history(arn)).filter((e) => e.type === 'TaskFailed');
    expect(failed.map((e) => e.taskFailedEventDetails?.cause)).toEqual(['no stock', 'still no stock']);
  });

  it('a function error fails a callback task before it waits', async () => {
    h.lambdas.define('broken', () => {
      throw new FunctionError('Crash', 'boom');
    });
    const arn = await run({ Wait: callback('broken', { End: true }) });
    expect((await describeExecution(arn)).error).toBe('Crash');
    expect(types(await history(arn))).not.toContain('TaskSubmitted');
  });

  it('times out on TimeoutSeconds, and on HeartbeatSeconds unless heartbeats arrive', async () => {
    h.lambdas.define('slow', () => null);
    const timeout = await run({ Wait: callback('slow', { TimeoutSeconds: 300, End: true }) });
    await h.advance(300_000);
    expect(await describeExecution(timeout)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const late = await rejection(
      h.client.send(new SendTaskSuccessCommand({ taskToken: lastToken('slow'), output: '{}' })),
    );
    expect(late.name).toBe('TaskTimedOut');

    h.lambdas.define('beat', () => null);
    const hb = await run({ Wait: callback('beat', { HeartbeatSeconds: 60, TimeoutSeconds: 1000, End: true }) });
    const token = lastToken('beat');
    const scheduled = (await history(hb)).find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({ heartbeatInSeconds: 60, timeoutInSeconds: 1000 });
    for (let i = 0; i < 3; i++) {
      await h.advance(50_000);
      await h.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect((await describeExecution(hb)).status).toBe('RUNNING');
    await h.advance(60_000);
    const d = await describeExecution(hb);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(d.stopDate).toEqual(new Date(h.clock.now()));
    expect((await history(hb)).find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe(
      'States.HeartbeatTimeout',
    );
  });

  it('StopExecution invalidates the pending token', async () => {
    h.lambdas.define('hold', () => null);
    const arn = await run({ Wait: callback('hold', { End: true }) });
    await h.client.send(new StopExecutionCommand({ executionArn: arn }));
    const stale = await rejection(
      h.client.send(new SendTaskSuccessCommand({ taskToken: lastToken('hold'), output: '{}' })),
    );
    expect(stale.name).toBe('TaskTimedOut');
    expect((await describeExecution(arn)).status).toBe('ABORTED');
  });
});

describe('limits (with in-test Lambda functions)', () => {
  it('fails with States.DataLimitExceeded when a state output exceeds 262,144 bytes, not caught by States.ALL', async () => {
    h.lambdas.define('huge', () => 'x'.repeat(262_145));
    const arn = await run({
      T: { Type: 'Task', Resource: FN('huge'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Succeed' },
    });
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(d.cause).toContain('262144');

    const pass = await run({
      P: { Type: 'Pass', Parameters: { 'big.$': 'States.ArrayRange(1, 1000, 1)' }, Next: 'Q' },
      Q: { Type: 'Pass', End: true },
    });
    expect((await describeExecution(pass)).status).toBe('SUCCEEDED');
  });

  it('fails with States.Runtime when the history reaches 25,000 events', async () => {
    const arn = await run({
      Loop: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Loop' },
      Done: { Type: 'Succeed' },
    });
    await h.settle();
    const d = await describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(d.cause).toContain('25000');
    const last = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 2 }),
    );
    expect(last.events?.map((e) => [e.id, e.type])).toEqual([
      [25_000, 'ExecutionFailed'],
      [24_999, 'ChoiceStateExited'],
    ]);
    expect(d.redriveStatus).toBe('NOT_REDRIVABLE');
  }, 60_000);
});
