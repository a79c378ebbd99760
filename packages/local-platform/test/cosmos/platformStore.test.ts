// The platform starts the local Cosmos DB on LOCAL_COSMOS_STORE: documents outlive a restart on a file store, and
// nothing is written to disk when the durable store is in memory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/platform';
import { tempDir } from './localCosmosFixture';

const appRoot = path.join(__dirname, '../fixtures/durable-app');
const dir = tempDir('cosmos-platform-');
const config = path.join(dir, 'cosmos.json');
fs.writeFileSync(
  config,
  JSON.stringify({ databases: [{ id: 'shop', containers: [{ id: 'carts', partitionKey: '/user' }] }] }),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const start = (store: string, cosmosStore?: string) =>
  startPlatform({
    appRoot,
    port: 0,
    store,
    settings: { LOCAL_COSMOS_CONFIG: config, ...(cosmosStore ? { LOCAL_COSMOS_STORE: cosmosStore } : {}) },
    log: () => undefined,
  });

describe('the platform’s Cosmos DB store', () => {
  it('keeps documents across a restart on a file store', async () => {
    const cosmosStore = path.join(dir, 'cosmos.sqlite');
    let platform = await start(path.join(dir, 'durable.sqlite'), cosmosStore);
    try {
      expect(platform.clouds.cosmos!.store).toBe(cosmosStore);
      const carts = platform.clouds.cosmos!.client.database('shop').container('carts');
      await carts.items.create({ id: 'cart-1', user: 'ada', items: 3 });
    } finally {
      await platform.stop();
    }
    platform = await start(path.join(dir, 'durable.sqlite'), cosmosStore);
    try {
      const carts = platform.clouds.cosmos!.client.database('shop').container('carts');
      expect((await carts.item('cart-1', 'ada').read()).resource).toMatchObject({ items: 3 });
    } finally {
      await platform.stop();
    }
  });

  it('stays in memory when the durable store is in memory, whatever LOCAL_COSMOS_STORE says', async () => {
    const unused = path.join(dir, 'unused.sqlite');
    const platform = await start('memory', unused);
    try {
      expect(platform.clouds.cosmos!.store).toBe('memory');
      expect(fs.existsSync(unused)).toBe(false);
    } finally {
      await platform.stop();
    }
  });
});
