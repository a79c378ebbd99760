// Delivery of matched events to targets, through the real @aws-sdk/client-eventbridge against the local endpoint:
// API destinations served by real local HTTP servers (auth, input shaping, retries with backoff on the virtual
// clock, timeouts, dead letters), Step Functions and Lambda targets, disabled rules and bus-to-bus forwarding.
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  Target,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  EventBridgeHarness,
  FunctionError,
  REGION,
  startEventBridge,
  startTargetServer,
  TargetReply,
  TargetServer,
} from '../fixtures/eventBridgeServer';

let h: EventBridgeHarness;
const servers: TargetServer[] = [];

afterEach(async () => {
  await h.close();
  for (const s of servers.splice(0)) await s.close();
});

const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`;
const PATTERN = JSON.stringify({ source: ['orders'] });
const fn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const machine = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

async function server(replies: TargetReply[]): Promise<TargetServer> {
  const s = await startTargetServer(replies);
  servers.push(s);
  return s;
}

/** An API_KEY connection and an API destination to `endpoint`; returns the destination ARN. */
async function destination(endpoint: string, method: 'POST' | 'PUT' = 'POST', name = 'dest'): Promise<string> {
  const conn = await h.client.send(
    new CreateConnectionCommand({
      Name: `${name}-conn`,
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'local-key-123' },
        InvocationHttpParameters: {
          HeaderParameters: [{ Key: 'x-source', Value: 'eventbridge', IsValueSecret: false }],
          QueryStringParameters: [{ Key: 'tenant', Value: 'acme', IsValueSecret: false }],
        },
      },
    }),
  );
  const dest = await h.client.send(
    new CreateApiDestinationCommand({
      Name: name,
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: endpoint,
      HttpMethod: method,
    }),
  );
  return dest.ApiDestinationArn as string;
}

async function rule(targets: Target[], name = 'orders-rule', bus?: string): Promise<string> {
  const out = await h.client.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, EventBusName: bus }));
  const put = await h.client.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets }));
  expect(put.FailedEntryCount).toBe(0);
  return out.RuleArn as string;
}

async function put(detail: object = { orderId: 'o-1', amount: 42 }, bus?: string): Promise<string> {
  const out = await h.client.send(
    new PutEventsCommand({
      Entries: [{ Source: 'orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail), EventBusName: bus }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  return out.Entries?.[0].EventId as string;
}

describe('API destinations', () => {
  it('POST the event with the API key, connection and target parameters, and the shaped input', async () => {
    h = await startEventBridge();
    const s = await server([{ status: 200 }]);
    const plain = await destination(`${s.url}/hooks/orders`);
    const shaped = await destination(`${s.url}/orders/*/status`, 'PUT', 'shaped');
    const ruleArn = await rule([
      { Id: 'plain', Arn: plain },
      {
        Id: 'shaped',
        Arn: shaped,
        HttpParameters: {
          PathParameterValues: ['$.detail.orderId'],
          HeaderParameters: { 'x-order': '$.detail.orderId', 'x-source': 'target-loses' },
          QueryStringParameters: { v: '2' },
        },
        InputTransformer: {
          InputPathsMap: { id: '$.detail.orderId', amount: '$.detail.amount', missing: '$.detail.nope' },
          InputTemplate:
            '{"order": <id>, "total": <amount>, "text": "order <id> for <amount>", "gone": <missing>, ' +
            '"rule": <aws.events.rule-name>, "ruleArn": "<aws.events.rule-arn>", "at": <aws.events.event.ingestion-time>, ' +
            '"original": <aws.events.event.json>}',
        },
      },
    ]);
    const eventId = await put();
    await h.settle();
    expect(s.requests).toHaveLength(2);
    const byPath = new Map(s.requests.map((r) => [r.url.split('?')[0], r]));

    const p = byPath.get('/hooks/orders');
    expect(p?.method).toBe('POST');
    expect(p?.url).toBe('/hooks/orders?tenant=acme');
    expect(p?.headers['x-api-key']).toBe('local-key-123');
    expect(p?.headers['x-source']).toBe('eventbridge');
    expect(p?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(p?.headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations');
    const event = JSON.parse(p?.body ?? '');
    expect(event).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'OrderPlaced',
      source: 'orders',
      account: ACCOUNT,
      time: '2026-01-05T09:00:00Z',
      region: REGION,
      resources: [],
      detail: { orderId: 'o-1', amount: 42 },
    });

    const t = byPath.get('/orders/o-1/status');
    expect(t?.method).toBe('PUT');
    expect(new URL(t?.url ?? '', 'http://x').searchParams.get('v')).toBe('2');
    expect(t?.headers['x-order']).toBe('o-1');
    // On a conflict the connection's parameter wins over the target's.
    expect(t?.headers['x-source']).toBe('eventbridge');
    expect(JSON.parse(t?.body ?? '')).toEqual({
      order: 'o-1',
      total: 42,
      text: 'order o-1 for 42',
      gone: null,
      rule: 'orders-rule',
      ruleArn,
      at: '2026-01-05T09:00:00.000Z',
      original: event,
    });
    expect(
      h.eb
        .activity()
        .filter((a) => a.kind === 'target-delivered')
        .map((a) => a.statusCode),
    ).toEqual([200, 200]);
    expect(JSON.stringify(h.logs)).not.toContain('local-key-123');
  });

  it('retries 500s with backoff on the virtual clock and delivers once on success', async () => {
    h = await startEventBridge({ retryDelayMs: (retry) => retry * 10_000 });
    const s = await server([{ status: 500 }, { status: 503, body: '{"busy":true}' }, { status: 200 }]);
    await rule([{ Id: 'd', Arn: await destination(`${s.url}/hook`), DeadLetterConfig: { Arn: DLQ } }]);
    await put();
    await h.settle();
    expect(s.requests).toHaveLength(1);
    await h.advance(9_999);
    expect(s.requests).toHaveLength(1);
    await h.advance(1);
    expect(s.requests).toHaveLength(2);
    await h.advance(19_999);
    expect(s.requests).toHaveLength(2);
    await h.advance(1);
    expect(s.requests).toHaveLength(3);
    await h.advance(3_600_000);
    expect(s.requests).toHaveLength(3);
    // The same event each time.
    expect(new Set(s.requests.map((r) => JSON.parse(r.body).id)).size).toBe(1);
    const kinds = h.eb.activity().filter((a) => a.kind.startsWith('target-'));
    expect(kinds.map((a) => [a.kind, a.attempt, a.statusCode])).toEqual([
      ['target-failed', 1, 500],
      ['target-retrying', 1, undefined],
      ['target-failed', 2, 503],
      ['target-retrying', 2, undefined],
      ['target-delivered', 3, 200],
    ]);
    expect(kinds[1].nextAttemptAt).toBe(new Date(Date.UTC(2026, 0, 5, 9, 0, 10)).toISOString());
    expect(h.eb.deadLetters()).toEqual([]);
  });

  it('does not retry a 400: the event goes to the dead-letter queue with the documented attributes', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    const s = await server([{ status: 400, body: '{"message":"bad order"}' }]);
    const dest = await destination(`${s.url}/hook`);
    const ruleArn = await rule([{ Id: 'd', Arn: dest, DeadLetterConfig: { Arn: DLQ } }]);
    const eventId = await put();
    await h.advance(600_000);
    expect(s.requests).toHaveLength(1);
    const dead = h.eb.deadLetters(DLQ);
    expect(dead).toHaveLength(1);
    expect(dead[0].queueArn).toBe(DLQ);
    expect(JSON.parse(dead[0].event)).toMatchObject({ id: eventId, source: 'orders', detail: { orderId: 'o-1' } });
    expect(dead[0].attributes).toEqual({
      RULE_ARN: ruleArn,
      TARGET_ARN: dest,
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: expect.stringContaining('HTTP 400'),
      RETRY_ATTEMPTS: '0',
    });
    expect(dead[0].attributes.ERROR_MESSAGE).toContain('bad order');
    expect(dead[0].time).toBe('2026-01-05T09:00:00.000Z');
    expect(h.eb.deadLetters('arn:aws:sqs:us-east-1:123456789012:other')).toEqual([]);
  });

  it('retries 401, 407, 409, 429 and 5xx answers; other non-2xx answers go to the DLQ at once', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    const retried = [401, 407, 409, 429, 500, 504];
    const notRetried = [302, 400, 403, 404, 422];
    const byStatus = new Map<number, TargetServer>();
    const targets: Target[] = [];
    for (const status of [...retried, ...notRetried]) {
      const s = await server([{ status }]);
      byStatus.set(status, s);
      targets.push({
        Id: `s${status}`,
        Arn: await destination(`${s.url}/hook`, 'POST', `d${status}`),
        RetryPolicy: { MaximumRetryAttempts: 1 },
        DeadLetterConfig: { Arn: DLQ },
      });
    }
    // Five targets per rule at most.
    for (let i = 0; i < targets.length; i += 5) await rule(targets.slice(i, i + 5), `rule-${i}`);
    await put();
    await h.advance(60_000);
    for (const status of retried) expect([status, byStatus.get(status)?.requests.length]).toEqual([status, 2]);
    for (const status of notRetried) expect([status, byStatus.get(status)?.requests.length]).toEqual([status, 1]);
    const dead = new Map(h.eb.deadLetters(DLQ).map((d) => [d.attributes.TARGET_ARN, d.attributes]));
    expect(dead.size).toBe(retried.length + notRetried.length);
    const attrs = (status: number) => dead.get(targets.find((t) => t.Id === `s${status}`)?.Arn as string);
    expect(attrs(500)).toMatchObject({ RETRY_ATTEMPTS: '1', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' });
    expect(attrs(429)).toMatchObject({ ERROR_CODE: 'THROTTLING' });
    expect(attrs(403)).toMatchObject({ RETRY_ATTEMPTS: '0', ERROR_CODE: 'ERROR_FROM_TARGET' });
    expect(attrs(403)?.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });

  it('dead-letters after MaximumRetryAttempts, or when the next try would exceed MaximumEventAgeInSeconds', async () => {
    h = await startEventBridge({ retryDelayMs: () => 25_000 });
    const s = await server([{ status: 502 }]);
    const dest = await destination(`${s.url}/hook`);
    await rule([
      { Id: 'by-count', Arn: dest, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: DLQ } },
      {
        Id: 'by-age',
        Arn: dest,
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: DLQ },
      },
    ]);
    await put();
    await h.advance(3_600_000);
    // by-count: 1 + 2 retries; by-age: attempts at 0 s, 25 s, 50 s (75 s would be past 60 s).
    expect(s.requests).toHaveLength(6);
    const dead = h.eb.deadLetters(DLQ);
    expect(dead.map((d) => [d.attributes.EXHAUSTED_RETRY_CONDITION, d.attributes.RETRY_ATTEMPTS, d.time])).toEqual([
      ['MaximumRetryAttempts', '2', '2026-01-05T09:00:50.000Z'],
      ['MaximumEventAgeInSeconds', '2', '2026-01-05T09:00:50.000Z'],
    ]);
    expect(dead[0].attributes.ERROR_CODE).toBe('ERROR_FROM_TARGET');
  });

  it('waits for Retry-After when it is longer than the backoff, and drops with a warning without a DLQ', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    const s = await server([
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 429, headers: { 'retry-after': '-1' } },
    ]);
    await rule([{ Id: 'd', Arn: await destination(`${s.url}/hook`) }]);
    await put();
    await h.advance(119_999);
    expect(s.requests).toHaveLength(1);
    await h.advance(1);
    expect(s.requests).toHaveLength(2);
    // A negative Retry-After stops the retries.
    await h.advance(3_600_000);
    expect(s.requests).toHaveLength(2);
    expect(h.eb.activity().filter((a) => a.kind === 'target-dropped')).toHaveLength(1);
    expect(h.logs.some((l) => l.level === 'warn' && /dropped event .* no DeadLetterConfig/.test(l.message))).toBe(true);
  });

  it('times out a call after 5 seconds on the platform clock and retries it', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    const s = await server([{ status: 200, hang: true }, { status: 200 }]);
    await rule([{ Id: 'd', Arn: await destination(`${s.url}/hook`), DeadLetterConfig: { Arn: DLQ } }]);
    await put();
    await h.tick();
    expect(s.requests).toHaveLength(1);
    await h.advanceLoosely(4_999);
    expect(h.eb.activity().some((a) => a.kind === 'target-failed')).toBe(false);
    await h.advanceLoosely(1);
    await h.tick();
    const failed = h.eb.activity().find((a) => a.kind === 'target-failed');
    expect(failed?.errorCode).toBe('TIMEOUT');
    await h.advanceLoosely(1_000);
    await h.settle();
    expect(s.requests).toHaveLength(2);
    expect(h.eb.activity().at(-1)?.kind).toBe('target-delivered');
    expect(h.eb.deadLetters()).toEqual([]);
  });

  it('retries a connection failure and dead-letters it with CONNECTION_FAILURE', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    const s = await server([{ status: 200 }]);
    const url = s.url;
    await s.close();
    await rule([
      {
        Id: 'd',
        Arn: await destination(`${url}/hook`),
        RetryPolicy: { MaximumRetryAttempts: 1 },
        DeadLetterConfig: { Arn: DLQ },
      },
    ]);
    await put();
    await h.advance(10_000);
    const dead = h.eb.deadLetters();
    expect(dead.map((d) => [d.attributes.ERROR_CODE, d.attributes.RETRY_ATTEMPTS])).toEqual([
      ['CONNECTION_FAILURE', '1'],
    ]);
  });
});

describe('Step Functions and Lambda targets', () => {
  it('starts an execution with the event as input; a missing machine is dead-lettered without retry', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    let throttled = 1;
    h.stepFunctions.fail = (arn) =>
      arn.endsWith(':gone') ? 'StateMachineDoesNotExist' : throttled-- > 0 ? 'ThrottlingException' : undefined;
    await rule([
      { Id: 'flow', Arn: machine('order-flow'), DeadLetterConfig: { Arn: DLQ } },
      { Id: 'gone', Arn: machine('gone'), DeadLetterConfig: { Arn: DLQ } },
    ]);
    const eventId = await put();
    await h.advance(5_000);
    const flow = h.stepFunctions.calls.filter((c) => c.stateMachineArn === machine('order-flow'));
    // Throttled once, then started.
    expect(flow).toHaveLength(2);
    expect(flow[1].name).toBeUndefined();
    expect(JSON.parse(flow[1].input)).toMatchObject({ id: eventId, source: 'orders', detail: { orderId: 'o-1' } });
    expect(h.stepFunctions.calls.filter((c) => c.stateMachineArn === machine('gone'))).toHaveLength(1);
    const dead = h.eb.deadLetters(DLQ);
    expect(dead.map((d) => [d.attributes.TARGET_ARN, d.attributes.ERROR_CODE, d.attributes.RETRY_ATTEMPTS])).toEqual([
      [machine('gone'), 'NO_RESOURCE', '0'],
    ]);
  });

  it('invokes a function with the event; a function error is retried as Lambda async invokes are, then dead-lettered', async () => {
    h = await startEventBridge({ retryDelayMs: () => 1_000 });
    h.lambdas.define('ok', () => ({ done: true }));
    h.lambdas.define('broken', () => {
      throw new FunctionError('OrderRejected', 'cannot handle');
    });
    await rule([
      { Id: 'ok', Arn: fn('ok'), InputPath: '$.detail' },
      { Id: 'broken', Arn: fn('broken'), DeadLetterConfig: { Arn: DLQ } },
    ]);
    await put();
    await h.settle();
    expect(h.lambdas.callsOf('ok')).toEqual([{ orderId: 'o-1', amount: 42 }]);
    expect(h.lambdas.callsOf('broken')).toHaveLength(1);
    await h.advance(59_999);
    expect(h.lambdas.callsOf('broken')).toHaveLength(1);
    await h.advance(1);
    expect(h.lambdas.callsOf('broken')).toHaveLength(2);
    await h.advance(120_000);
    expect(h.lambdas.callsOf('broken')).toHaveLength(3);
    await h.advance(3_600_000);
    expect(h.lambdas.callsOf('broken')).toHaveLength(3);
    const dead = h.eb.deadLetters(DLQ);
    expect(dead).toHaveLength(1);
    expect(dead[0].attributes).toMatchObject({
      TARGET_ARN: fn('broken'),
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'OrderRejected: cannot handle',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
  });
});

describe('rules and buses', () => {
  it('a disabled rule delivers nothing until it is enabled again', async () => {
    h = await startEventBridge();
    h.lambdas.define('sink', () => ({}));
    await rule([{ Id: 'sink', Arn: fn('sink') }]);
    await h.client.send(new DisableRuleCommand({ Name: 'orders-rule' }));
    await put();
    await h.settle();
    expect(h.lambdas.calls).toHaveLength(0);
    expect(h.eb.activity().some((a) => a.kind === 'rule-matched')).toBe(false);
    await h.client.send(new EnableRuleCommand({ Name: 'orders-rule' }));
    await put({ orderId: 'o-2' });
    await h.settle();
    expect(h.lambdas.callsOf('sink').map((e) => (e as { detail: { orderId: string } }).detail.orderId)).toEqual([
      'o-2',
    ]);
  });

  it('forwards to another bus once, keeping the event id, and refuses a third bus', async () => {
    h = await startEventBridge();
    h.lambdas.define('sink', () => ({}));
    await h.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await h.client.send(new CreateEventBusCommand({ Name: 'audit' }));
    const bus = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
    await rule([{ Id: 'to-orders', Arn: bus('orders') }], 'fan-out');
    await rule(
      [
        { Id: 'sink', Arn: fn('sink') },
        { Id: 'to-audit', Arn: bus('audit'), DeadLetterConfig: { Arn: DLQ } },
      ],
      'on-orders',
      'orders',
    );
    const eventId = await put();
    await h.settle();
    expect(h.lambdas.callsOf('sink')).toEqual([
      expect.objectContaining({ id: eventId, detail: { orderId: 'o-1', amount: 42 } }),
    ]);
    expect(h.eb.deadLetters(DLQ).map((d) => d.attributes.ERROR_CODE)).toEqual(['THIRD_ACCOUNT_HOP_DETECTED']);
  });
});
