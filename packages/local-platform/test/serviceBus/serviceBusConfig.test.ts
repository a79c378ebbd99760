// Reading the embedded Service Bus's entities from a file in the official emulator's Config.json format:
// defaults, accepted emulator conventions, and the actionable errors for each kind of mistake.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceBusConfig, parseServiceBusConfig } from '../../src/serviceBus/config';
import { ServiceBusConfigError } from '../../src/serviceBus/errors';

const wrap = (ns: Record<string, unknown>): unknown => ({
  UserConfig: { Namespaces: [{ Name: 'sbemulatorns', ...ns }], Logging: { Type: 'File' } },
});

function configError(ns: Record<string, unknown>): ServiceBusConfigError {
  try {
    parseServiceBusConfig(wrap(ns), 'Config.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceBusConfigError);
    return e as ServiceBusConfigError;
  }
  throw new Error('expected a config error');
}

describe('Service Bus config: valid files', () => {
  it('applies Azure defaults (MaxDeliveryCount 10, LockDuration 1 min, no expiry, 10 min duplicate window, TrueFilter)', () => {
    const config = parseServiceBusConfig(
      wrap({
        Queues: [{ Name: 'orders', Properties: { RequiresDuplicateDetection: true } }],
        Topics: [{ Name: 'events', Subscriptions: [{ Name: 'all' }] }],
      }),
      'Config.json',
    );
    expect(config.namespace).toBe('sbemulatorns');
    expect(config.queues[0]).toMatchObject({
      name: 'orders',
      maxDeliveryCount: 10,
      lockDurationMs: 60_000,
      defaultMessageTimeToLiveMs: Infinity,
      deadLetteringOnMessageExpiration: false,
      requiresDuplicateDetection: true,
      duplicateDetectionWindowMs: 600_000,
    });
    expect(config.topics[0].subscriptions[0].rules.map((r) => r.name)).toEqual(['$Default']);
  });

  it("reads the emulator's own sample shape: every property spelled out, empty strings for unused fields", () => {
    const config = parseServiceBusConfig(
      wrap({
        Queues: [
          {
            Name: 'queue.1',
            Properties: {
              DeadLetteringOnMessageExpiration: false,
              DefaultMessageTimeToLive: 'PT1H',
              DuplicateDetectionHistoryTimeWindow: 'PT20S',
              ForwardDeadLetteredMessagesTo: '',
              ForwardTo: '',
              LockDuration: 'PT1M',
              MaxDeliveryCount: 3,
              RequiresDuplicateDetection: false,
              RequiresSession: false,
            },
          },
        ],
        Topics: [
          {
            Name: 'topic.1',
            Properties: {
              DefaultMessageTimeToLive: 'P10675199DT2H48M5.4775807S',
              DuplicateDetectionHistoryTimeWindow: 'PT20S',
              RequiresDuplicateDetection: false,
            },
            Subscriptions: [
              {
                Name: 'subscription.1',
                Properties: { MaxDeliveryCount: 3, LockDuration: 'PT30S', RequiresSession: false, ForwardTo: '' },
                Rules: [
                  {
                    Name: 'app-prop-filter-1',
                    Properties: {
                      FilterType: 'Correlation',
                      CorrelationFilter: {
                        ContentType: 'application/text',
                        CorrelationId: 'id1',
                        Label: 'subject1',
                        MessageId: 'msgid1',
                        ReplyTo: '',
                        ReplyToSessionId: '',
                        SessionId: '',
                        To: '',
                        Properties: { prop3: 'value3' },
                      },
                      Action: { SqlExpression: '' },
                    },
                  },
                  {
                    Name: 'sql',
                    Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: 'NOT EXISTS(bridgeorigin)' } },
                  },
                ],
              },
            ],
          },
        ],
      }),
      'Config.json',
    );
    expect(config.queues[0]).toMatchObject({
      maxDeliveryCount: 3,
      defaultMessageTimeToLiveMs: 3_600_000,
      forwardTo: undefined,
    });
    expect(config.topics[0].defaultMessageTimeToLiveMs).toBe(Infinity);
    const sub = config.topics[0].subscriptions[0];
    expect(sub.lockDurationMs).toBe(30_000);
    expect(sub.rules.map((r) => r.description)).toEqual([
      expect.stringContaining('"CorrelationId":"id1"'),
      'NOT EXISTS(bridgeorigin)',
    ]);
  });

  it('loads from a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbconfig-'));
    const file = path.join(dir, 'Config.json');
    fs.writeFileSync(file, JSON.stringify(wrap({ Queues: [{ Name: 'orders' }] })));
    expect(loadServiceBusConfig(file).queues.map((q) => q.name)).toEqual(['orders']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('Service Bus config: errors name the entity, the property and the fix', () => {
  it('an invalid ISO-8601 duration', () => {
    const e = configError({ Queues: [{ Name: 'orders', Properties: { LockDuration: '1 minute' } }] });
    expect(e.message).toContain("Queues[0] 'orders'.Properties.LockDuration");
    expect(e.message).toMatch(/not an ISO-8601 duration; write e\.g\. PT30S/);
    expect(configError({ Queues: [{ Name: 'q', Properties: { DefaultMessageTimeToLive: 'P1M' } }] }).message).toMatch(
      /years or months/,
    );
  });

  it('values outside what Service Bus allows', () => {
    expect(configError({ Queues: [{ Name: 'q', Properties: { LockDuration: 'PT10M' } }] }).message).toMatch(
      /LockDuration: is PT10M but must be between PT1S and PT5M/,
    );
    expect(
      configError({ Queues: [{ Name: 'q', Properties: { DuplicateDetectionHistoryTimeWindow: 'PT5S' } }] }).message,
    ).toMatch(/between PT20S and P7D/);
    expect(configError({ Queues: [{ Name: 'q', Properties: { MaxDeliveryCount: 0 } }] }).message).toMatch(
      /MaxDeliveryCount: must be a whole number from 1/,
    );
  });

  it('an unknown FilterType', () => {
    const e = configError({
      Topics: [
        { Name: 'events', Subscriptions: [{ Name: 's', Rules: [{ Name: 'r', Properties: { FilterType: 'Regex' } }] }] },
      ],
    });
    expect(e.message).toContain("Topics[0] 'events'.Subscriptions[0] 's'.Rules[0] 'r'.Properties.FilterType");
    expect(e.message).toMatch(/must be "Correlation" or "Sql"; found "Regex"/);
  });

  it('a SQL filter that does not parse, with its position', () => {
    const e = configError({
      Topics: [
        {
          Name: 'events',
          Subscriptions: [
            {
              Name: 's',
              Rules: [{ Name: 'r', Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "type = 'A" } } }],
            },
          ],
        },
      ],
    });
    expect(e.message).toContain('SqlFilter.SqlExpression');
    expect(e.message).toMatch(/position 7/);
  });

  it('duplicate names (case-insensitive) for queues/topics, subscriptions and rules', () => {
    expect(configError({ Queues: [{ Name: 'orders' }], Topics: [{ Name: 'Orders' }] }).message).toMatch(
      /Topics\[0\]: duplicates the queue\/topic name "orders"/,
    );
    expect(configError({ Topics: [{ Name: 't', Subscriptions: [{ Name: 'a' }, { Name: 'A' }] }] }).message).toMatch(
      /Subscriptions\[1\]: duplicates the subscription name "a"/,
    );
    const rule = { Name: 'r', Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: '1=1' } } };
    expect(
      configError({ Topics: [{ Name: 't', Subscriptions: [{ Name: 'a', Rules: [rule, rule] }] }] }).message,
    ).toMatch(/duplicates the rule name/);
  });

  it('takes RequiresSession on queues and subscriptions', () => {
    const config = parseServiceBusConfig(
      {
        UserConfig: {
          Namespaces: [
            {
              Name: 'ns',
              Queues: [{ Name: 'q', Properties: { RequiresSession: true } }, { Name: 'plain' }],
              Topics: [{ Name: 't', Subscriptions: [{ Name: 's', Properties: { RequiresSession: true } }] }],
            },
          ],
        },
      },
      'test',
    );
    expect(config.queues.map((q) => q.requiresSession)).toEqual([true, false]);
    expect(config.topics[0].subscriptions[0].requiresSession).toBe(true);
    expect(configError({ Queues: [{ Name: 'q', Properties: { RequiresSession: 'yes' } }] }).message).toMatch(
      /RequiresSession: must be true or false/,
    );
  });

  it('rule actions are parsed at start-up; a bad one stops it with its position', () => {
    const withAction = (expression: string) => ({
      Topics: [
        {
          Name: 't',
          Subscriptions: [
            {
              Name: 's',
              Rules: [
                {
                  Name: 'r',
                  Properties: {
                    FilterType: 'Sql',
                    SqlFilter: { SqlExpression: '1=1' },
                    Action: { SqlExpression: expression },
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const parsed = parseServiceBusConfig(
      { UserConfig: { Namespaces: [{ Name: 'ns', ...withAction("SET sys.To = 'x'; REMOVE internal") }] } },
      'test',
    );
    expect(parsed.topics[0].subscriptions[0].rules[0].spec.action).toBe("SET sys.To = 'x'; REMOVE internal");
    expect(configError(withAction('SET sys.SequenceNumber = 1')).message).toMatch(
      /Action\.SqlExpression: SQL filter error at position 4.*set by the broker/s,
    );
    expect(configError(withAction('DROP x')).message).toMatch(/Expected SET or REMOVE, found 'DROP'/);
  });

  it('a misspelt setting suggests the right one', () => {
    expect(configError({ Queues: [{ Name: 'q', Properties: { MaxDeliverCount: 3 } }] }).message).toMatch(
      /MaxDeliverCount: is not a known setting; did you mean "MaxDeliveryCount"\?/,
    );
  });

  it('ForwardTo must name an existing queue or topic other than itself', () => {
    expect(configError({ Queues: [{ Name: 'a', Properties: { ForwardTo: 'nowhere' } }] }).message).toMatch(
      /ForwardTo: names "nowhere", which is not a queue or topic/,
    );
    expect(configError({ Queues: [{ Name: 'a', Properties: { ForwardTo: 'A' } }] }).message).toMatch(/to itself/);
  });

  it('a correlation filter with nothing to match, and invalid names', () => {
    const rule = { Name: 'r', Properties: { FilterType: 'Correlation', CorrelationFilter: { Label: '', To: '' } } };
    expect(configError({ Topics: [{ Name: 't', Subscriptions: [{ Name: 's', Rules: [rule] }] }] }).message).toMatch(
      /names no field to match/,
    );
    expect(configError({ Queues: [{ Name: 'bad name' }] }).message).toMatch(/not a valid queue name/);
    expect(configError({ Queues: [{ Properties: {} }] }).message).toMatch(/needs a "Name"/);
  });

  it('the file itself: missing, not JSON, or not one namespace', () => {
    expect(() => loadServiceBusConfig('/nonexistent/Config.json')).toThrow(/does not exist\. Create it/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbconfig-'));
    const file = path.join(dir, 'Config.json');
    fs.writeFileSync(file, '{ "UserConfig": ');
    expect(() => loadServiceBusConfig(file)).toThrow(/is not valid JSON/);
    fs.rmSync(dir, { recursive: true });
    expect(() => parseServiceBusConfig({ UserConfig: { Namespaces: [] } }, 'x')).toThrow(/exactly one namespace/);
  });
});
