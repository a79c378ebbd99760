// The payment webhook as a Lambda function URL handler: function URL events built as the local Lambda runtime
// builds them, signatures as the local payment gateway signs them, and the confirmation raised into a real
// `.waitForTaskToken` wait on the local Step Functions endpoint.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as awaitEvent, type AwaitEventRequest } from '../../aws-stepfunctions/handlers/awaitEvent';
import type { FunctionUrlResponse } from '../../aws-stepfunctions/handlers/functionUrl';
import { handler as paymentWebhook } from '../../aws-stepfunctions/handlers/paymentWebhook';
import { SIGNATURE_HEADER, signWebhook, toFunctionUrlEvent } from '@cross-cloud-sagas/local-platform';
import { setEnv } from '../fixtures/env';
import { awaitEventState, callbackDoc, LocalAws, startLocalAws } from './localAws';

const SECRET = 'aws-webhook-test-secret';
const URL_TARGET = { arn: 'arn:aws:lambda:us-east-1:000000000000:function:paymentWebhook', authType: 'NONE' };
let aws: LocalAws;
let seq = 0;

beforeAll(async () => {
  aws = await startLocalAws({ PAYMENT_WEBHOOK_SECRET: SECRET });
  aws.sfn.lambdas.define('awaitEvent', (p) => awaitEvent(p as AwaitEventRequest));
  // The handlers log for CloudWatch; the test output stays readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await aws?.stop();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

const gatewayEvent = (type: string, data: Record<string, unknown>) =>
  JSON.stringify({ id: `evt_${++seq}`, type, created: nowSeconds(), data });

const confirmation = (orderId: string, overrides: Record<string, unknown> = {}) => ({
  orderId,
  chargeId: `ch_${orderId}`,
  status: 'succeeded',
  amount: 2600,
  currency: 'EUR',
  ...overrides,
});

/** Posts `body` to the function URL as the gateway would: signed over the raw body unless told otherwise. */
async function post(
  body: string,
  options: { signature?: string | null; contentType?: string; method?: string } = {},
): Promise<{ response: FunctionUrlResponse; base64: boolean }> {
  const signature = options.signature === undefined ? signWebhook(SECRET, body, nowSeconds()) : options.signature;
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (signature !== null) headers[SIGNATURE_HEADER.toLowerCase()] = signature;
  const event = toFunctionUrlEvent(
    {
      method: options.method ?? 'POST',
      path: '/',
      query: new URLSearchParams(),
      headers,
      rawHeaders: Object.entries(headers).flat(),
      body: Buffer.from(body),
      origin: 'https://webhook.lambda-url.us-east-1.on.aws',
    },
    '/',
    URL_TARGET,
    `req-${seq}`,
    Date.now(),
  );
  return { response: await paymentWebhook(event), base64: event.isBase64Encoded };
}

interface AnswerBody {
  orderId?: string;
  event?: string;
  ignored?: string;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
}

const json = (r: FunctionUrlResponse): AnswerBody => JSON.parse(r.body) as AnswerBody;

/** Starts an execution waiting for the order's PaymentConfirmed of its charge. */
async function awaitPayment(orderId: string): Promise<string> {
  const definition = JSON.stringify({
    StartAt: 'AwaitPayment',
    States: { AwaitPayment: awaitEventState({ End: true }) },
  });
  const { stateMachineArn } = await aws.sfn.client.send(
    new CreateStateMachineCommand({
      name: `webhook-${++seq}`,
      definition,
      roleArn: 'arn:aws:iam::000000000000:role/sfn',
    }),
  );
  const { executionArn } = await aws.sfn.client.send(
    new StartExecutionCommand({
      stateMachineArn,
      input: JSON.stringify({
        event: 'PaymentConfirmed',
        orderId,
        correlation: { field: 'chargeId', value: `ch_${orderId}` },
      }),
    }),
  );
  await aws.sfn.settle();
  return executionArn!;
}

async function execution(arn: string): Promise<{ status?: string; output?: unknown }> {
  await aws.sfn.settle();
  const d = await aws.sfn.client.send(new DescribeExecutionCommand({ executionArn: arn }));
  return { status: d.status, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}

describe('aws-stepfunctions/handlers/paymentWebhook (function URL)', () => {
  it('turns a correctly signed charge.succeeded into PaymentConfirmed: 202, and the waiting task completes', async () => {
    const orderId = 'ord-aws-wh-1';
    const arn = await awaitPayment(orderId);
    const { response } = await post(gatewayEvent('charge.succeeded', confirmation(orderId)));
    expect(response.statusCode).toBe(202);
    expect(response.headers['content-type']).toBe('application/json');
    expect(json(response)).toEqual({ orderId, event: 'PaymentConfirmed' });
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId) });
  });

  it('answers 202 before the wait exists and keeps the confirmation for it', async () => {
    const orderId = 'ord-aws-wh-2';
    const { response } = await post(gatewayEvent('charge.failed', confirmation(orderId, { status: 'failed' })));
    expect(response.statusCode).toBe(202);
    expect((await callbackDoc(aws, orderId, 'PaymentConfirmed'))?.pending).toHaveLength(1);
    const arn = await awaitPayment(orderId);
    expect(await execution(arn)).toEqual({ status: 'SUCCEEDED', output: confirmation(orderId, { status: 'failed' }) });
  });

  it('decodes a base64 body (a non-text content type) before checking the signature over the raw bytes', async () => {
    const orderId = 'ord-aws-wh-3';
    const arn = await awaitPayment(orderId);
    const { response, base64 } = await post(gatewayEvent('charge.succeeded', confirmation(orderId)), {
      contentType: 'application/octet-stream',
    });
    expect(base64).toBe(true);
    expect(response.statusCode).toBe(202);
    expect((await execution(arn)).status).toBe('SUCCEEDED');
  });

  it('ignores a confirmation of another charge: 202, and the task keeps waiting for its own', async () => {
    const orderId = 'ord-aws-wh-4';
    const arn = await awaitPayment(orderId);
    const { response } = await post(gatewayEvent('charge.succeeded', confirmation(orderId, { chargeId: 'ch_else' })));
    expect(response.statusCode).toBe(202);
    expect((await execution(arn)).status).toBe('RUNNING');
    await aws.sfn.client.send(new StopExecutionCommand({ executionArn: arn }));
  });

  it('answers 200 ignored when the execution is over (the event is moot)', async () => {
    const orderId = 'ord-aws-wh-5';
    const arn = await awaitPayment(orderId);
    await aws.sfn.client.send(new StopExecutionCommand({ executionArn: arn }));
    await aws.sfn.settle();
    const { response } = await post(gatewayEvent('charge.succeeded', confirmation(orderId)));
    expect(response.statusCode).toBe(200);
    expect(json(response).ignored).toMatch(/ord-aws-wh-5 no longer waits for PaymentConfirmed/);
  });

  it('answers 401 InvalidSignature for another secret, a changed body, no header or a stale timestamp', async () => {
    const body = gatewayEvent('charge.succeeded', confirmation('ord-aws-wh-6'));
    const cases = [
      { body, signature: signWebhook('not-the-secret', body, nowSeconds()), message: /does not match the body/ },
      {
        body: body.replace('"succeeded"', '"failed"'),
        signature: signWebhook(SECRET, body, nowSeconds()),
        message: /does not match/,
      },
      { body, signature: null, message: /missing/ },
      { body, signature: signWebhook(SECRET, body, nowSeconds() - 3600), message: /tolerance/ },
    ];
    for (const c of cases) {
      const { response } = await post(c.body, { signature: c.signature });
      expect(response.statusCode).toBe(401);
      expect(json(response).error).toEqual({
        code: 'InvalidSignature',
        message: expect.stringMatching(c.message),
        where: 'header Gateway-Signature',
        fix: expect.stringMatching(/PAYMENT_WEBHOOK_SECRET/),
      });
    }
    expect(await callbackDoc(aws, 'ord-aws-wh-6', 'PaymentConfirmed')).toBeUndefined();
  });

  it('answers 401 for a base64 body whose signature was made over something else', async () => {
    const body = gatewayEvent('charge.succeeded', confirmation('ord-aws-wh-7'));
    const { response, base64 } = await post(body, {
      contentType: 'application/octet-stream',
      signature: signWebhook(SECRET, Buffer.from(body).toString('base64'), nowSeconds()),
    });
    expect(base64).toBe(true);
    expect(response.statusCode).toBe(401);
  });

  it('answers 400 InvalidJson for a signed body that is not JSON, or not a JSON object', async () => {
    const notJson = await post('{"type": "charge.succeeded",');
    expect(notJson.response.statusCode).toBe(400);
    expect(json(notJson.response).error?.code).toBe('InvalidJson');
    expect(json(notJson.response).error?.message).toMatch(/^The webhook body is not valid JSON: /);
    const notObject = await post('null');
    expect(notObject.response.statusCode).toBe(400);
    expect(json(notObject.response).error?.code).toBe('InvalidJson');
  });

  it('answers 200 and ignores an event type it does not handle', async () => {
    const { response } = await post(gatewayEvent('charge.refunded', confirmation('ord-aws-wh-8')));
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ignored: 'event type "charge.refunded" is not handled' });
    expect(await callbackDoc(aws, 'ord-aws-wh-8', 'PaymentConfirmed')).toBeUndefined();
  });

  it('answers 400 InvalidPaymentEvent with the issues for a signed event with bad data', async () => {
    const { response } = await post(
      gatewayEvent('charge.succeeded', confirmation('ord-aws-wh-9', { amount: 'abc', currency: undefined })),
    );
    expect(response.statusCode).toBe(400);
    const error = json(response).error!;
    expect(error.code).toBe('InvalidPaymentEvent');
    expect(error.message).toMatch(/^Invalid payment webhook data: amount /);
    expect(error.issues).toEqual([
      { path: 'amount', message: 'must be number (got string)' },
      { path: 'currency', message: 'is required (string)' },
    ]);
    expect(await callbackDoc(aws, 'ord-aws-wh-9', 'PaymentConfirmed')).toBeUndefined();
  });

  it('answers 405 to anything but POST', async () => {
    const { response } = await post('', { method: 'GET', signature: null });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('fails the invocation with ConfigurationError when PAYMENT_WEBHOOK_SECRET is not set', async () => {
    const restore = setEnv({ PAYMENT_WEBHOOK_SECRET: undefined });
    try {
      await expect(post(gatewayEvent('charge.succeeded', confirmation('ord-aws-wh-10')))).rejects.toMatchObject({
        name: 'ConfigurationError',
        message: expect.stringMatching(/PAYMENT_WEBHOOK_SECRET/),
      });
    } finally {
      restore();
    }
  });
});
