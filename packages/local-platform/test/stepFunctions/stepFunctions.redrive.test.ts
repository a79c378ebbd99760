// Redrive and restart of the local Step Functions endpoint through the real @aws-sdk/client-sfn, with in-test
// Lambda functions and a virtual clock: AWS's redrive rules, resuming at the unsuccessful state, and executions
// that continue after the endpoint is closed and reopened on the same SQLite file.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import {
  FunctionError,
  InTestLambdas,
  startStepFunctions,
  StepFunctionsHarness,
} from '../fixtures/stepFunctionsServer';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const DAY = 86_400_000;
const open: StepFunctionsHarness[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of open.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function harness(options: Parameters<typeof startStepFunctions>[0] = {}): Promise<StepFunctionsHarness> {
  const h = await startStepFunctions(options);
  open.push(h);
  return h;
}

async function closeHarness(h: StepFunctionsHarness): Promise<void> {
  open.splice(open.indexOf(h), 1);
  await h.close();
}

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfn-'));
  dirs.push(dir);
  return path.join(dir, 'stepfunctions.db');
}

async function rejection(p: Promise<unknown>): Promise<SFNServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SFNServiceException;
  }
  throw new Error('expected the call to fail');
}

async function start(
  h: StepFunctionsHarness,
  states: Record<string, unknown>,
  input: unknown,
  extra = {},
): Promise<string> {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
  const { stateMachineArn } = await h.client.send(
    new CreateStateMachineCommand({ name: 'saga', definition, roleArn: ROLE }),
  );
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, name: 'order-1', input: JSON.stringify(input) }),
  );
  return executionArn as string;
}

async function history(h: StepFunctionsHarness, executionArn: string): Promise<HistoryEvent[]> {
  return (await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

const step = (fn: string, next: string | undefined) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn, 'Payload.$': '$' },
  ResultSelector: { 'v.$': '$.Payload' },
  ResultPath: `$.${fn}`,
  ...(next ? { Next: next } : { End: true }),
});

describe('RedriveExecution (with in-test Lambda functions)', () => {
  it('resumes at the failed state with its recorded input; succeeded states are not rerun', async () => {
    const h = await harness();
    let shipFails = true;
    h.lambdas.define('reserve', () => 'reserved');
    h.lambdas.define('ship', () => {
      if (shipFails) throw new FunctionError('CarrierDown', 'no carrier');
      return 'shipped';
    });
    const arn = await start(h, { Reserve: step('reserve', 'Ship'), Ship: step('ship', undefined) }, { id: 9 });
    await h.settle();
    const failed = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'CarrierDown',
      redriveStatus: 'REDRIVABLE',
      redriveCount: 0,
    });
    const failedEvents = (await history(h, arn)).length;

    shipFails = false;
    await h.advance(DAY);
    const { redriveDate } = await h.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    expect(redriveDate).toEqual(new Date(h.clock.now()));
    await h.settle();
    const done = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveDate });
    expect(done.error).toBeUndefined();
    expect(JSON.parse(done.output as string)).toEqual({ id: 9, reserve: { v: 'reserved' }, ship: { v: 'shipped' } });
    expect(h.lambdas.callsOf('reserve')).toHaveLength(1);
    expect(h.lambdas.callsOf('ship')).toEqual([
      { id: 9, reserve: { v: 'reserved' } },
      { id: 9, reserve: { v: 'reserved' } },
    ]);
    const events = await history(h, arn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const after = events.slice(failedEvents);
    expect(after[0]).toMatchObject({ type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 } });
    expect(after[1]).toMatchObject({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Ship' } });

    const again = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn: arn })));
    expect(again.name).toBe('ExecutionNotRedrivable');
    expect(again.message).toContain('SUCCEEDED');
  });

  it('refuses running executions and executions closed more than 14 days ago; redrives ABORTED and TIMED_OUT', async () => {
    const h = await harness();
    const arn = await start(
      h,
      { Hold: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
      {},
      { TimeoutSeconds: 600 },
    );
    await h.settle();
    const running = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn: arn })));
    expect(running.name).toBe('ExecutionNotRedrivable');
    expect(running.message).toContain('RUNNING');

    await h.advance(600_000);
    const timedOut = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(timedOut).toMatchObject({ status: 'TIMED_OUT', redriveStatus: 'REDRIVABLE' });
    await h.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    await h.settle();
    expect((await h.client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await h.client.send(new StopExecutionCommand({ executionArn: arn, error: 'Halt' }));
    const aborted = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(aborted).toMatchObject({ status: 'ABORTED', redriveCount: 1, redriveStatus: 'REDRIVABLE' });

    await h.advance(14 * DAY + 1);
    const stale = await h.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(stale.redriveStatus).toBe('NOT_REDRIVABLE');
    const late = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn: arn })));
    expect(late.name).toBe('ExecutionNotRedrivable');
    expect(late.message).toContain('14 days');
  });
});

describe('restart (with in-test Lambda functions)', () => {
  it('continues a running execution after the endpoint is reopened on the same file', async () => {
    const location = tempFile();
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const lambdas = new InTestLambdas();
    lambdas.define('confirm', () => 'confirmed');
    const first = await harness({ location, clock, lambdas });
    const arn = await start(
      first,
      { Hold: { Type: 'Wait', Seconds: 100, Next: 'Confirm' }, Confirm: step('confirm', undefined) },
      { id: 1 },
    );
    await first.settle();
    const before = await history(first, arn);
    await closeHarness(first);

    const second = await harness({ location, clock, lambdas });
    await second.advance(99_000);
    expect((await second.client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await second.advance(1000);
    const d = await second.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('SUCCEEDED');
    expect(d.stopDate).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 1, 40)));
    const events = await history(second, arn);
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'WaitStateEntered')).toHaveLength(1);
    expect(lambdas.callsOf('confirm')).toHaveLength(1);
  });

  it('a submitted callback task keeps its token and deadline; its function is not invoked again', async () => {
    const location = tempFile();
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const lambdas = new InTestLambdas();
    lambdas.define('request', () => null);
    const first = await harness({ location, clock, lambdas });
    const callback = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'request', Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 500,
      End: true,
    };
    const arn = await start(first, { Approve: callback }, {});
    await first.settle();
    const token = (lambdas.callsOf('request')[0] as { token: string }).token;
    await closeHarness(first);

    const second = await harness({ location, clock, lambdas });
    await second.settle();
    expect(lambdas.callsOf('request')).toHaveLength(1);
    await second.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await second.settle();
    const d = await second.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    expect((await history(second, arn)).filter((e) => e.type === 'TaskScheduled')).toHaveLength(1);

    // A second execution whose callback never comes times out at the deadline set before the restart.
    const m = arn.replace(':execution:', ':stateMachine:').replace(/:order-1$/, '');
    const { executionArn: other } = await second.client.send(
      new StartExecutionCommand({ stateMachineArn: m, name: 'order-2' }),
    );
    await second.advance(200_000);
    await closeHarness(second);
    const third = await harness({ location, clock, lambdas });
    await third.advance(299_000);
    expect((await third.client.send(new DescribeExecutionCommand({ executionArn: other }))).status).toBe('RUNNING');
    await third.advance(1000);
    const timedOut = await third.client.send(new DescribeExecutionCommand({ executionArn: other }));
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(timedOut.stopDate).toEqual(new Date(Date.UTC(2026, 0, 5, 9, 8, 20)));
  });

  it('a task whose Lambda call was cut off by the restart runs again (at-least-once)', async () => {
    const location = tempFile();
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const lambdas = new InTestLambdas();
    lambdas.define('charge', () => new Promise(() => undefined));
    const first = await harness({ location, clock, lambdas });
    const arn = await start(first, { Charge: step('charge', undefined) }, { amount: 5 });
    await first.tick();
    expect(lambdas.callsOf('charge')).toHaveLength(1);
    await closeHarness(first);

    // A new process: the cut-off call is gone with the old one.
    const restarted = new InTestLambdas();
    restarted.define('charge', () => 'charged');
    const second = await harness({ location, clock, lambdas: restarted });
    await second.settle();
    expect(restarted.callsOf('charge')).toEqual([{ amount: 5 }]);
    const d = await second.client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('SUCCEEDED');
    const types = (await history(second, arn)).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskStateEntered')).toHaveLength(1);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(2);
  });
});
