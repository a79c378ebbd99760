// The Step Functions side of "wait for an event": the real awaitEvent handler, invoked by a `.waitForTaskToken`
// task of the local Step Functions endpoint, registers its token in Cosmos DB; raiseSagaEvent completes the task
// through the real @aws-sdk/client-sfn (AWS_ENDPOINT_URL_SFN), whichever of the two comes first.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SfnTaskTokenSender } from '../../adapters/aws/taskTokenSender';
import { CosmosSagaCallbacks } from '../../adapters/cosmos/sagaCallbacks';
import { handler as awaitEvent, type AwaitEventRequest } from '../../aws-stepfunctions/handlers/awaitEvent';
import { raiseSagaEvent } from '../../aws-stepfunctions/sagaEvents';
import { ValidationError } from '../../saga/domain/validation';
import type { TaskTokenSender } from '../../saga/ports';
import { setEnv } from '../fixtures/env';
import { awaitEventState, callbackDoc, LocalAws, startLocalAws } from './localAws';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
let aws: LocalAws;
let seq = 0;

beforeAll(async () => {
  aws = await startLocalAws();
  aws.sfn.lambdas.define('awaitEvent', (p) => awaitEvent(p as AwaitEventRequest));
  // The handlers log for CloudWatch; the test output stays readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await aws?.stop();
});

const confirmation = (orderId: string, chargeId: string, status = 'succeeded') => ({
  orderId,
  chargeId,
  status,
  amount: 2600,
  currency: 'EUR',
});

/** Creates a state machine from `states` (StartAt = the first) and starts it with `input`. */
async function start(states: Record<string, unknown>, input: unknown): Promise<string> {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
  const { stateMachineArn } = await aws.sfn.client.send(
    new CreateStateMachineCommand({ name: `callbacks-${++seq}`, definition, roleArn: ROLE }),
  );
  const { executionArn } = await aws.sfn.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await aws.sfn.settle();
  return executionArn!;
}

const awaitPayment = (orderId: string, chargeId: string) =>
  start(
    { AwaitPayment: awaitEventState({ End: true }) },
    { event: 'PaymentConfirmed', orderId, correlation: { field: 'chargeId', value: chargeId } },
  );

async function execution(arn: string): Promise<{ status?: string; output?: unknown }> {
  await aws.sfn.settle();
  const d = await aws.sfn.client.send(new DescribeExecutionCommand({ executionArn: arn }));
  return { status: d.status, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}

const awaitCalls = (orderId: string) =>
  (aws.sfn.lambdas.callsOf('awaitEvent') as AwaitEventRequest[]).filter((c) => c.orderId === orderId);

describe('awaitEvent + raiseSagaEvent on the local Step Functions endpoint', () => {
  it('registers the waiting task; the event raised afterwards completes it with the payload as output', async () => {
    const orderId = 'ord-aws-cb-1';
    const arn = await awaitPayment(orderId, 'ch_1');
    expect(awaitCalls(orderId)).toHaveLength(1);
    expect((await execution(arn)).status).toBe('RUNNING');
    const doc = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(doc?.waiting).toMatchObject({
      taskToken: awaitCalls(orderId)[0].taskToken,
      correlation: { field: 'chargeId', value: 'ch_1' },
    });

    expect(await raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, 'ch_1'))).toBe('delivered');
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId, 'ch_1') });
    const after = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(after?.waiting).toBeUndefined();
    expect(after?.log.map((l) => l.what)).toEqual(['registered', 'delivered']);
  });

  it('keeps an event raised before the wait and delivers it the moment the wait registers (rendezvous)', async () => {
    const orderId = 'ord-aws-cb-2';
    expect(await raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, 'ch_2'))).toBe('pending');
    expect((await callbackDoc(aws, orderId, 'PaymentConfirmed'))?.pending).toHaveLength(1);

    const arn = await awaitPayment(orderId, 'ch_2');
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId, 'ch_2') });
    const doc = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(doc?.pending).toEqual([]);
    expect(doc?.waiting).toBeUndefined();
    expect(doc?.log.map((l) => l.what)).toEqual(['delivered']);
  });

  it('ignores an event of another charge: recorded, and the task goes on waiting for its own', async () => {
    const orderId = 'ord-aws-cb-3';
    const arn = await awaitPayment(orderId, 'ch_3');
    expect(await raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, 'ch_other'))).toBe('ignored');
    expect((await execution(arn)).status).toBe('RUNNING');
    const doc = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(doc?.waiting?.taskToken).toBe(awaitCalls(orderId)[0].taskToken);
    expect(doc?.log.at(-1)).toMatchObject({ what: 'ignored', payload: { chargeId: 'ch_other' } });

    expect(await raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, 'ch_3', 'failed'))).toBe(
      'delivered',
    );
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId, 'ch_3', 'failed') });
  });

  it('on registering, skips earlier pending events that do not correlate and keeps later ones for the next wait', async () => {
    const orderId = 'ord-aws-cb-4';
    const raise = (chargeId: string, status: string) =>
      raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, chargeId, status));
    expect(await raise('ch_earlier', 'succeeded')).toBe('pending');
    expect(await raise('ch_4', 'failed')).toBe('pending');
    expect(await raise('ch_4', 'succeeded')).toBe('pending');

    const arn = await awaitPayment(orderId, 'ch_4');
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId, 'ch_4', 'failed') });
    const doc = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(doc?.pending.map((p) => p.payload)).toEqual([confirmation(orderId, 'ch_4', 'succeeded')]);
    expect(doc?.log.map((l) => [l.what, l.payload?.chargeId])).toEqual([
      ['ignored', 'ch_earlier'],
      ['delivered', 'ch_4'],
    ]);
  });

  it('reports an event for an execution that is over as moot, not as an error', async () => {
    const orderId = 'ord-aws-cb-5';
    const arn = await awaitPayment(orderId, 'ch_5');
    await aws.sfn.client.send(new StopExecutionCommand({ executionArn: arn, cause: 'test' }));
    expect((await execution(arn)).status).toBe('ABORTED');

    expect(await raiseSagaEvent(orderId, 'PaymentConfirmed', confirmation(orderId, 'ch_5'))).toBe('moot');
    const doc = await callbackDoc(aws, orderId, 'PaymentConfirmed');
    expect(doc?.waiting).toBeUndefined();
    expect(doc?.log.at(-1)?.what).toBe('moot');
  });

  it('replaces the token of a wait that timed out with the next wait for the same event (uncorrelated)', async () => {
    const orderId = 'ord-aws-cb-6';
    const arn = await start(
      {
        FirstDecision: awaitEventState({
          TimeoutSeconds: 60,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.firstTimedOut', Next: 'SecondDecision' }],
          End: true,
        }),
        SecondDecision: awaitEventState({ End: true }),
      },
      { event: 'OperatorDecision', orderId, correlation: null },
    );
    expect(awaitCalls(orderId)).toHaveLength(1);
    await aws.sfn.advance(61_000);
    const calls = awaitCalls(orderId);
    expect(calls).toHaveLength(2);
    expect(calls[1].taskToken).not.toBe(calls[0].taskToken);
    const doc = await callbackDoc(aws, orderId, 'OperatorDecision');
    expect(doc?.waiting?.taskToken).toBe(calls[1].taskToken);
    expect(doc?.log.map((l) => l.what)).toEqual(['registered', 'replaced', 'registered']);

    const decision = { action: 'markResolved', by: 'ops@example.com', note: 'refunded by hand' };
    expect(await raiseSagaEvent(orderId, 'OperatorDecision', decision)).toBe('delivered');
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: decision });
  });

  it('fails the task with ValidationError, naming the fields, for a malformed request', async () => {
    const error = await awaitEvent({
      event: '',
      orderId: 'bad id',
      correlation: { field: 'chargeId', value: { nested: true } },
    } as unknown as AwaitEventRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).name).toBe('ValidationError');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'event',
      'orderId',
      'correlation.value',
      'taskToken',
    ]);
  });
});

/** Completes tokens in memory, once each, as Step Functions does; can be told to fail like a network error. */
class RecordingSender implements TaskTokenSender {
  readonly sent: { token: string; output: unknown }[] = [];
  failures = 0;

  async succeed(token: string, output: string): Promise<'sent' | 'moot'> {
    await new Promise((r) => setImmediate(r));
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connect ECONNRESET');
    }
    if (this.sent.some((s) => s.token === token)) return 'moot';
    this.sent.push({ token, output: JSON.parse(output) });
    return 'sent';
  }
}

describe('CosmosSagaCallbacks under races and failures', () => {
  it('delivers exactly once when an event and its registration race each other', async () => {
    const sender = new RecordingSender();
    const callbacks = new CosmosSagaCallbacks(sender);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const orderId = `ord-aws-race-${i}`;
        const [raised, registered] = await Promise.all([
          callbacks.raise(orderId, 'PaymentConfirmed', { chargeId: `ch_${i}` }),
          callbacks.register({
            orderId,
            event: 'PaymentConfirmed',
            correlation: { field: 'chargeId', value: `ch_${i}` },
            taskToken: `token-${i}`,
          }),
        ]);
        return { raised, registered };
      }),
    );
    for (const { raised, registered } of outcomes)
      expect(raised === 'delivered' ? !registered.delivered : raised === 'pending' && registered.delivered).toBe(true);
    expect(sender.sent.map((s) => s.token).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `token-${i}`));
  });

  it('leaves the wait registered when SendTaskSuccess fails, so raising again delivers', async () => {
    const sender = new RecordingSender();
    const callbacks = new CosmosSagaCallbacks(sender);
    const orderId = 'ord-aws-retry';
    await callbacks.register({ orderId, event: 'PaymentConfirmed', correlation: null, taskToken: 'token-retry' });
    sender.failures = 1;
    await expect(callbacks.raise(orderId, 'PaymentConfirmed', { chargeId: 'ch_r' })).rejects.toThrow(/ECONNRESET/);
    expect((await callbackDoc(aws, orderId, 'PaymentConfirmed'))?.waiting?.taskToken).toBe('token-retry');
    expect(await callbacks.raise(orderId, 'PaymentConfirmed', { chargeId: 'ch_r' })).toBe('delivered');
    expect(sender.sent).toEqual([{ token: 'token-retry', output: { chargeId: 'ch_r' } }]);
  });
});

describe('SfnTaskTokenSender (SendTaskSuccess through @aws-sdk/client-sfn)', () => {
  it('fails with StepFunctionsCallbackError naming what Step Functions answered for a token it never issued', async () => {
    const e = await new SfnTaskTokenSender().succeed('not-a-token', '{}').catch((x: Error) => x);
    expect(e).toMatchObject({ name: 'StepFunctionsCallbackError', message: expect.stringMatching(/InvalidToken/) });
  });

  it('fails with ConfigurationError naming AWS_REGION when it is not set', async () => {
    const restore = setEnv({ AWS_REGION: undefined });
    try {
      const e = await new SfnTaskTokenSender().succeed('AQLocalSfn1whatever', '{}').catch((x: Error) => x);
      expect(e).toMatchObject({ name: 'ConfigurationError', message: expect.stringMatching(/^AWS_REGION is not set/) });
    } finally {
      restore();
    }
  });
});
