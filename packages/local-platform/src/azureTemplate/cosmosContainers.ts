import * as path from 'node:path';
import type { CosmosConfig } from '../cosmos/cosmosConfig';
import type { ArmDeployment, ArmResource } from './armTemplate';
import { ArmTemplateError } from './errors';

const ACCOUNT = 'Microsoft.DocumentDB/databaseAccounts';

function resourceBody(r: ArmResource): Record<string, unknown> {
  const props = r.evaluate(r.definition.properties ?? {}, 'properties') as { resource?: Record<string, unknown> };
  return props.resource ?? {};
}

/**
 * The Cosmos DB databases and containers the template deploys. Seed documents are not a deployment's business:
 * they come from the local config (`seeds`), whose containers must each be one the template declares with the same
 * partition key, so the local file cannot drift from the deployment.
 */
export function cosmosConfigFromTemplate(
  deployment: ArmDeployment,
  seeds?: { config: CosmosConfig; file: string },
): CosmosConfig {
  const deployed = deployment.resources.filter((r) => r.deployed);
  const databases = deployed
    .filter((r) => r.type === `${ACCOUNT}/sqlDatabases`)
    .map((db) => ({
      id: String(resourceBody(db).id ?? db.name.split('/').at(-1)),
      name: db.name,
      containers: deployed
        .filter((c) => c.type === `${ACCOUNT}/sqlDatabases/containers` && c.name.startsWith(`${db.name}/`))
        .map((c) => {
          const body = resourceBody(c);
          const paths = (body.partitionKey as { paths?: unknown } | undefined)?.paths;
          if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string')
            throw new ArmTemplateError(
              deployment.source,
              `${c.where}.properties.resource.partitionKey.paths`,
              `the local Cosmos DB takes one partition key path per container (such as ["/orderId"]); found ${JSON.stringify(paths)}.`,
            );
          return {
            id: String(body.id ?? c.name.split('/').at(-1)),
            partitionKey: paths[0] as string,
            ...(typeof body.defaultTtl === 'number' ? { defaultTtl: body.defaultTtl } : {}),
          } as { id: string; partitionKey: string; defaultTtl?: number; seed?: string };
        }),
    }));
  for (const db of seeds?.config.databases ?? [])
    for (const c of db.containers) {
      const target = databases.find((d) => d.id === db.id)?.containers.find((x) => x.id === c.id);
      if (!target)
        throw new ArmTemplateError(
          seeds!.file,
          `database ${db.id}, container ${c.id}`,
          `is not declared by the Azure template ${deployment.source}; declare it there (Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers) so the deployment has it too.`,
        );
      if (c.partitionKey && c.partitionKey !== target.partitionKey)
        throw new ArmTemplateError(
          seeds!.file,
          `database ${db.id}, container ${c.id}`,
          `has partition key ${c.partitionKey} but the Azure template gives ${target.partitionKey}; make them equal.`,
        );
      if (c.seed) target.seed = path.resolve(path.dirname(seeds!.file), c.seed);
    }
  return { databases: databases.map(({ id, containers }) => ({ id, containers })) };
}
