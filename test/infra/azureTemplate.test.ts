// The Azure template (infra/azure/azuredeploy.json): deployable ARM, every reference resolving, secrets only in Key
// Vault, private networking that leaves no data service public, and app settings that match what the code reads.
// The local platform creates its Service Bus entities and Cosmos DB containers from the same file, so every saga and
// bridge suite runs on what the template deploys.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ArmDeployment, loadArmTemplate } from '@cross-cloud-sagas/local-platform';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/orderApp';

const templateFile = path.join(repoRoot, 'infra/azure/azuredeploy.json');
const parametersFile = path.join(repoRoot, 'infra/azure/azuredeploy.parameters.json');
const raw = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, { type: string; defaultValue?: unknown }>;
  resources: Record<string, unknown>[];
};
const apiVersions = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, 'infra/azure/apiVersions.json'), 'utf8')) as {
    types: Record<string, { apiVersions: string[] }>;
  }
).types;
const secure = Object.entries(raw.parameters)
  .filter(([, p]) => p.type.toLowerCase() === 'securestring')
  .map(([name]) => name);
const secretValues = Object.fromEntries(secure.map((name) => [name, `<secret ${name}>`]));

/** The deployment evaluated with given parameters, every expression of every resource, collecting what they name. */
function deploy(parameters: Record<string, unknown>) {
  const ids: string[] = [];
  const references: string[] = [];
  const t = loadArmTemplate(templateFile, {
    parametersFile,
    parameters: { ...secretValues, ...parameters },
    observe: { resourceId: (id) => ids.push(id), reference: (id) => references.push(id) },
  });
  const evaluated = t.resources.map((r) => ({
    resource: r,
    value: r.evaluate({ ...r.definition, copy: undefined, name: undefined }, 'definition') as Record<string, unknown>,
  }));
  return { t, evaluated, ids, references };
}

const byType = (t: ArmDeployment, type: string) => t.resources.filter((r) => r.deployed && r.type === type);
const subnetIds = (t: ArmDeployment) =>
  t.resources
    .filter((r) => r.type === 'Microsoft.Network/virtualNetworks')
    .flatMap((vnet) =>
      (vnet.evaluate(vnet.definition.properties, 'properties') as { subnets: { name: string }[] }).subnets.map(
        (s) => `${vnet.id}/subnets/${s.name}`,
      ),
    );

describe('the Azure template', () => {
  it('has the structure of a deployment template and only type/apiVersion pairs from Azure’s reference', () => {
    expect(raw.$schema).toMatch(/deploymentTemplate\.json#$/);
    expect(raw.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const r of raw.resources) {
      expect([typeof r.type, typeof r.name, typeof r.apiVersion], JSON.stringify(r).slice(0, 80)).toEqual([
        'string',
        'string',
        'string',
      ]);
      expect(apiVersions[r.type as string]?.apiVersions ?? [], `${String(r.type)}@${String(r.apiVersion)}`).toContain(
        r.apiVersion,
      );
    }
  });

  for (const privateNetworking of [true, false])
    it(`resolves every dependsOn, resourceId, reference and scope to a resource it declares (privateNetworking ${privateNetworking})`, () => {
      const { t, evaluated, ids, references } = deploy({
        privateNetworking,
        hubVirtualNetworkId: '/subscriptions/1/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub',
      });
      const declared = new Set([...t.resources.map((r) => r.id), ...subnetIds(t)]);
      const builtIn =
        /\/providers\/Microsoft\.(Authorization\/roleDefinitions|DocumentDB\/databaseAccounts\/[^/]+\/sqlRoleDefinitions)\//;
      for (const id of ids) if (!builtIn.test(id)) expect(declared, `resourceId ${id}`).toContain(id);
      for (const id of references) expect(declared, `reference ${id}`).toContain(id);
      for (const { resource, value } of evaluated) {
        for (const dep of (value.dependsOn ?? []) as string[])
          expect(declared, `${resource.where} dependsOn`).toContain(dep);
        if (typeof value.scope === 'string') {
          const scopeId = resource.id.split('/providers/Microsoft.Authorization/')[0];
          expect(declared, `${resource.where} scope`).toContain(scopeId);
        }
      }
    });

  it('gives no secret a default value and puts secrets nowhere but Key Vault secrets', () => {
    expect(secure.sort()).toEqual(
      [
        'awsAccessKeyId',
        'awsSecretAccessKey',
        'bridgeApiKey',
        'emailServiceKey',
        'paymentGatewayApiKey',
        'paymentWebhookSecret',
      ].sort(),
    );
    for (const name of secure) expect(raw.parameters[name], name).not.toHaveProperty('defaultValue');
    const params = JSON.parse(fs.readFileSync(parametersFile, 'utf8')) as { parameters: Record<string, unknown> };
    for (const name of secure) expect(params.parameters, `parameters file gives ${name}`).not.toHaveProperty(name);
    for (const r of raw.resources) {
      const text = JSON.stringify(r);
      const used = secure.filter((name) => text.includes(`parameters('${name}')`));
      if (used.length) {
        expect(r.type, used.join(', ')).toBe('Microsoft.KeyVault/vaults/secrets');
        expect(JSON.stringify(r.properties)).toMatch(/^\{"value":"\[parameters\('\w+'\)\]"\}$/);
      }
    }
  });

  it('with private networking on, leaves no data service reachable from the internet', () => {
    const { t, evaluated } = deploy({ privateNetworking: true });
    const endpoints = evaluated
      .filter(({ resource }) => resource.deployed && resource.type === 'Microsoft.Network/privateEndpoints')
      .flatMap(({ value }) =>
        (
          value.properties as {
            privateLinkServiceConnections: { properties: { privateLinkServiceId: string; groupIds: string[] } }[];
          }
        ).privateLinkServiceConnections.map(
          (c) => `${c.properties.privateLinkServiceId}#${c.properties.groupIds.join(',')}`,
        ),
      );
    const services: [string, string[]][] = [
      ['Microsoft.Storage/storageAccounts', ['blob', 'queue', 'table']],
      ['Microsoft.ServiceBus/namespaces', ['namespace']],
      ['Microsoft.DocumentDB/databaseAccounts', ['Sql']],
      ['Microsoft.KeyVault/vaults', ['vault']],
    ];
    for (const [type, groups] of services) {
      const [service] = byType(t, type);
      const value = evaluated.find((e) => e.resource === service)!.value as {
        properties: { publicNetworkAccess: string };
      };
      expect(value.properties.publicNetworkAccess, type).toBe('Disabled');
      for (const g of groups) expect(endpoints, `${type} private endpoint for ${g}`).toContain(`${service.id}#${g}`);
    }
    const sb = evaluated.find((e) => e.resource.type === 'Microsoft.ServiceBus/namespaces')!.value as {
      sku: { name: string };
    };
    expect(sb.sku.name).toBe('Premium');
    const app = evaluated.find((e) => e.resource.type === 'Microsoft.Web/sites')!.value as {
      properties: { virtualNetworkSubnetId: string; httpsOnly: boolean };
    };
    expect(app.properties.virtualNetworkSubnetId).toMatch(/\/subnets\/functions$/);
    expect(app.properties.httpsOnly).toBe(true);
    expect(byType(t, 'Microsoft.Network/privateDnsZones')).toHaveLength(6);
  });

  it('with private networking off, deploys no network resources and a Standard namespace', () => {
    const { t, evaluated } = deploy({ privateNetworking: false });
    expect(t.resources.filter((r) => r.deployed && r.type.startsWith('Microsoft.Network/'))).toEqual([]);
    const sb = evaluated.find((e) => e.resource.type === 'Microsoft.ServiceBus/namespaces')!.value as {
      sku: { name: string };
    };
    expect(sb.sku.name).toBe('Standard');
  });
});

/** Every app setting the Azure side's code reads, by name, from the source (the Lambda handlers are AWS's). */
function settingsTheCodeReads(): Set<string> {
  const folders = ['activities', 'adapters', 'bridge', 'orchestrations', 'saga', 'triggers', 'ops'];
  const names = new Set<string>();
  const patterns = [
    /(?:requiredSetting|optionalSetting|intSettingOr)\(\s*'([A-Za-z_][A-Za-z0-9_]*)'/g,
    /process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g,
    /process\.env\[\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*\]/g,
    /connection:\s*'([A-Za-z_][A-Za-z0-9_]*)'/g,
    /^\s*'(AWS_ENDPOINT_URL_[A-Z]+)',?$/gm,
  ];
  for (const folder of folders) {
    const dir = path.join(repoRoot, folder);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const p of patterns) for (const m of text.matchAll(p)) names.add(m[1]);
    }
  }
  for (const m of fs.readFileSync(path.join(repoRoot, 'host.json'), 'utf8').matchAll(/%([A-Za-z_][A-Za-z0-9_]*)%/g))
    names.add(m[1]);
  return names;
}

/** Read by the code but deliberately not deployed to Azure, each with the reason. */
const LOCAL_OR_AWS_ONLY: Record<string, string> = {
  AWS_ENDPOINT_URL_SFN: 'points the AWS SDK at a local endpoint; real AWS needs none',
  AWS_ENDPOINT_URL_EVENTBRIDGE: 'points the AWS SDK at a local endpoint; real AWS needs none',
  AWS_LAMBDA_FUNCTION_NAME: 'set by the Lambda runtime: tells shared code it runs on AWS',
  COSMOS_KEY:
    'the Function App uses its identity (Cosmos DB Built-in Data Contributor); keys are for local runs and AWS',
  ServiceBusConnection: 'the identity-based form ServiceBusConnection__fullyQualifiedNamespace is deployed instead',
};

/** Deployed but read by the Functions host, the AWS SDK or Application Insights rather than by our code. */
const READ_BY_THE_PLATFORM = [
  /^AzureWebJobsStorage__/,
  /^APPLICATIONINSIGHTS_/,
  /^AWS_ACCESS_KEY_ID$/,
  /^AWS_SECRET_ACCESS_KEY$/,
];

describe('app settings', () => {
  const site = raw.resources.find((r) => r.type === 'Microsoft.Web/sites') as {
    properties: { siteConfig: { appSettings: { name: string; value: string }[] } };
  };
  const deployed = site.properties.siteConfig.appSettings;
  const deployedNames = new Set(deployed.map((s) => s.name));
  const read = settingsTheCodeReads();

  it('provides every setting the code reads, as a value, a Key Vault reference or an identity-based connection', () => {
    const missing = [...read].filter(
      (name) =>
        !deployedNames.has(name) &&
        !deployedNames.has(`${name}__fullyQualifiedNamespace`) &&
        !(name in LOCAL_OR_AWS_ONLY),
    );
    expect(missing, 'add them to the Function App appSettings in infra/azure/azuredeploy.json').toEqual([]);
    expect(read.size).toBeGreaterThan(20);
  });

  it('deploys no setting that nothing reads', () => {
    const orphans = [...deployedNames].filter(
      (name) =>
        !read.has(name) &&
        !read.has(name.replace(/__fullyQualifiedNamespace$/, '')) &&
        !READ_BY_THE_PLATFORM.some((p) => p.test(name)),
    );
    expect(orphans).toEqual([]);
  });

  it('takes every secret from a Key Vault secret the template creates', () => {
    const secrets = raw.resources
      .filter((r) => r.type === 'Microsoft.KeyVault/vaults/secrets')
      .map((r) => /variables\('secretNames'\)\.(\w+)/.exec(r.name as string)![1]);
    const references = deployed.filter((s) => s.value.includes('@Microsoft.KeyVault'));
    expect(references.map((s) => s.name).sort()).toEqual(
      [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'BRIDGE_API_KEY',
        'EMAIL_SERVICE_KEY',
        'PAYMENT_GATEWAY_API_KEY',
        'PAYMENT_WEBHOOK_SECRET',
      ].sort(),
    );
    for (const s of references) expect(secrets).toContain(/variables\('secretNames'\)\.(\w+)/.exec(s.value)![1]);
  });
});
