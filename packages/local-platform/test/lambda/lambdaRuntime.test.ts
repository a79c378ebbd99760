import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { HttpHost } from '../../src/functionsHost/httpServer';
import type { MountRequest } from '../../src/http/mountedApi';
import type { FunctionInvoker } from '../../src/functionsHost/invoker';
import { EnvOverlay } from '../../src/lambda/envOverlay';
import { TemplateReferenceError } from '../../src/lambda/errors';
import { parseFunctionRef } from '../../src/lambda/functionRef';
import type { FunctionUrlEvent } from '../../src/lambda/functionUrlEvent';
import { FunctionUrlApi } from '../../src/lambda/functionUrls';
import type { LambdaInvokeResult } from '../../src/lambda/invoke';
import { LambdaInvokeApi } from '../../src/lambda/invokeApi';
import { LocalLambdaRuntime } from '../../src/lambda/runtime';

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'lambda');
const FIXTURE = path.join(FIXTURE_DIR, 'template.yaml');
const ARN_PREFIX = 'arn:aws:lambda:eu-west-2:111122223333:function:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const clock = new VirtualClock(Date.parse('2026-06-01T00:00:00Z'));
const logs: string[] = [];
const runtime = new LocalLambdaRuntime(FIXTURE, {
  clock,
  region: 'eu-west-2',
  accountId: '111122223333',
  parameterOverrides: { TableName: 'orders' },
  log: (level, message) => logs.push(`${level}: ${message}`),
});
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

function okPayload(result: LambdaInvokeResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`expected success, got ${result.errorType}: ${result.errorMessage}`);
  return result.payload as Record<string, unknown>;
}

function failure(result: LambdaInvokeResult): { errorType: string; errorMessage: string; trace?: string[] } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.payload).slice(0, 200)}`);
  return result;
}

describe('the function list', () => {
  it('holds the template functions whose condition holds, resolved', () => {
    const names = runtime.functions().map((f) => f.name);
    expect(names).toContain('echo-fn');
    expect(names).toContain('FailFunction');
    expect(names).not.toContain('ProdOnlyFunction'); // Condition IsProd is false for Stage=dev
    expect(runtime.getFunction(`${ARN_PREFIX}echo-fn:live`)?.logicalId).toBe('EchoFunction');
  });

  it('exposes state machines with their substituted definitions', () => {
    const [saga] = runtime.stateMachines();
    expect(saga.arn).toBe('arn:aws:states:eu-west-2:111122223333:stateMachine:order-saga');
    expect((saga.definition().States as Record<string, { Resource: string }>).Echo.Resource).toBe(
      `${ARN_PREFIX}echo-fn`,
    );
  });

  it('stops at construction when a parameter has no value, naming it', () => {
    expect(() => new LocalLambdaRuntime(FIXTURE, { clock })).toThrow(TemplateReferenceError);
    expect(() => new LocalLambdaRuntime(FIXTURE, { clock })).toThrow(
      /!Ref TableName at Resources\.EchoFunction\.Properties\.Environment\.Variables\.TABLE: parameter TableName has no Default/,
    );
  });
});

describe('invoking', () => {
  it('runs an async handler with a JSON copy of the event and a Lambda context', async () => {
    const first = okPayload(await runtime.invoke('echo-fn', { orderId: 'o-1', at: new Date(0) }));
    expect(first.event).toEqual({ orderId: 'o-1', at: '1970-01-01T00:00:00.000Z' });
    const context = first.context as Record<string, unknown>;
    expect(context).toMatchObject({
      functionName: 'echo-fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: `${ARN_PREFIX}echo-fn`,
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/echo-fn',
      remainingMs: 5000,
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(UUID);
    expect(context.logStreamName).toMatch(/^2026\/06\/01\/\[\$LATEST\][0-9a-f]{32}$/);
    const second = okPayload(await runtime.invoke('echo-fn', {}));
    expect((second.context as Record<string, unknown>).awsRequestId).not.toBe(context.awsRequestId);
  });

  it('accepts full and partial ARNs and reports the invoked ARN', async () => {
    const full = await runtime.invoke(`${ARN_PREFIX}echo-fn:prod`, {});
    expect(full).toMatchObject({ ok: true, executedVersion: '$LATEST' });
    expect((okPayload(full).context as Record<string, unknown>).invokedFunctionArn).toBe(`${ARN_PREFIX}echo-fn:prod`);
    const partial = okPayload(await runtime.invoke('111122223333:function:echo-fn', {}));
    expect((partial.context as Record<string, unknown>).invokedFunctionArn).toBe(`${ARN_PREFIX}echo-fn`);
  });

  it('applies the function environment only for the call and never over variables already set', async () => {
    delete process.env.STAGE;
    delete process.env.TABLE;
    process.env.LAMBDA_TEST_PRESET = 'from-shell';
    try {
      const { env } = okPayload(await runtime.invoke('echo-fn', {}));
      expect(env).toEqual({
        STAGE: 'dev',
        SHARED: 'from-function',
        GLOBAL_ONLY: 'global',
        TABLE: 'orders',
        FN_ARN: `eu-west-2:111122223333:${ARN_PREFIX}echo-fn`,
        LAMBDA_TEST_PRESET: 'from-shell',
      });
      expect(process.env.STAGE).toBeUndefined();
      expect(process.env.TABLE).toBeUndefined();
      expect(process.env.LAMBDA_TEST_PRESET).toBe('from-shell');
    } finally {
      delete process.env.LAMBDA_TEST_PRESET;
    }
  });

  it('reports a thrown Error by its name, message and stack lines', async () => {
    const error = failure(await runtime.invoke('FailFunction', {}));
    expect(error.errorType).toBe('PaymentDeclined');
    expect(error.errorMessage).toBe('card declined for order o-1');
    expect(error.trace?.[0]).toBe('PaymentDeclined: card declined for order o-1');
    expect(error.trace?.some((line) => line.includes('errors.js'))).toBe(true);
    expect(logs.some((l) => l.startsWith('warn: Lambda FailFunction') && l.includes('PaymentDeclined'))).toBe(true);
  });

  it('reports a thrown non-Error as the Node.js runtime does: typeof as the type', async () => {
    expect(failure(await runtime.invoke('ThrowStringFunction', {}))).toEqual({
      ok: false,
      errorType: 'string',
      errorMessage: 'plain string failure',
      trace: [],
    });
    expect(failure(await runtime.invoke('RejectNothingFunction', {}))).toMatchObject({
      errorType: 'string',
      errorMessage: 'handled',
    });
  });

  it('times out on the clock with the error Lambda reports', async () => {
    let result: LambdaInvokeResult | undefined;
    const pending = runtime.invoke('SlowFunction', {}).then((r) => (result = r));
    await clock.advance(1999, settle);
    expect(result).toBeUndefined();
    expect(runtime.inFlight()).toBe(1);
    await clock.advance(1, settle);
    await pending;
    const error = failure(result!);
    expect(error.errorType).toBe('Sandbox.Timedout');
    expect(error.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 2\.00 seconds$/);
    expect(runtime.inFlight()).toBe(0);
  });

  it('supports callback-style, context.succeed, sync and nested-export handlers', async () => {
    expect(okPayload(await runtime.invoke('CallbackFunction', { n: 21 }))).toEqual({ doubled: 42 });
    expect(failure(await runtime.invoke('CallbackErrorFunction', {}))).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad input',
    });
    expect(await runtime.invoke('ContextSucceedFunction', {})).toMatchObject({
      ok: true,
      payload: { via: 'context.succeed' },
    });
    expect(await runtime.invoke('SyncFunction', {})).toMatchObject({ ok: true, payload: null });
    expect(await runtime.invoke('NestedExportFunction', {})).toMatchObject({ ok: true, payload: 'nested export' });
  });

  it('holds results to what crosses the wire: JSON, at most 6 MB', async () => {
    expect(failure(await runtime.invoke('CircularFunction', {}))).toMatchObject({
      errorType: 'Error',
      errorMessage: 'Unable to stringify response body',
    });
    expect(await runtime.invoke('UndefinedFunction', {})).toMatchObject({ ok: true, payload: null });
    const atLimit = await runtime.invoke('SizedFunction', { length: 6_291_556 });
    expect(atLimit.ok && (atLimit.payload as string).length).toBe(6_291_554);
    expect(failure(await runtime.invoke('SizedFunction', { length: 6_291_557 }))).toMatchObject({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
  });

  it('refuses requests over 6 MB before running anything', async () => {
    // A JSON string of n characters is n + 2 bytes on the wire.
    expect((await runtime.invoke('UndefinedFunction', 'x'.repeat(6_291_456 - 2))).ok).toBe(true);
    expect(failure(await runtime.invoke('UndefinedFunction', 'x'.repeat(6_291_456 - 1)))).toEqual({
      ok: false,
      errorType: 'Lambda.RequestEntityTooLargeException',
      errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
  });

  it('answers an unknown function with ResourceNotFoundException listing the known ones', async () => {
    const error = failure(await runtime.invoke('charge-payment', {}));
    expect(error.errorType).toBe('Lambda.ResourceNotFoundException');
    expect(error.errorMessage).toContain(`Function not found: ${ARN_PREFIX}charge-payment`);
    expect(error.errorMessage).toMatch(/defines: echo-fn, FailFunction, /);
  });

  it('reports missing modules and exports with the file and the fix', async () => {
    const missing = failure(await runtime.invoke('MissingModuleFunction', {}));
    expect(missing.errorType).toBe('Runtime.ImportModuleError');
    expect(missing.errorMessage).toContain(path.join(FIXTURE_DIR, 'handlers', 'not-built', 'charge.js'));
    expect(missing.errorMessage).toContain('npm run build');

    const noExport = failure(await runtime.invoke('MissingExportFunction', {}));
    expect(noExport.errorType).toBe('Runtime.HandlerNotFound');
    expect(noExport.errorMessage).toMatch(/^echo\.doesNotExist is undefined or not exported .*exports: handler\)/);

    const dependency = failure(await runtime.invoke('BrokenDependencyFunction', {}));
    expect(dependency.errorType).toBe('Runtime.ImportModuleError');
    expect(dependency.errorMessage).toContain('this-dependency-is-missing');
  });
});

describe('handler modules on disk', () => {
  let dir = '';
  let tmpRuntime: LocalLambdaRuntime;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-runtime-'));
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      `
Resources:
  Later: { Type: AWS::Serverless::Function, Properties: { CodeUri: dist, Handler: later.handler } }
  Syntax: { Type: AWS::Serverless::Function, Properties: { CodeUri: dist, Handler: syntax.handler } }
  Init: { Type: AWS::Serverless::Function, Properties: { CodeUri: dist, Handler: init.handler } }
  Esm: { Type: AWS::Serverless::Function, Properties: { CodeUri: dist, Handler: esm.handler } }
  Climb: { Type: AWS::Serverless::Function, Properties: { CodeUri: dist, Handler: ../outside.handler } }
`,
    );
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'syntax.js'), 'exports.handler = async () => {');
    fs.writeFileSync(
      path.join(dir, 'dist', 'init.js'),
      "class ConfigMissing extends Error { name = 'ConfigMissing' }\nthrow new ConfigMissing('PAYMENT_URL is not set');",
    );
    fs.writeFileSync(path.join(dir, 'dist', 'esm.mjs'), 'export const handler = async (e) => ({ esm: e.x });');
    tmpRuntime = new LocalLambdaRuntime(path.join(dir, 'template.yaml'), { clock });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('picks up a module built after a failed load, without a restart', async () => {
    expect(failure(await tmpRuntime.invoke('Later', {})).errorType).toBe('Runtime.ImportModuleError');
    fs.writeFileSync(path.join(dir, 'dist', 'later.js'), "exports.handler = async () => 'built now';");
    expect(await tmpRuntime.invoke('Later', {})).toMatchObject({ ok: true, payload: 'built now' });
  });

  it('reports syntax errors, errors thrown at load, and bad handler names as Lambda does', async () => {
    expect(failure(await tmpRuntime.invoke('Syntax', {}))).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError' });
    expect(failure(await tmpRuntime.invoke('Init', {}))).toMatchObject({
      errorType: 'ConfigMissing',
      errorMessage: 'PAYMENT_URL is not set',
    });
    expect(failure(await tmpRuntime.invoke('Climb', {})).errorType).toBe('Runtime.MalformedHandlerName');
  });

  it('loads .mjs handlers as ES modules', async () => {
    expect(await tmpRuntime.invoke('Esm', { x: 7 })).toMatchObject({ ok: true, payload: { esm: 7 } });
  });
});

const ORIGIN = 'http://127.0.0.1:7071';

function request(
  method: string,
  target: string,
  options: { rawHeaders?: string[]; body?: Buffer | string } = {},
): MountRequest {
  const url = new URL(target, ORIGIN);
  const rawHeaders = options.rawHeaders ?? [];
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
  return {
    method,
    path: url.pathname.replace(/^\//, ''),
    query: url.searchParams,
    headers,
    rawHeaders,
    body: Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body ?? ''),
    origin: ORIGIN,
  };
}

describe('function URLs', () => {
  const urlClock = new VirtualClock(Date.parse('2026-06-01T12:34:56.789Z'));
  const urls = new FunctionUrlApi(runtime, urlClock);

  it('builds the payload 2.0 event and maps a structured response', async () => {
    const answer = await urls.handle(
      request('POST', '/web/orders/o-1?a=1&a=2&b=x%20y', {
        rawHeaders: [
          'Content-Type',
          'application/json',
          'X-Multi',
          'one',
          'x-multi',
          'two',
          'Cookie',
          'session=abc; theme=dark',
          'User-Agent',
          'vitest',
        ],
        body: '{"amount":5}',
      }),
    );
    expect(answer.status).toBe(201);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json',
      'x-custom': 'yes',
      'set-cookie': ['a=1; Max-Age=60', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
    });
    expect(Buffer.isBuffer(answer.body)).toBe(true);
    const { event } = JSON.parse(answer.body.toString()) as { event: FunctionUrlEvent };
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/o-1',
      rawQueryString: 'a=1&a=2&b=x+y',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      body: '{"amount":5}',
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'x-multi': 'one,two',
      'user-agent': 'vitest',
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: '111122223333',
      authentication: null,
      http: { method: 'POST', path: '/orders/o-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: answer.headers['x-amzn-requestid'],
      routeKey: '$default',
      stage: '$default',
      time: '01/Jun/2026:12:34:56 +0000',
      timeEpoch: Date.parse('2026-06-01T12:34:56.789Z'),
    });
    expect(event.requestContext.domainName).toMatch(/^[0-9a-f]{32}\.lambda-url\.eu-west-2\.on\.aws$/);
  });

  it('base64-encodes binary request bodies and decodes base64 responses', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const echoed = await urls.handle(
      request('PUT', '/web', { rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }),
    );
    const { event } = JSON.parse(echoed.body.toString()) as { event: Record<string, unknown> };
    expect(event).toMatchObject({ rawPath: '/', isBase64Encoded: true, body: bytes.toString('base64') });
    expect(event.queryStringParameters).toBeUndefined();

    const binary = await urls.handle(request('GET', '/web/logo.png?mode=binary'));
    expect(binary.status).toBe(200);
    expect(binary.headers['content-type']).toBe('image/png');
    expect([...binary.body]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  });

  it('infers a 200 JSON response from any other result', async () => {
    const plain = await urls.handle(request('GET', '/web?mode=plain'));
    expect(plain).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(plain.body.toString()).toBe('{"hello":"world"}');
    const text = await urls.handle(request('GET', '/web?mode=string'));
    expect(text.body.toString()).toBe('"Hello, world!"');
  });

  it('answers a function error with 502', async () => {
    const answer = await urls.handle(request('GET', '/web-fail'));
    expect(answer.status).toBe(502);
    expect(answer.body.toString()).toBe('Internal Server Error');
  });

  it('answers 404 for a function without a URL or not in the template', async () => {
    const noUrl = await urls.handle(request('GET', '/echo-fn/x'));
    expect(noUrl.status).toBe(404);
    expect(noUrl.body.toString()).toMatch(/echo-fn has no function URL: add FunctionUrlConfig .* to EchoFunction/);
    const unknown = await urls.handle(request('GET', '/nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.toString()).toMatch(/No function named nope.*Functions with URLs: web, web-fail/);
  });

  describe('mounted on the platform host', () => {
    const host = new HttpHost({
      host: '127.0.0.1',
      port: 0,
      routePrefix: 'api',
      routes: [],
      mounts: [urls.mount('/lambda-url')],
      keys: { functionKeys: [] },
      invoker: {} as FunctionInvoker,
      extraInputs: () => ({}),
      maxBodyBytes: 8 * 1024 * 1024,
      log: () => undefined,
    });
    let base = '';
    beforeAll(async () => {
      base = `${await host.listen()}/lambda-url`;
    });
    afterAll(() => host.close());

    it('sends raw bytes and one set-cookie line per cookie', async () => {
      const res = await fetch(`${base}/web/x`, {
        method: 'POST',
        body: 'hi',
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie()).toEqual(['a=1; Max-Age=60', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);
      const { event } = (await res.json()) as { event: { body: string; rawPath: string } };
      expect(event).toMatchObject({ body: 'hi', rawPath: '/x' });
      const png = await fetch(`${base}/web?mode=binary`);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect([...new Uint8Array(await png.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    });
  });
});

describe('the Invoke API', () => {
  const api = new LambdaInvokeApi(runtime);
  const invoke = (
    name: string,
    body: string,
    invocationType?: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    api.handle(
      request('POST', `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
        rawHeaders: invocationType ? ['X-Amz-Invocation-Type', invocationType] : [],
        body,
      }),
    );

  it('returns the payload, or the error document with X-Amz-Function-Error', async () => {
    const ok = await invoke(`${ARN_PREFIX}echo-fn`, '{"a":1}');
    expect(ok.status).toBe(200);
    expect(ok.headers['x-amz-executed-version']).toBe('$LATEST');
    expect(JSON.parse(ok.body.toString()).event).toEqual({ a: 1 });

    const failed = await invoke('FailFunction', '');
    expect(failed.status).toBe(200);
    expect(failed.headers['x-amz-function-error']).toBe('Unhandled');
    expect(JSON.parse(failed.body.toString())).toMatchObject({ errorType: 'PaymentDeclined' });
  });

  it('answers service errors with their HTTP status and x-amzn-errortype', async () => {
    const missing = await invoke('nope', '{}');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(JSON.parse(missing.body.toString()).message).toMatch(/Function not found/);
    const invalid = await invoke('echo-fn', '{not json');
    expect(invalid.status).toBe(400);
    expect(invalid.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
  });

  it('runs Event invocations in the background and answers DryRun without running', async () => {
    const accepted = await invoke('CallbackFunction', '{"n":1}', 'Event');
    expect(accepted.status).toBe(202);
    expect(runtime.inFlight()).toBe(1);
    await settle();
    expect(runtime.inFlight()).toBe(0);
    expect((await invoke('echo-fn', '{}', 'DryRun')).status).toBe(204);
  });
});

describe('the environment overlay', () => {
  it('shares a variable between overlapping calls and removes it after the last', () => {
    const env: NodeJS.ProcessEnv = { SHELL_SET: 'shell' };
    const overlay = new EnvOverlay(env);
    const first = overlay.enter({ TABLE: 'orders', SHELL_SET: 'template' });
    const second = overlay.enter({ TABLE: 'orders', OTHER: 'x' });
    expect(env).toEqual({ SHELL_SET: 'shell', TABLE: 'orders', OTHER: 'x' });
    first();
    first(); // releasing twice must not drop the second call's hold
    expect(env).toEqual({ SHELL_SET: 'shell', TABLE: 'orders', OTHER: 'x' });
    second();
    expect(env).toEqual({ SHELL_SET: 'shell' });
  });

  it('keeps the first value when running functions disagree, and leaves a variable changed meanwhile', () => {
    const env: NodeJS.ProcessEnv = {};
    const overlay = new EnvOverlay(env);
    const a = overlay.enter({ MODE: 'a' });
    const b = overlay.enter({ MODE: 'b' });
    expect(env.MODE).toBe('a');
    b();
    expect(env.MODE).toBe('a');
    env.MODE = 'changed-by-code';
    a();
    expect(env.MODE).toBe('changed-by-code');
  });
});

describe('function references', () => {
  it('reads names, qualifiers, partial and full ARNs', () => {
    expect(parseFunctionRef('charge')).toEqual({ name: 'charge', qualifier: undefined });
    expect(parseFunctionRef('charge:live')).toEqual({ name: 'charge', qualifier: 'live' });
    expect(parseFunctionRef('123456789012:function:charge:3')).toEqual({ name: 'charge', qualifier: '3' });
    expect(parseFunctionRef('arn:aws:lambda:eu-west-2:123456789012:function:charge')).toEqual({
      name: 'charge',
      qualifier: undefined,
      arn: 'arn:aws:lambda:eu-west-2:123456789012:function:charge',
    });
  });
});
