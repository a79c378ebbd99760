import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerSettings } from './containers/containerSettings';
import { CosmosConfigError, type CosmosConfig } from './cosmosConfig';
import { checkDocumentId, writeVersion } from './documents/documentOperations';
import { documentPartitionKey } from './documents/partitionKey';
import type { ContainerRecord, CosmosStore } from './storage/cosmosStore';

/**
 * Creates the configured databases and containers that the store does not have yet and adds each seed document
 * that is absent. Nothing existing is touched: a restart on a file store keeps what the app changed (stock that
 * orders took stays taken), and a container whose partition key differs from the config is reported, not reset.
 */
export async function applyCosmosConfig(
  store: CosmosStore,
  config: CosmosConfig,
  configFile: string,
  now: () => number,
): Promise<void> {
  for (const db of config.databases) {
    if (!store.getDatabase(db.id)) await store.createDatabase(db.id);
    for (const c of db.containers) {
      let container = store.getContainer(db.id, c.id);
      if (!container) {
        container = await store.createContainer(
          db.id,
          containerSettings({
            id: c.id,
            partitionKey: { paths: [c.partitionKey], kind: 'Hash', version: 2 },
            ...(c.defaultTtl !== undefined ? { defaultTtl: c.defaultTtl } : {}),
          }),
        );
      } else if (JSON.stringify(container.partitionKey.paths) !== JSON.stringify([c.partitionKey])) {
        throw new CosmosConfigError(
          configFile,
          `container '${db.id}/${c.id}' is partitioned by ${container.partitionKey.paths.join(', ')} in the store, not ${c.partitionKey}; a partition key cannot change: delete the store file (LOCAL_COSMOS_STORE) or fix the config.`,
        );
      }
      if (c.seed) await seed(store, container, path.resolve(path.dirname(configFile), c.seed), configFile, now);
    }
  }
}

async function seed(
  store: CosmosStore,
  container: ContainerRecord,
  file: string,
  configFile: string,
  now: () => number,
): Promise<void> {
  let docs: unknown;
  try {
    docs = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CosmosConfigError(configFile, `seed file ${file} cannot be read as JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(docs)) throw new CosmosConfigError(configFile, `seed file ${file} must hold a JSON array.`);
  const inputs = docs.map((doc: Record<string, unknown>, i) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
      throw new CosmosConfigError(configFile, `seed file ${file}: item ${i} is not a JSON object.`);
    try {
      return { pk: documentPartitionKey(doc, container.partitionKey), id: checkDocumentId(doc.id), doc };
    } catch (e) {
      throw new CosmosConfigError(configFile, `seed file ${file}: item ${i}: ${(e as Error).message}`);
    }
  });
  await store.writeDocuments(container, (tx) => {
    for (const input of inputs) {
      if (!tx.get(input.pk, input.id)) writeVersion({ tx, container, nowMs: now() }, input);
    }
  });
}
