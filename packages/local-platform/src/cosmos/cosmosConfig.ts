import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CosmosContainerConfig {
  id: string;
  partitionKey: string;
  /** Documents to load on start (JSON array file, relative to the config file). */
  seed?: string;
  /** Cosmos DB's time to live: -1 lets items set their own `ttl`; seconds expire them by default. Kept, not enforced. */
  defaultTtl?: number;
}

export interface CosmosConfig {
  databases: { id: string; containers: CosmosContainerConfig[] }[];
}

export class CosmosConfigError extends Error {
  constructor(file: string, problem: string) {
    super(`Cosmos DB config ${file}: ${problem}`);
    this.name = 'CosmosConfigError';
  }
}

/** Reads the databases and containers to create, checking what the server would otherwise reject later. */
export function loadCosmosConfig(file: string): CosmosConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CosmosConfigError(file, `cannot be read as JSON (${(e as Error).message}).`);
  }
  const databases = (raw as { databases?: unknown }).databases;
  if (!Array.isArray(databases)) throw new CosmosConfigError(file, 'needs a "databases" array.');
  databases.forEach((db: { id?: unknown; containers?: unknown }, i) => {
    if (typeof db.id !== 'string' || !db.id) throw new CosmosConfigError(file, `databases[${i}].id must be a name.`);
    if (!Array.isArray(db.containers))
      throw new CosmosConfigError(file, `databases[${i}].containers must be an array.`);
    db.containers.forEach((c: { id?: unknown; partitionKey?: unknown; seed?: unknown; defaultTtl?: unknown }, j) => {
      const where = `databases[${i}].containers[${j}]`;
      if (typeof c.id !== 'string' || !c.id) throw new CosmosConfigError(file, `${where}.id must be a name.`);
      if (typeof c.partitionKey !== 'string' || !c.partitionKey.startsWith('/'))
        throw new CosmosConfigError(file, `${where}.partitionKey must be a path such as "/orderId".`);
      if (
        c.defaultTtl !== undefined &&
        !(c.defaultTtl === -1 || (Number.isSafeInteger(c.defaultTtl) && (c.defaultTtl as number) > 0))
      )
        throw new CosmosConfigError(
          file,
          `${where}.defaultTtl must be -1 (items set their own ttl) or a number of seconds above 0, not ${JSON.stringify(c.defaultTtl)}.`,
        );
      if (c.seed !== undefined && typeof c.seed !== 'string')
        throw new CosmosConfigError(file, `${where}.seed must be a file path.`);
      if (typeof c.seed === 'string' && !fs.existsSync(path.resolve(path.dirname(file), c.seed)))
        throw new CosmosConfigError(file, `${where}.seed names ${c.seed}, which does not exist.`);
    });
  });
  return raw as CosmosConfig;
}
