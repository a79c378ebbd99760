// The Step Functions control-plane operations through the real @aws-sdk/client-sfn against the local endpoint
// (served over HTTP under /stepfunctions), with in-test Lambda functions and a virtual clock.
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStepFunctions, StepFunctionsHarness } from '../fixtures/stepFunctionsServer';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const WAIT_DEF = JSON.stringify({
  StartAt: 'Hold',
  States: { Hold: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
});
const PASS_DEF = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } });

let h: StepFunctionsHarness;

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

async function createMachine(name: string, definition = WAIT_DEF): Promise<string> {
  const out = await h.client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }));
  return out.stateMachineArn as string;
}

describe('state machines (with in-test Lambda functions)', () => {
  it('creates, describes, updates, lists and deletes; creation is idempotent for the same definition', async () => {
    const first = await h.client.send(
      new CreateStateMachineCommand({ name: 'orders', definition: PASS_DEF, roleArn: ROLE }),
    );
    expect(first.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:orders');
    expect(first.creationDate).toEqual(new Date(h.clock.now()));
    await h.advance(5000);
    const again = await h.client.send(
      new CreateStateMachineCommand({ name: 'orders', definition: PASS_DEF, roleArn: ROLE }),
    );
    expect(again.creationDate).toEqual(first.creationDate);
    const conflict = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'orders', definition: WAIT_DEF, roleArn: ROLE })),
    );
    expect(conflict.name).toBe('StateMachineAlreadyExists');

    const described = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    expect(described).toMatchObject({
      name: 'orders',
      definition: PASS_DEF,
      roleArn: ROLE,
      type: 'STANDARD',
      status: 'ACTIVE',
    });

    const updated = await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: first.stateMachineArn, definition: WAIT_DEF }),
    );
    expect(updated.updateDate).toEqual(new Date(h.clock.now()));
    const after = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    expect(after.definition).toBe(WAIT_DEF);

    await createMachine('b');
    await createMachine('c');
    const page1 = await h.client.send(new ListStateMachinesCommand({ maxResults: 2 }));
    expect(page1.stateMachines?.map((m) => m.name)).toEqual(['orders', 'b']);
    const page2 = await h.client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.stateMachines?.map((m) => m.name)).toEqual(['c']);
    expect(page2.nextToken).toBeUndefined();

    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    const gone = await rejection(
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn })),
    );
    expect(gone.name).toBe('StateMachineDoesNotExist');
  });

  it('rejects invalid definitions with the reason, and bad names', async () => {
    const notJson = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'x', definition: '{', roleArn: ROLE })),
    );
    expect(notJson.name).toBe('InvalidDefinition');
    const missingState = await rejection(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'x',
          definition: JSON.stringify({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } }),
          roleArn: ROLE,
        }),
      ),
    );
    expect(missingState.name).toBe('InvalidDefinition');
    expect(missingState.message).toMatch(/Nope|StartAt/);
    const badName = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'has space', definition: PASS_DEF, roleArn: ROLE })),
    );
    expect(badName.name).toBe('InvalidName');
    const noRole = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'x', definition: PASS_DEF } as never)),
    );
    expect(noRole.name).toBe('ValidationException');
    expect(noRole.message).toContain('roleArn');
  });

  it('a machine deleted while an execution runs stays DELETING until the execution ends', async () => {
    const arn = await createMachine('m');
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await h.settle();
    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const deleting = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(deleting.status).toBe('DELETING');
    const refused = await rejection(h.client.send(new StartExecutionCommand({ stateMachineArn: arn })));
    expect(refused.name).toBe('StateMachineDeleting');
    await h.advance(3600_000);
    const done = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    const gone = await rejection(h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
    expect(gone.name).toBe('StateMachineDoesNotExist');
  });
});

describe('StartExecution (with in-test Lambda functions)', () => {
  it('is idempotent for the same name and input while running, and refuses other input or closed executions', async () => {
    const arn = await createMachine('m');
    const first = await h.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'order-1', input: '{"id":1}' }),
    );
    await h.advance(1000);
    const same = await h.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'order-1', input: '{"id":1}' }),
    );
    expect(same).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    const other = await rejection(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'order-1', input: '{"id":2}' })),
    );
    expect(other.name).toBe('ExecutionAlreadyExists');
    await h.advance(3600_000);
    const closed = await rejection(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'order-1', input: '{"id":1}' })),
    );
    expect(closed.name).toBe('ExecutionAlreadyExists');
  });

  it('generates a uuid name and validates name, input JSON and input size', async () => {
    const arn = await createMachine('m', PASS_DEF);
    const started = await h.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    expect(started.executionArn).toMatch(/:execution:m:[0-9a-f-]{36}$/);
    await h.settle();
    const described = await h.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', input: '{}', output: '{"ok":true}' });

    const forbidden = await rejection(h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a/b' })));
    expect(forbidden.name).toBe('InvalidName');
    const tooLong = await rejection(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'x'.repeat(81) })),
    );
    expect(tooLong.name).toBe('ValidationException');
    await h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'x'.repeat(80) }));
    const notJson = await rejection(h.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{oops' })));
    expect(notJson.name).toBe('InvalidExecutionInput');
    const big = JSON.stringify({ s: 'é'.repeat(131_070) }); // 262,149 bytes as UTF-8, fewer characters
    const tooBig = await rejection(h.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: big })));
    expect(tooBig.name).toBe('ValidationException');
    expect(tooBig.message).toContain('262144');
    expect(tooBig.message).toContain(`${Buffer.byteLength(big)} bytes`);
    const noMachine = await rejection(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn.replace(':m', ':nope') })),
    );
    expect(noMachine.name).toBe('StateMachineDoesNotExist');
    const badArn = await rejection(h.client.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' })));
    expect(badArn.name).toBe('InvalidArn');
  });
});

describe('ListExecutions, GetExecutionHistory and StopExecution (with in-test Lambda functions)', () => {
  it('lists newest first with a status filter and paging; a foreign token is InvalidToken', async () => {
    const arn = await createMachine('m');
    const passArn = await createMachine('p', PASS_DEF);
    for (const name of ['e1', 'e2', 'e3']) {
      await h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name }));
      await h.advance(1000);
    }
    await h.client.send(new StopExecutionCommand({ executionArn: arn.replace('stateMachine', 'execution') + ':e2' }));
    const page1 = await h.client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    expect(page1.executions?.map((e) => e.name)).toEqual(['e3', 'e2']);
    const page2 = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken }),
    );
    expect(page2.executions?.map((e) => e.name)).toEqual(['e1']);
    expect(page2.nextToken).toBeUndefined();
    const running = await h.client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.name)).toEqual(['e3', 'e1']);
    const aborted = await h.client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'ABORTED' }));
    expect(aborted.executions?.map((e) => [e.name, e.status])).toEqual([['e2', 'ABORTED']]);

    const foreign = await rejection(
      h.client.send(new ListExecutionsCommand({ stateMachineArn: passArn, nextToken: page1.nextToken })),
    );
    expect(foreign.name).toBe('InvalidToken');
    const garbage = await rejection(
      h.client.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken: 'garbage' })),
    );
    expect(garbage.name).toBe('InvalidToken');
    const tooMany = await rejection(
      h.client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1001 })),
    );
    expect(tooMany.name).toBe('ValidationException');
  });

  it('pages history forwards and backwards, and leaves out data when asked', async () => {
    const arn = await createMachine('m');
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"k":1}' }));
    await h.advance(3600_000);
    const all = await h.client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(all.events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(all.events?.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.events?.[1].previousEventId).toBe(1);
    expect(all.events?.[2].timestamp).toEqual(new Date(Date.UTC(2026, 0, 5, 10, 0, 0)));
    expect(all.events?.[0].executionStartedEventDetails).toMatchObject({ input: '{"k":1}', roleArn: ROLE });

    const p1 = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4 }));
    const p2 = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken: p1.nextToken }),
    );
    expect([...(p1.events ?? []), ...(p2.events ?? [])].map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const r1 = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true }));
    const r2 = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true, nextToken: r1.nextToken }),
    );
    expect([...(r1.events ?? []), ...(r2.events ?? [])].map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
    const mixed = await rejection(
      h.client.send(new GetExecutionHistoryCommand({ executionArn, nextToken: r1.nextToken })),
    );
    expect(mixed.name).toBe('InvalidToken');

    const lean = await h.client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    expect(lean.events?.[0].executionStartedEventDetails?.input).toBeUndefined();
    expect(lean.events?.[0].executionStartedEventDetails?.roleArn).toBe(ROLE);
  });

  it('StopExecution aborts with error and cause and records ExecutionAborted', async () => {
    const arn = await createMachine('m');
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await h.advance(60_000);
    const stopped = await h.client.send(
      new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by test' }),
    );
    expect(stopped.stopDate).toEqual(new Date(h.clock.now()));
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by test', redriveStatus: 'REDRIVABLE' });
    await h.advance(3600_000);
    const hist = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(hist.events?.[0]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Cancelled', cause: 'by test' },
    });
    const missing = await rejection(
      h.client.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` })),
    );
    expect(missing.name).toBe('ExecutionDoesNotExist');
  });
});

describe('protocol errors', () => {
  const post = (target: string | undefined, body: string): Promise<Response> =>
    fetch(h.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        ...(target ? { 'x-amz-target': target } : {}),
        authorization:
          'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00',
      },
      body,
    });

  const errorBody = async (r: Response): Promise<{ __type: string; message: string }> =>
    (await r.json()) as { __type: string; message: string };

  it('answers unknown operations, malformed JSON and missing fields like AWS', async () => {
    const unknown = await post('AWSStepFunctions.DescribeActivity', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      __type: 'com.amazonaws.swf.service.v2.model#UnknownOperationException',
    });
    const noTarget = await post(undefined, '{}');
    expect((await errorBody(noTarget)).__type).toMatch(/#UnknownOperationException$/);
    const malformed = await post('AWSStepFunctions.ListStateMachines', '{"maxResults":');
    expect((await errorBody(malformed)).__type).toMatch(/#SerializationException$/);
    const missing = await post('AWSStepFunctions.DescribeExecution', '{}');
    const body = await errorBody(missing);
    expect(body.__type).toMatch(/#ValidationException$/);
    expect(body.message).toContain('executionArn');
    const ok = await post('AWSStepFunctions.ListStateMachines', '{}');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.0');
  });
});
