// The configured databases, containers and seed documents on a file store: created when missing, never reset, so
// a restart keeps what the app changed (stock an order took stays taken).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCosmosConfig } from '../../src/cosmos/cosmosConfig';
import { containerOf, startTestCosmos, tempDir } from './localCosmosFixture';

const dir = tempDir('cosmos-seed-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('seeding from the config file', () => {
  it('creates seed documents only when absent, across restarts', async () => {
    const configFile = path.join(dir, 'cosmos.json');
    const seedFile = path.join(dir, 'stock.json');
    const store = path.join(dir, 'cosmos.sqlite');
    fs.writeFileSync(seedFile, JSON.stringify([{ id: 'tea', sku: 'tea', available: 5 }]));
    const containers = [{ id: 'stock', partitionKey: '/sku', seed: 'stock.json' }];

    let cosmos = await startTestCosmos(containers, { store }, configFile);
    const first = await containerOf(cosmos, 'stock').item('tea', 'tea').read();
    expect(first.resource).toMatchObject({ available: 5 });
    await containerOf(cosmos, 'stock').items.upsert({ id: 'tea', sku: 'tea', available: 2 });
    await cosmos.stop();

    fs.writeFileSync(
      seedFile,
      JSON.stringify([
        { id: 'tea', sku: 'tea', available: 5 },
        { id: 'mug', sku: 'mug', available: 9 },
      ]),
    );
    cosmos = await startTestCosmos(containers, { store }, configFile);
    try {
      expect((await containerOf(cosmos, 'stock').item('tea', 'tea').read()).resource).toMatchObject({ available: 2 });
      expect((await containerOf(cosmos, 'stock').item('mug', 'mug').read()).resource).toMatchObject({ available: 9 });
      expect(cosmos.store).toBe(store);
    } finally {
      await cosmos.stop();
    }
  });

  it('refuses to start when the store has the container under another partition key', async () => {
    const configFile = path.join(dir, 'moved.json');
    const store = path.join(dir, 'moved.sqlite');
    const cosmos = await startTestCosmos([{ id: 'orders', partitionKey: '/orderId' }], { store }, configFile);
    await cosmos.stop();
    await expect(
      startTestCosmos([{ id: 'orders', partitionKey: '/customerId' }], { store }, configFile),
    ).rejects.toThrow(/partitioned by \/orderId in the store, not \/customerId/);
  });

  it('names the seed item Cosmos DB would refuse', async () => {
    const configFile = path.join(dir, 'bad.json');
    fs.writeFileSync(path.join(dir, 'bad-seed.json'), JSON.stringify([{ sku: 'no-id' }]));
    await expect(
      startTestCosmos([{ id: 'bad', partitionKey: '/sku', seed: 'bad-seed.json' }], {}, configFile),
    ).rejects.toThrow(/bad-seed\.json: item 0: .*'id/);
  });

  it('creates a container with the configured defaultTtl, and refuses one Cosmos DB would', async () => {
    const cosmos = await startTestCosmos(
      [{ id: 'expiring', partitionKey: '/sku', defaultTtl: -1 }],
      {},
      path.join(dir, 'ttl.json'),
    );
    try {
      expect((await containerOf(cosmos, 'expiring').read()).resource?.defaultTtl).toBe(-1);
    } finally {
      await cosmos.stop();
    }
    const configFile = path.join(dir, 'ttl0.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ databases: [{ id: 'db', containers: [{ id: 'never', partitionKey: '/sku', defaultTtl: 0 }] }] }),
    );
    expect(() => loadCosmosConfig(configFile)).toThrow(/containers\[0\]\.defaultTtl must be -1 .* not 0/);
  });
});
