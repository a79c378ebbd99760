// The ARM template evaluator: the expressions, loops and nested resources an Azure template uses, evaluated as ARM
// does, and the local Service Bus entities and Cosmos DB containers taken from it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArmTemplateError,
  cosmosConfigFromTemplate,
  loadArmTemplate,
  parseServiceBusConfig,
  serviceBusConfigFromTemplate,
} from '../../src';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (json: unknown, name = `t${n++}.json`) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
};
const template = (resources: unknown[], extra: Record<string, unknown> = {}) =>
  write({ $schema: 'x', contentVersion: '1.0.0.0', resources, ...extra });

const sb = (type: string, name: string, properties: unknown = {}) => ({
  type: `Microsoft.ServiceBus/namespaces${type}`,
  apiVersion: '2022-10-01-preview',
  name,
  properties,
});

describe('expressions', () => {
  const evaluate = (value: unknown, extra: Record<string, unknown> = {}) =>
    loadArmTemplate(template([], extra)).evaluate(value, 'test');

  it('evaluates parameters (defaults, the parameters file, overrides), variables and the string functions', () => {
    const file = template([], {
      parameters: {
        prefix: { type: 'string', defaultValue: "[toLower('SAGAS')]" },
        region: { type: 'string' },
        size: { type: 'int', defaultValue: 2 },
      },
      variables: { name: "[format('{0}-{1}-{{x}}', parameters('prefix'), parameters('region'))]", list: [1, 2, 3] },
    });
    const params = write({ parameters: { region: { value: 'westeurope' } } });
    const t = loadArmTemplate(file, { parametersFile: params, parameters: { size: 5 } });
    expect(t.evaluate("[variables('name')]", 'x')).toBe('sagas-westeurope-{x}');
    expect(t.evaluate("[concat(parameters('prefix'), '-', string(parameters('size')))]", 'x')).toBe('sagas-5');
    expect(t.evaluate("[take(variables('list'), 2)]", 'x')).toEqual([1, 2]);
    expect(t.evaluate("[length(variables('name'))]", 'x')).toBe(20);
    expect(t.evaluate('[[literal]', 'x')).toBe('[literal]');
    expect(t.evaluate("[if(equals(parameters('size'), 5), 'five', parameters('missing'))]", 'x')).toBe('five');
    expect(t.evaluate("[and(not(empty(parameters('region'))), or(false(), true()))]", 'x')).toBe(true);
  });

  it('builds resource ids as ARM does, with the subscription and resource group of the deployment', () => {
    const group = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local';
    expect(evaluate("[resourceId('Microsoft.Web/sites', 'app')]")).toBe(`${group}/providers/Microsoft.Web/sites/app`);
    expect(evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'pe')]")).toBe(
      `${group}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`,
    );
    expect(evaluate("[resourceId('other-rg', 'Microsoft.Web/sites', 'app')]")).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/other-rg/providers/Microsoft.Web/sites/app',
    );
    expect(evaluate("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')]")).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/abc',
    );
    expect(() => evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]")).toThrow(
      /needs 2 name segment/,
    );
  });

  it('gives the same uniqueString and guid for the same inputs, and different ones otherwise', () => {
    const a = evaluate("[uniqueString(resourceGroup().id, 'x')]") as string;
    expect(a).toMatch(/^[a-z2-7]{13}$/);
    expect(evaluate("[uniqueString(resourceGroup().id, 'x')]")).toBe(a);
    expect(evaluate("[uniqueString(resourceGroup().id, 'y')]")).not.toBe(a);
    expect(evaluate("[guid('a', 'b')]")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps reference() symbolic (only a deployment knows it) and reports it to an observer', () => {
    const seen: string[] = [];
    const t = loadArmTemplate(template([]), { observe: { resourceId: () => {}, reference: (id) => seen.push(id) } });
    expect(String(t.evaluate("[reference(resourceId('Microsoft.Web/sites', 'app')).defaultHostName]", 'x'))).toBe(
      '<reference(/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Web/sites/app).defaultHostName>',
    );
    expect(seen).toHaveLength(1);
  });

  it('names what it cannot evaluate and where: an unknown function, a missing parameter, bad syntax', () => {
    const t = loadArmTemplate(template([], { parameters: { p: { type: 'string' } } }));
    expect(() => t.evaluate('[environment().suffixes.storage]', 'outputs.x')).toThrow(
      /outputs\.x: the template function environment\(\) is not evaluated by the local platform\. Supported: if, parameters/,
    );
    expect(() => t.evaluate("[parameters('p')]", 'y')).toThrow(/parameter p has no value and no default/);
    expect(() => t.evaluate("[concat('a', ]", 'z')).toThrow(ArmTemplateError);
    expect(() => loadArmTemplate(template([]), { parameters: { nope: 1 } })).toThrow(/declares no such parameter/);
  });
});

describe('resources', () => {
  it('expands copy loops and nested resources, with conditions', () => {
    const t = loadArmTemplate(
      template(
        [
          {
            type: 'Microsoft.Network/privateDnsZones',
            apiVersion: '2020-06-01',
            name: "[variables('zones')[copyIndex()]]",
            condition: "[parameters('private')]",
            copy: { name: 'zones', count: "[length(variables('zones'))]" },
          },
          {
            type: 'Microsoft.ServiceBus/namespaces',
            apiVersion: '2022-10-01-preview',
            name: 'ns',
            resources: [{ type: 'topics', apiVersion: '2022-10-01-preview', name: 'orders' }],
          },
        ],
        { parameters: { private: { type: 'bool', defaultValue: false } }, variables: { zones: ['a.net', 'b.net'] } },
      ),
    );
    expect(t.resources.map((r) => [r.type, r.name, r.deployed])).toEqual([
      ['Microsoft.Network/privateDnsZones', 'a.net', false],
      ['Microsoft.Network/privateDnsZones', 'b.net', false],
      ['Microsoft.ServiceBus/namespaces', 'ns', true],
      ['Microsoft.ServiceBus/namespaces/topics', 'ns/orders', true],
    ]);
    expect(t.resources[3].id).toMatch(/providers\/Microsoft\.ServiceBus\/namespaces\/ns\/topics\/orders$/);
  });
});

describe('the local Service Bus from a template', () => {
  it('takes queues, topics, subscriptions and SQL and correlation rules with their settings', () => {
    const file = template(
      [
        sb('', 'ns'),
        sb('/queues', "[format('{0}/{1}', 'ns', parameters('queue'))]", {
          maxDeliveryCount: 3,
          lockDuration: 'PT30S',
          requiresDuplicateDetection: true,
          duplicateDetectionHistoryTimeWindow: 'PT5M',
          maxSizeInMegabytes: 1024,
        }),
        sb('/topics', 'ns/orders', { defaultMessageTimeToLive: 'P1D' }),
        sb('/topics/subscriptions', 'ns/orders/audit', { maxDeliveryCount: 7 }),
        sb('/topics/subscriptions/rules', 'ns/orders/audit/placed', {
          filterType: 'SqlFilter',
          sqlFilter: { sqlExpression: "type = 'OrderPlaced'" },
        }),
        sb('/topics/subscriptions/rules', 'ns/orders/audit/by-label', {
          filterType: 'CorrelationFilter',
          correlationFilter: { label: 'urgent', properties: { region: 'eu' } },
        }),
        sb('/topics/authorizationRules', 'ns/orders/send', { rights: ['Send'] }),
      ],
      { parameters: { queue: { type: 'string', defaultValue: 'invalid' } } },
    );
    const t = loadArmTemplate(file);
    const config = parseServiceBusConfig(serviceBusConfigFromTemplate(t), t.source);
    expect(config.queues).toMatchObject([
      { name: 'invalid', maxDeliveryCount: 3, lockDurationMs: 30_000, duplicateDetectionWindowMs: 300_000 },
    ]);
    expect(config.topics).toHaveLength(1);
    expect(config.topics[0]).toMatchObject({ name: 'orders', defaultMessageTimeToLiveMs: 86_400_000 });
    expect(config.topics[0].subscriptions[0]).toMatchObject({ name: 'audit', maxDeliveryCount: 7 });
    expect(config.topics[0].subscriptions[0].rules.map((r) => [r.name, r.description])).toEqual([
      ['placed', "type = 'OrderPlaced'"],
      ['by-label', 'correlation {"Label":"urgent","Properties":{"region":"eu"}}'],
    ]);
  });

  it('refuses a template with no or several namespaces, and a filter type ARM does not have', () => {
    expect(() => serviceBusConfigFromTemplate(loadArmTemplate(template([sb('', 'a'), sb('', 'b')])))).toThrow(
      /exactly one Microsoft\.ServiceBus\/namespaces .* found 2/,
    );
    const bad = loadArmTemplate(
      template([
        sb('', 'ns'),
        sb('/topics', 'ns/t'),
        sb('/topics/subscriptions', 'ns/t/s'),
        sb('/topics/subscriptions/rules', 'ns/t/s/r', { filterType: 'Regex' }),
      ]),
    );
    expect(() => serviceBusConfigFromTemplate(bad)).toThrow(/filterType: must be "SqlFilter" or "CorrelationFilter"/);
  });
});

describe('the local Cosmos DB from a template', () => {
  const cosmos = (type: string, name: string, resource: unknown) => ({
    type: `Microsoft.DocumentDB/databaseAccounts${type}`,
    apiVersion: '2024-05-15',
    name,
    properties: { resource },
  });
  const file = template([
    cosmos('', 'acct', undefined),
    cosmos('/sqlDatabases', 'acct/orders', { id: 'orders' }),
    cosmos('/sqlDatabases/containers', 'acct/orders/stock', { id: 'stock', partitionKey: { paths: ['/sku'] } }),
    cosmos('/sqlDatabases/containers', 'acct/orders/orders', { id: 'orders', partitionKey: { paths: ['/orderId'] } }),
  ]);

  it('takes the databases and containers, with seeds from the local config for containers the template declares', () => {
    const seedsFile = path.join(dir, 'cosmos.json');
    const config = cosmosConfigFromTemplate(loadArmTemplate(file), {
      file: seedsFile,
      config: {
        databases: [{ id: 'orders', containers: [{ id: 'stock', partitionKey: '/sku', seed: 'stock.json' }] }],
      },
    });
    expect(config).toEqual({
      databases: [
        {
          id: 'orders',
          containers: [
            { id: 'stock', partitionKey: '/sku', seed: path.join(dir, 'stock.json') },
            { id: 'orders', partitionKey: '/orderId' },
          ],
        },
      ],
    });
  });

  it('refuses a local container the template does not declare, or one with another partition key (drift)', () => {
    const seeds = (c: { id: string; partitionKey: string }) => ({
      file: path.join(dir, 'cosmos.json'),
      config: { databases: [{ id: 'orders', containers: [c] }] },
    });
    expect(() => cosmosConfigFromTemplate(loadArmTemplate(file), seeds({ id: 'audit', partitionKey: '/id' }))).toThrow(
      /container audit: is not declared by the Azure template/,
    );
    expect(() => cosmosConfigFromTemplate(loadArmTemplate(file), seeds({ id: 'stock', partitionKey: '/id' }))).toThrow(
      /has partition key \/id but the Azure template gives \/sku/,
    );
  });
});
