// Time to live on the local Cosmos DB, through the real @azure/cosmos SDK, on a clock the test moves: a container's
// defaultTtl and an item's own ttl as Cosmos DB combines them, expired items gone from reads, queries, the change
// feed and the file, a new write restarting an item's time, a container's changed defaultTtl applied to what it
// holds, and a ttl Cosmos DB refuses.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { SqliteCosmosStore } from '../../src/cosmos/storage/sqliteCosmosStore';
import { writeVersion } from '../../src/cosmos/documents/documentOperations';
import { containerOf, startTestCosmos } from './localCosmosFixture';

let nowMs = Date.parse('2026-12-01T00:00:00Z');
const advance = (seconds: number): void => {
  nowMs += seconds * 1000;
};

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos(
    [{ id: 'itemsChoose', defaultTtl: -1 }, { id: 'tenSeconds', defaultTtl: 10 }, { id: 'ttlOff' }],
    { now: () => nowMs },
  );
});
afterAll(async () => {
  await cosmos?.stop();
});

const ids = async (container: string): Promise<string[]> =>
  (await containerOf(cosmos, container).items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources
    .map((r) => r.id)
    .sort();

const readStatus = async (container: string, id: string): Promise<number> => {
  try {
    return (await containerOf(cosmos, container).item(id, 'p').read()).statusCode;
  } catch (e) {
    return (e as { code: number }).code;
  }
};

describe('time to live', () => {
  it('defaultTtl -1: only items with their own ttl expire, and are gone from reads and queries once it runs out', async () => {
    const items = containerOf(cosmos, 'itemsChoose').items;
    await items.create({ id: 'forever', pk: 'p' });
    await items.create({ id: 'five', pk: 'p', ttl: 5 });
    await items.create({ id: 'never', pk: 'p', ttl: -1 });
    advance(4);
    expect(await ids('itemsChoose')).toEqual(['five', 'forever', 'never']);
    advance(1);
    expect(await readStatus('itemsChoose', 'five')).toBe(404);
    expect(await ids('itemsChoose')).toEqual(['forever', 'never']);
    // Logically gone: its id can be used again at once.
    expect((await items.create({ id: 'five', pk: 'p' })).statusCode).toBe(201);
  });

  it('defaultTtl n: items expire n seconds after their last write unless they say otherwise; a write restarts the time', async () => {
    const items = containerOf(cosmos, 'tenSeconds').items;
    await items.create({ id: 'default', pk: 'p' });
    await items.create({ id: 'rewritten', pk: 'p' });
    await items.create({ id: 'longer', pk: 'p', ttl: 60 });
    await items.create({ id: 'kept', pk: 'p', ttl: -1 });
    advance(8);
    await items.upsert({ id: 'rewritten', pk: 'p', v: 2 });
    advance(2);
    expect(await ids('tenSeconds')).toEqual(['kept', 'longer', 'rewritten']);
    advance(8);
    expect(await ids('tenSeconds')).toEqual(['kept', 'longer']);
    advance(60);
    expect(await ids('tenSeconds')).toEqual(['kept']);
  });

  it('an expired item leaves the change feed too', async () => {
    const container = containerOf(cosmos, 'tenSeconds');
    await container.items.create({ id: 'fed', pk: 'p', ttl: 3 });
    const feed = async (): Promise<string[]> => {
      const iterator = container.items.getChangeFeedIterator({
        changeFeedStartFrom: (await import('@azure/cosmos')).ChangeFeedStartFrom.Beginning(),
      });
      const seen: string[] = [];
      for (;;) {
        const page = await iterator.readNext();
        seen.push(...page.result.map((r: { id: string }) => r.id));
        if (page.statusCode === 304 || page.result.length === 0) return seen;
      }
    };
    expect(await feed()).toContain('fed');
    advance(3);
    expect(await feed()).not.toContain('fed');
  });

  it('without defaultTtl an item ttl is plain data; turning TTL on applies to the items the container holds', async () => {
    const container = containerOf(cosmos, 'ttlOff');
    await container.items.create({ id: 'old', pk: 'p', ttl: 5 });
    await container.items.create({ id: 'plain', pk: 'p' });
    advance(6);
    expect(await ids('ttlOff')).toEqual(['old', 'plain']);
    const { resource } = await container.read();
    await container.replace({ ...resource!, defaultTtl: -1 });
    // `old` was written 6 s ago with ttl 5: once TTL is on, its time has run out.
    expect(await ids('ttlOff')).toEqual(['plain']);
    await container.replace({ ...resource!, defaultTtl: 3 });
    expect(await ids('ttlOff')).toEqual([]);
  });

  it('refuses a ttl Cosmos DB would (0, null, a fraction) with 400 naming the values it takes', async () => {
    const items = containerOf(cosmos, 'itemsChoose').items;
    for (const ttl of [0, null, 1.5, -2] as unknown[]) {
      await expect(
        items.create({ id: `bad-${String(ttl)}`, pk: 'p', ttl } as Record<string, unknown>),
      ).rejects.toMatchObject({
        code: 400,
        message: expect.stringMatching(/ttl.*-1 \(never expires\) or a whole number of seconds/),
      });
    }
  });
});

describe('expired documents leave the file', () => {
  it('are deleted by the writes that follow, so a container of short-lived documents does not grow', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosmos-ttl-'));
    const file = path.join(dir, 'cosmos.sqlite');
    let clock = Date.parse('2026-12-01T00:00:00Z');
    const store = new SqliteCosmosStore({ location: file }, () => clock);
    try {
      await store.createDatabase('db');
      const container = await store.createContainer('db', {
        id: 'c',
        partitionKey: { paths: ['/pk'], kind: 'Hash' },
        defaultTtl: 2,
      });
      for (let round = 0; round < 5; round++) {
        await store.writeDocuments(container, (tx) => {
          for (let i = 0; i < 100; i++)
            writeVersion(
              { tx, container, nowMs: clock },
              { pk: '["p"]', id: `r${round}-${i}`, doc: { id: `r${round}-${i}`, pk: 'p' } },
            );
        });
        clock += 3000;
      }
      await store.writeDocuments(container, () => undefined);
      const rows = new Database(file, { readonly: true });
      try {
        const { n } = rows.prepare('SELECT count(*) AS n FROM cosmos_documents').get() as { n: number };
        // Each round expired before the next one's write swept it: only the last round's 100 may remain.
        expect(n).toBeLessThanOrEqual(100);
      } finally {
        rows.close();
      }
      expect(store.scanDocuments(container, {})).toEqual([]);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
