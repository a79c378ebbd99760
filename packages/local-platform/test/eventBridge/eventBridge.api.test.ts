// Control-plane operations of the local EventBridge through the real @aws-sdk/client-eventbridge: buses, rules,
// targets, event patterns, connections and API destinations, and protocol errors.
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DeleteConnectionCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeServiceException,
  ListApiDestinationsCommand,
  ListConnectionsCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, EventBridgeHarness, REGION, startEventBridge } from '../fixtures/eventBridgeServer';

let h: EventBridgeHarness;

beforeEach(async () => {
  h = await startEventBridge();
});
afterEach(async () => {
  await h.close();
});

async function rejection(p: Promise<unknown>): Promise<EventBridgeServiceException> {
  try {
    await p;
  } catch (e) {
    return e as EventBridgeServiceException;
  }
  throw new Error('expected the call to fail');
}

const PATTERN = JSON.stringify({ source: ['orders'], 'detail-type': ['OrderPlaced'] });
const fn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

describe('event buses', () => {
  it('has the default bus, creates, describes by name or ARN, lists, and deletes all but default', async () => {
    const def = await h.client.send(new DescribeEventBusCommand({}));
    expect(def).toMatchObject({ Name: 'default', Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` });

    const created = await h.client.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
    expect(created.EventBusArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders`);
    const dup = await rejection(h.client.send(new CreateEventBusCommand({ Name: 'orders' })));
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    expect(dup.message).toBe('Event bus orders already exists.');
    const badName = await rejection(h.client.send(new CreateEventBusCommand({ Name: 'has space' })));
    expect(badName.name).toBe('ValidationException');
    expect(badName.message).toMatch(
      /^1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint/,
    );

    const byArn = await h.client.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(byArn).toMatchObject({ Name: 'orders', Description: 'order events' });
    expect(byArn.CreationTime).toEqual(new Date(h.clock.now()));

    const list = await h.client.send(new ListEventBusesCommand({}));
    expect(list.EventBuses?.map((b) => b.Name)).toEqual(['default', 'orders']);
    const prefixed = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'ord' }));
    expect(prefixed.EventBuses?.map((b) => b.Name)).toEqual(['orders']);

    const noDefault = await rejection(h.client.send(new DeleteEventBusCommand({ Name: 'default' })));
    expect(noDefault.name).toBe('ValidationException');
    await h.client.send(new DeleteEventBusCommand({ Name: 'orders' }));
    const gone = await rejection(h.client.send(new DescribeEventBusCommand({ Name: 'orders' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.message).toBe('Event bus orders does not exist.');
  });
});

describe('rules', () => {
  it('creates, updates, describes, lists with paging, enables and disables', async () => {
    const r = await h.client.send(new PutRuleCommand({ Name: 'placed', EventPattern: PATTERN, Description: 'd' }));
    expect(r.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/placed`);
    await h.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    const onBus = await h.client.send(
      new PutRuleCommand({ Name: 'placed', EventBusName: 'orders', EventPattern: PATTERN }),
    );
    expect(onBus.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/orders/placed`);

    const described = await h.client.send(new DescribeRuleCommand({ Name: 'placed' }));
    expect(described).toMatchObject({
      Name: 'placed',
      Arn: r.RuleArn,
      EventPattern: PATTERN,
      State: 'ENABLED',
      Description: 'd',
      EventBusName: 'default',
      CreatedBy: ACCOUNT,
    });
    // PutRule replaces the rule: an omitted Description is not kept.
    await h.client.send(new PutRuleCommand({ Name: 'placed', EventPattern: PATTERN, State: 'DISABLED' }));
    const updated = await h.client.send(new DescribeRuleCommand({ Name: 'placed' }));
    expect(updated.State).toBe('DISABLED');
    expect(updated.Description).toBeUndefined();
    await h.client.send(new EnableRuleCommand({ Name: 'placed' }));
    expect((await h.client.send(new DescribeRuleCommand({ Name: 'placed' }))).State).toBe('ENABLED');
    await h.client.send(new DisableRuleCommand({ Name: 'placed', EventBusName: 'orders' }));
    expect((await h.client.send(new DescribeRuleCommand({ Name: 'placed', EventBusName: 'orders' }))).State).toBe(
      'DISABLED',
    );

    for (const name of ['b-1', 'b-2', 'b-3'])
      await h.client.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN }));
    const page1 = await h.client.send(new ListRulesCommand({ NamePrefix: 'b-', Limit: 2 }));
    expect(page1.Rules?.map((x) => x.Name)).toEqual(['b-1', 'b-2']);
    const page2 = await h.client.send(new ListRulesCommand({ NamePrefix: 'b-', Limit: 2, NextToken: page1.NextToken }));
    expect(page2.Rules?.map((x) => x.Name)).toEqual(['b-3']);
    expect(page2.NextToken).toBeUndefined();
    const all = await h.client.send(new ListRulesCommand({}));
    expect(all.Rules?.map((x) => x.Name)).toEqual(['b-1', 'b-2', 'b-3', 'placed']);
    const other = await h.client.send(new ListRulesCommand({ EventBusName: 'orders' }));
    expect(other.Rules?.map((x) => x.Arn)).toEqual([onBus.RuleArn]);

    const missing = await rejection(h.client.send(new DescribeRuleCommand({ Name: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('Rule nope does not exist on EventBus default.');
    const noBus = await rejection(
      h.client.send(new PutRuleCommand({ Name: 'x', EventBusName: 'nope', EventPattern: PATTERN })),
    );
    expect(noBus.name).toBe('ResourceNotFoundException');
  });

  it('refuses invalid patterns, schedules and rules without a pattern', async () => {
    for (const bad of ['{"source": "orders"}', '{not json', '{"detail": {"n": [{"numeric": [">", "x"]}]}}']) {
      const e = await rejection(h.client.send(new PutRuleCommand({ Name: 'bad', EventPattern: bad })));
      expect(e.name).toBe('InvalidEventPatternException');
      expect(e.message.length).toBeGreaterThan(0);
    }
    const tooLong = await rejection(
      h.client.send(new PutRuleCommand({ Name: 'long', EventPattern: JSON.stringify({ source: ['x'.repeat(2100)] }) })),
    );
    expect(tooLong.name).toBe('InvalidEventPatternException');
    // Four $or arrays of six alternatives: 6⁴ = 1296 rule combinations, over EventBridge's 1000.
    const orOfSix = { $or: Array.from({ length: 6 }, (_, i) => ({ [`k${i}`]: [i] })) };
    const tooManyRules = await rejection(
      h.client.send(
        new PutRuleCommand({
          Name: 'ors',
          EventPattern: JSON.stringify({ a: orOfSix, b: orOfSix, c: orOfSix, d: orOfSix }),
        }),
      ),
    );
    expect(tooManyRules.name).toBe('InvalidEventPatternException');
    expect(tooManyRules.message).toMatch(
      /^Event pattern is not valid\. Reason: Event pattern has more than 1000 rule combinations: /,
    );
    const schedule = await rejection(
      h.client.send(new PutRuleCommand({ Name: 'cron', ScheduleExpression: 'rate(5 minutes)' })),
    );
    expect(schedule.name).toBe('ValidationException');
    expect(schedule.message).toMatch(/not supported by the local EventBridge/);
    const neither = await rejection(h.client.send(new PutRuleCommand({ Name: 'empty' })));
    expect(neither.name).toBe('ValidationException');
    const list = await h.client.send(new ListRulesCommand({}));
    expect(list.Rules).toEqual([]);
  });

  it('cannot delete a rule that has targets; removing them first works; deleting a missing rule succeeds', async () => {
    await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: PATTERN }));
    await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't1', Arn: fn('a') }] }));
    const e = await rejection(h.client.send(new DeleteRuleCommand({ Name: 'r' })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toBe("Rule can't be deleted since it has targets.");
    await h.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['t1', 'not-there'] }));
    await h.client.send(new DeleteRuleCommand({ Name: 'r' }));
    expect((await rejection(h.client.send(new DescribeRuleCommand({ Name: 'r' })))).name).toBe(
      'ResourceNotFoundException',
    );
    await h.client.send(new DeleteRuleCommand({ Name: 'r' }));
  });
});

describe('targets', () => {
  it('puts, replaces by Id, lists, reports per-target failures and enforces 5 targets per rule', async () => {
    await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: PATTERN }));
    const out = await h.client.send(
      new PutTargetsCommand({
        Rule: 'r',
        Targets: [
          { Id: 'a', Arn: fn('a'), RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } },
          { Id: 'bad-arn', Arn: 'not-an-arn' },
          { Id: 'two-inputs', Arn: fn('b'), Input: '{}', InputPath: '$.detail' },
          { Id: 'bad-json', Arn: fn('b'), Input: '{nope' },
          { Id: 'bad-dlq', Arn: fn('b'), DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:123456789012:topic' } },
          {
            Id: 'b',
            Arn: fn('b'),
            InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    expect(out.FailedEntries?.map((f) => [f.TargetId, f.ErrorCode])).toEqual([
      ['bad-arn', 'ValidationException'],
      ['two-inputs', 'ValidationException'],
      ['bad-json', 'ValidationException'],
      ['bad-dlq', 'ValidationException'],
    ]);
    await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'a', Arn: fn('a2') }] }));
    const listed = await h.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }));
    expect(listed.Targets).toEqual([
      { Id: 'a', Arn: fn('a2') },
      {
        Id: 'b',
        Arn: fn('b'),
        InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
      },
    ]);

    const badRetry = await rejection(
      h.client.send(
        new PutTargetsCommand({
          Rule: 'r',
          Targets: [{ Id: 'c', Arn: fn('c'), RetryPolicy: { MaximumRetryAttempts: 186 } }],
        }),
      ),
    );
    expect(badRetry.name).toBe('ValidationException');
    expect(badRetry.message).toContain("at 'targets.1.member.retryPolicy.maximumRetryAttempts'");

    await h.client.send(
      new PutTargetsCommand({ Rule: 'r', Targets: ['c', 'd', 'e'].map((id) => ({ Id: id, Arn: fn(id) })) }),
    );
    const sixth = await rejection(
      h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'f', Arn: fn('f') }] })),
    );
    expect(sixth.name).toBe('LimitExceededException');
    // Replacing an existing target is not a sixth one.
    await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'e', Arn: fn('e2') }] }));
    expect((await h.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }))).Targets).toHaveLength(5);

    const noRule = await rejection(
      h.client.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'x', Arn: fn('x') }] })),
    );
    expect(noRule.name).toBe('ResourceNotFoundException');
  });
});

describe('TestEventPattern', () => {
  const event = {
    version: '0',
    id: 'e-1',
    'detail-type': 'OrderPlaced',
    source: 'orders',
    account: ACCOUNT,
    time: '2026-01-05T09:00:00Z',
    region: REGION,
    resources: [],
    detail: { amount: 120 },
  };

  it('answers whether a full event matches', async () => {
    const yes = await h.client.send(
      new TestEventPatternCommand({ EventPattern: PATTERN, Event: JSON.stringify(event) }),
    );
    expect(yes.Result).toBe(true);
    const numeric = JSON.stringify({ detail: { amount: [{ numeric: ['>', 500] }] } });
    const no = await h.client.send(
      new TestEventPatternCommand({ EventPattern: numeric, Event: JSON.stringify(event) }),
    );
    expect(no.Result).toBe(false);
  });

  it('refuses a bad pattern and an event that is not a full envelope', async () => {
    const badPattern = await rejection(
      h.client.send(new TestEventPatternCommand({ EventPattern: '{"source": 1}', Event: JSON.stringify(event) })),
    );
    expect(badPattern.name).toBe('InvalidEventPatternException');
    const { account: _account, ...noAccount } = event;
    void _account;
    for (const bad of [JSON.stringify(noAccount), '{oops', '[]']) {
      const e = await rejection(h.client.send(new TestEventPatternCommand({ EventPattern: PATTERN, Event: bad })));
      expect(e.name).toBe('ValidationException');
      expect(e.message).toBe('Parameter Event is not valid.');
    }
  });
});

describe('connections and API destinations', () => {
  it('keep secrets out of Describe and require an existing connection', async () => {
    const conn = await h.client.send(
      new CreateConnectionCommand({
        Name: 'partner',
        AuthorizationType: 'API_KEY',
        AuthParameters: {
          ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'super-secret' },
          InvocationHttpParameters: {
            HeaderParameters: [
              { Key: 'x-tenant', Value: 'acme', IsValueSecret: false },
              { Key: 'x-signing', Value: 'hidden', IsValueSecret: true },
            ],
          },
        },
      }),
    );
    expect(conn.ConnectionArn).toMatch(
      new RegExp(`^arn:aws:events:${REGION}:${ACCOUNT}:connection/partner/[0-9a-f-]{36}$`),
    );
    expect(conn.ConnectionState).toBe('AUTHORIZED');
    const described = await h.client.send(new DescribeConnectionCommand({ Name: 'partner' }));
    expect(described.AuthParameters?.ApiKeyAuthParameters).toEqual({ ApiKeyName: 'x-api-key' });
    expect(described.AuthParameters?.InvocationHttpParameters?.HeaderParameters).toEqual([
      { Key: 'x-tenant', Value: 'acme', IsValueSecret: false },
      { Key: 'x-signing', IsValueSecret: true },
    ]);
    expect(JSON.stringify(described)).not.toMatch(/super-secret|hidden/);
    const oauth = await rejection(
      h.client.send(
        new CreateConnectionCommand({
          Name: 'oauth',
          AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
          AuthParameters: {
            OAuthParameters: {
              AuthorizationEndpoint: 'https://auth.example.com/token',
              HttpMethod: 'POST',
              ClientParameters: { ClientID: 'id', ClientSecret: 'secret' },
            },
          },
        }),
      ),
    );
    expect(oauth.name).toBe('ValidationException');
    expect(oauth.message).toMatch(/not supported by the local EventBridge/);

    const missingConn = await rejection(
      h.client.send(
        new CreateApiDestinationCommand({
          Name: 'dest',
          ConnectionArn: `arn:aws:events:${REGION}:${ACCOUNT}:connection/nope/00000000-0000-0000-0000-000000000000`,
          InvocationEndpoint: 'https://example.com/hook',
          HttpMethod: 'POST',
        }),
      ),
    );
    expect(missingConn.name).toBe('ResourceNotFoundException');
    const dest = await h.client.send(
      new CreateApiDestinationCommand({
        Name: 'dest',
        ConnectionArn: conn.ConnectionArn,
        InvocationEndpoint: 'https://example.com/hook/*',
        HttpMethod: 'PUT',
        InvocationRateLimitPerSecond: 10,
      }),
    );
    expect(dest.ApiDestinationArn).toMatch(
      new RegExp(`^arn:aws:events:${REGION}:${ACCOUNT}:api-destination/dest/[0-9a-f-]{36}$`),
    );
    const d = await h.client.send(new DescribeApiDestinationCommand({ Name: 'dest' }));
    expect(d).toMatchObject({ HttpMethod: 'PUT', InvocationRateLimitPerSecond: 10, ApiDestinationState: 'ACTIVE' });
    const badUrl = await rejection(
      h.client.send(
        new CreateApiDestinationCommand({
          Name: 'x',
          ConnectionArn: conn.ConnectionArn,
          InvocationEndpoint: 'ftp://x',
          HttpMethod: 'POST',
        }),
      ),
    );
    expect(badUrl.name).toBe('ValidationException');
    expect((await h.client.send(new ListConnectionsCommand({}))).Connections?.map((c) => c.Name)).toEqual(['partner']);
    expect((await h.client.send(new ListApiDestinationsCommand({}))).ApiDestinations?.map((c) => c.Name)).toEqual([
      'dest',
    ]);
    await h.client.send(new DeleteConnectionCommand({ Name: 'partner' }));
    const gone = await rejection(h.client.send(new DescribeConnectionCommand({ Name: 'partner' })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });
});

describe('protocol', () => {
  it('answers unknown operations and malformed JSON as AWS does', async () => {
    const call = (target: string, body: string) =>
      fetch(h.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });
    const unknown = await call('AWSEvents.PutSomething', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const malformed = await call('AWSEvents.ListRules', '{"Limit": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });
    const wrongTarget = await call('AWSStepFunctions.ListStateMachines', '{}');
    const body = (await wrongTarget.json()) as { __type: string; message: string };
    expect(body.__type).toBe('UnknownOperationException');
    expect(body.message).toMatch(/X-Amz-Target: AWSEvents\.<Operation>/);
  });
});
