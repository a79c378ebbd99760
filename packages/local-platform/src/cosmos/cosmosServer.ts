import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { CosmosConfig } from './cosmosConfig';

/** The Cosmos DB emulator's published well-known key; the local server accepts any key, this one is conventional. */
export const LOCAL_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmos {
  endpoint: string;
  key: string;
  /** A client for the platform and tests (certificate checks relaxed: the server is local and self-signed). */
  client: CosmosClient;
  stop(): Promise<void>;
}

/**
 * Runs @vercel/cosmosdb-server in-process over HTTPS on a free loopback port and creates the configured
 * databases and containers (it starts empty), loading seed documents.
 */
export async function startLocalCosmos(config: CosmosConfig, configFile: string, port = 0): Promise<LocalCosmos> {
  const server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });
  const client = new CosmosClient({
    endpoint,
    key: LOCAL_COSMOS_KEY,
    agent,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const stop = async (): Promise<void> => {
    client.dispose();
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    for (const db of config.databases) {
      const { database } = await client.databases.createIfNotExists({ id: db.id });
      for (const c of db.containers) {
        const { container } = await database.containers.createIfNotExists({
          id: c.id,
          partitionKey: { paths: [c.partitionKey] },
        });
        if (c.seed) {
          const docs = JSON.parse(fs.readFileSync(path.resolve(path.dirname(configFile), c.seed), 'utf8')) as object[];
          for (const doc of docs) await container.items.upsert(doc);
        }
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, key: LOCAL_COSMOS_KEY, client, stop };
}
