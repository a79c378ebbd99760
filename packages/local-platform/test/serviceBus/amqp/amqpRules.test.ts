// Rule management through the real @azure/service-bus SDK (ServiceBusRuleManager over $management) against the
// local Service Bus: listing, adding (SQL and correlation filters, SQL actions) and removing rules, what a rule
// action does to the subscription's copy of a message, the errors the service gives, and rules kept across a
// restart until the config changes. Checks read what receivers get, not the SDK's echo.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isServiceBusError,
  type RuleProperties,
  type ServiceBusClient,
  type ServiceBusReceivedMessage,
} from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceDatabase } from '../../../src/persistence/serviceDatabase';
import { buildRule } from '../../../src/serviceBus/subscriptionRule';
import { AmqpBroker, startAmqpBroker } from './amqpBroker';

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: isServiceBusError(e) ? e.code : (e as Error).name, message: (e as Error).message };
  }
  return { code: 'no error', message: '' };
}

async function listRules(client: ServiceBusClient, subscription: string): Promise<RuleProperties[]> {
  const out: RuleProperties[] = [];
  for await (const rule of client.createRuleManager('events', subscription).listRules()) out.push(rule);
  return out;
}

async function drain(client: ServiceBusClient, subscription: string): Promise<ServiceBusReceivedMessage[]> {
  const receiver = client.createReceiver('events', subscription, { receiveMode: 'receiveAndDelete' });
  const out: ServiceBusReceivedMessage[] = [];
  for (;;) {
    const got = await receiver.receiveMessages(10, { maxWaitTimeInMs: 300 });
    if (!got.length) break;
    out.push(...got);
  }
  await receiver.close();
  return out;
}

describe('rule management through @azure/service-bus', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  beforeAll(async () => {
    broker = await startAmqpBroker();
    client = broker.client();
  });
  afterAll(async () => broker.close());

  it('lists the configured rules: the default TrueFilter and a SQL filter', async () => {
    expect(await listRules(client, 'all')).toEqual([
      { name: '$Default', filter: { sqlExpression: '1=1' }, action: {} },
    ]);
    expect(await listRules(client, 'placed')).toEqual([
      { name: 'placed', filter: { sqlExpression: "type = 'OrderPlaced'" }, action: {} },
    ]);
  });

  it('adds a SQL rule with an action and removes the default: the subscription gets changed copies of matching messages only', async () => {
    const rules = client.createRuleManager('events', 'all');
    await rules.createRule(
      'eu-orders',
      { sqlExpression: "region = 'EU'" },
      { sqlExpression: "SET sys.Label = 'eu-order'; SET routed = region + '-desk'; REMOVE internal" },
    );
    await rules.deleteRule('$Default');
    expect((await listRules(client, 'all')).map((r) => [r.name, r.filter, r.action])).toEqual([
      [
        'eu-orders',
        { sqlExpression: "region = 'EU'" },
        { sqlExpression: "SET sys.Label = 'eu-order'; SET routed = region + '-desk'; REMOVE internal" },
      ],
    ]);
    await client.createSender('events').sendMessages([
      {
        body: 'eu',
        messageId: 'eu-1',
        subject: 'original',
        applicationProperties: { region: 'EU', internal: 'secret', type: 'OrderPlaced' },
      },
      { body: 'us', messageId: 'us-1', applicationProperties: { region: 'US', type: 'OrderPlaced' } },
    ]);
    const all = await drain(client, 'all');
    expect(all.map((m) => [m.messageId, m.subject, m.applicationProperties])).toEqual([
      ['eu-1', 'eu-order', { region: 'EU', type: 'OrderPlaced', routed: 'EU-desk', RuleName: 'eu-orders' }],
    ]);
    // The action changed only this subscription's copy.
    const placed = await drain(client, 'placed');
    expect(placed.map((m) => [m.messageId, m.subject, m.applicationProperties?.internal])).toEqual([
      ['eu-1', 'original', 'secret'],
      ['us-1', undefined, undefined],
    ]);
    await drain(client, 'by-customer/$DeadLetterQueue');
  });

  it('adds a correlation rule and lists it with its fields', async () => {
    const rules = client.createRuleManager('events', 'all');
    await rules.createRule('cancelled', { subject: 'OrderCancelled', applicationProperties: { priority: 1 } });
    const listed = (await listRules(client, 'all')).find((r) => r.name === 'cancelled');
    expect(listed?.filter).toMatchObject({ subject: 'OrderCancelled', applicationProperties: { priority: 1 } });
    await client.createSender('events').sendMessages([
      { body: 'c', messageId: 'c-1', subject: 'OrderCancelled', applicationProperties: { priority: 1 } },
      { body: 'c', messageId: 'c-2', subject: 'OrderCancelled', applicationProperties: { priority: 2 } },
    ]);
    expect((await drain(client, 'all')).map((m) => m.messageId)).toEqual(['c-1']);
    await drain(client, 'placed');
    await drain(client, 'by-customer/$DeadLetterQueue');
  });

  it('gives one copy for the matching rules without an action and one per matching rule with an action', async () => {
    // 'all' now has 'eu-orders' (with an action) and 'cancelled' (without): this message matches both.
    await client.createSender('events').sendMessages({
      body: 'both',
      messageId: 'both-1',
      subject: 'OrderCancelled',
      applicationProperties: { priority: 1, region: 'EU' },
    });
    const copies = await drain(client, 'all');
    expect(copies.map((m) => [m.messageId, m.subject, m.applicationProperties])).toEqual([
      ['both-1', 'OrderCancelled', { priority: 1, region: 'EU' }],
      ['both-1', 'eu-order', { priority: 1, region: 'EU', routed: 'EU-desk', RuleName: 'eu-orders' }],
    ]);
    expect(new Set(copies.map((m) => m.sequenceNumber!.toNumber())).size).toBe(2);
    await drain(client, 'placed');
    await drain(client, 'by-customer/$DeadLetterQueue');
  });

  it('answers as the service does: a duplicate name, an unknown rule, a filter or action that does not parse', async () => {
    const rules = client.createRuleManager('events', 'all');
    expect((await errorOf(rules.createRule('EU-ORDERS', { sqlExpression: '1=1' }))).code).toBe(
      'MessagingEntityAlreadyExists',
    );
    expect((await errorOf(rules.deleteRule('no-such-rule'))).code).toBe('MessagingEntityNotFound');
    const badFilter = await errorOf(rules.createRule('bad', { sqlExpression: "region = = 'EU'" }));
    expect(badFilter.message).toMatch(/SQL filter error at position 9/);
    const badAction = await errorOf(rules.createRule('bad', { sqlExpression: '1=1' }, { sqlExpression: 'DROP x' }));
    expect(badAction.message).toMatch(/Expected SET or REMOVE/);
    expect((await listRules(client, 'all')).map((r) => r.name)).toEqual(['eu-orders', 'cancelled']);
  });

  it('stops at the 2,000 rules a subscription may have, with QuotaExceeded', async () => {
    const path = 'events/Subscriptions/by-customer';
    for (let i = broker.namespace.rules(path).length; i < 1999; i++)
      broker.namespace.addRule(path, { name: `r${i}`, filter: { kind: 'sql', expression: `n = ${i}` } });
    const rules = client.createRuleManager('events', 'by-customer');
    await rules.createRule('last', { sqlExpression: 'n = -1' });
    expect((await errorOf(rules.createRule('one-too-many', { sqlExpression: 'n = -2' }))).code).toBe('QuotaExceeded');
    expect(broker.namespace.rules(path)).toHaveLength(2000);
  });
});

describe('rules changed at run time survive a restart', () => {
  it('keeps them while the config says what it said; a config change wins', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rules-'));
    const file = path.join(dir, 'services.sqlite');
    let database = new ServiceDatabase({ location: file });
    let broker = await startAmqpBroker({ database });
    await broker.client().createRuleManager('events', 'all').createRule('kept', { sqlExpression: "x = 'y'" });
    await broker.close();
    await database.close();

    database = new ServiceDatabase({ location: file });
    broker = await startAmqpBroker({ database });
    expect((await listRules(broker.client(), 'all')).map((r) => r.name)).toEqual(['$Default', 'kept']);
    await broker.close();
    await database.close();

    database = new ServiceDatabase({ location: file });
    const logged: string[] = [];
    broker = await startAmqpBroker({
      database,
      log: (_level, m) => logged.push(m),
      // The template now gives the subscription another rule: a redeployment resets what was set at run time.
      edit: (config) => {
        config.topics[0].subscriptions.find((s) => s.name === 'all')!.rules = [
          buildRule({ name: 'deployed', filter: { kind: 'sql', expression: 'n > 1' } }),
        ];
      },
    });
    expect((await listRules(broker.client(), 'all')).map((r) => r.name)).toEqual(['deployed']);
    expect(logged.join('\n')).toMatch(/configured rules on events\/Subscriptions\/all/);
    await broker.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
