// The change feed through the real @azure/cosmos SDK, as getChangeFeedIterator and the older changeFeed drive it:
// from the beginning, from now, from a continuation and from a time; the latest version of each changed document
// in the order of the changes, per partition or for the whole container.
import { ChangeFeedMode, ChangeFeedStartFrom } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, failure, signedRequest, startTestCosmos, TEST_DATABASE } from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'feed' }, { id: 'quiet' }]);
});
afterAll(() => cosmos.stop());

const feed = () => containerOf(cosmos, 'feed');

/** Reads pages until the feed answers 304 (nothing new); the ids of each page and the last continuation. */
async function drain(iterator: ReturnType<ReturnType<typeof feed>['items']['getChangeFeedIterator']>) {
  const pages: string[][] = [];
  for (;;) {
    const response = await iterator.readNext();
    if (response.statusCode === 304) return { pages, continuation: response.continuationToken };
    pages.push(response.result.map((d: { id: string }) => d.id));
  }
}

describe('the change feed', () => {
  it('from the beginning: the latest version of each document, in change order, page by page', async () => {
    await feed().items.create({ id: 'a', pk: 'p1', v: 1 });
    await feed().items.create({ id: 'b', pk: 'p2', v: 1 });
    await feed().items.create({ id: 'c', pk: 'p1', v: 1 });
    await feed().items.upsert({ id: 'a', pk: 'p1', v: 2 });
    await feed().items.create({ id: 'gone', pk: 'p1' });
    await feed().item('gone', 'p1').delete();

    const iterator = feed().items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Beginning(),
      maxItemCount: 2,
    });
    const first = await iterator.readNext();
    expect(first.statusCode).toBe(200);
    expect(first.result.map((d: { id: string }) => d.id)).toEqual(['b', 'c']);
    const second = await iterator.readNext();
    expect(second.result).toEqual([expect.objectContaining({ id: 'a', v: 2, _etag: expect.any(String) })]);
    expect((await iterator.readNext()).statusCode).toBe(304);

    await feed().items.create({ id: 'd', pk: 'p3' });
    const next = await iterator.readNext();
    expect(next.result.map((d: { id: string }) => d.id)).toEqual(['d']);
  });

  it('from now: only what changes afterwards', async () => {
    const iterator = feed().items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Now() });
    expect((await iterator.readNext()).statusCode).toBe(304);
    await feed().items.upsert({ id: 'b', pk: 'p2', v: 3 });
    await feed().items.create({ id: 'e', pk: 'p1' });
    expect((await drain(iterator)).pages.flat()).toEqual(['b', 'e']);
  });

  it('from a continuation: a new iterator picks up where another stopped', async () => {
    const first = feed().items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning() });
    const { continuation } = await drain(first);
    await feed().items.create({ id: 'f', pk: 'p2' });
    await feed().items.upsert({ id: 'c', pk: 'p1', v: 9 });
    const resumed = feed().items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Continuation(continuation),
    });
    const { pages } = await drain(resumed);
    expect(pages.flat()).toEqual(['f', 'c']);
  });

  it('for one partition key, and from a point in time', async () => {
    const p1 = feed().items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning('p1') });
    expect((await drain(p1)).pages.flat()).toEqual(['a', 'e', 'c']);
    const future = feed().items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Time(new Date(Date.now() + 3_600_000)),
    });
    expect((await future.readNext()).statusCode).toBe(304);
    const past = feed().items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Time(new Date(Date.now() - 3_600_000)),
    });
    expect((await drain(past)).pages.flat()).toHaveLength(6);
  });

  it('as the older changeFeed API reads it, per partition key', async () => {
    const legacy = feed().items.changeFeed('p2', { startFromBeginning: true });
    const page = await legacy.fetchNext();
    expect(page.result.map((d: { id: string }) => d.id)).toEqual(['b', 'f']);
    expect(legacy.hasMoreResults).toBe(true);
    const none = await legacy.fetchNext();
    expect(none.count).toBe(0);
    expect(legacy.hasMoreResults).toBe(false);
  });

  it('is empty for a container nothing was written to, and does not mix containers', async () => {
    const quiet = containerOf(cosmos, 'quiet').items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Beginning(),
    });
    expect((await quiet.readNext()).statusCode).toBe(304);
  });

  it('refuses the all-versions-and-deletes mode and hash sub-ranges with a clear 400', async () => {
    const db = cosmos.client.database(TEST_DATABASE);
    const { container } = await db.containers.create({
      id: 'hierarchical',
      partitionKey: { paths: ['/a', '/b'], kind: 'MultiHash' as never },
    });
    const prefix = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning(['x']) });
    const refused = await failure(prefix.readNext());
    expect(refused.code).toBe(400);
    expect(refused.message).toContain('does not support feeds over a part of the partition key hash range');
    const allVersions = feed().items.getChangeFeedIterator({
      changeFeedMode: ChangeFeedMode.AllVersionsAndDeletes,
      changeFeedStartFrom: ChangeFeedStartFrom.Now(),
    });
    const mode = await failure(allVersions.readNext());
    expect(mode.code).toBe(400);
    expect(mode.message).toContain('all versions and deletes');
  });
});

describe('the plain document feed (GET .../docs without A-IM)', () => {
  it('pages through every document by partition key and id', async () => {
    const ids: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await signedRequest(
        cosmos,
        {
          method: 'GET',
          path: `/dbs/${TEST_DATABASE}/colls/feed/docs`,
          resourceType: 'docs',
          resourceLink: `dbs/${TEST_DATABASE}/colls/feed`,
        },
        { 'x-ms-max-item-count': '4', ...(continuation ? { 'x-ms-continuation': continuation } : {}) },
      );
      expect(page.status).toBe(200);
      ids.push(...(JSON.parse(page.body) as { Documents: { id: string }[] }).Documents.map((d) => d.id));
      continuation = page.headers['x-ms-continuation'] as string | undefined;
    } while (continuation);
    expect(ids).toEqual(['a', 'c', 'e', 'b', 'f', 'd']);
  });
});
