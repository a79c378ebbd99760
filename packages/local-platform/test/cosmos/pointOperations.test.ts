// Create, read, replace, upsert and delete through the real @azure/cosmos SDK, with the errors Cosmos DB answers:
// 401 for a wrong key, 403 for a stale signature, 409, 404, 412 on a stale ETag, 413 past 2 MB, 400 when the
// partition key header and the document disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import {
  clientWithKey,
  containerOf,
  failure,
  signedRequest,
  startTestCosmos,
  TEST_DATABASE,
} from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'items' }]);
  await cosmos.client.database(TEST_DATABASE).containers.create({
    id: 'nested',
    partitionKey: { paths: ['/tenant/id', '/region'], kind: 'MultiHash' as never },
  });
});
afterAll(() => cosmos.stop());

const items = () => containerOf(cosmos, 'items');

describe('point operations', () => {
  it('create stamps the system properties and read returns the document as stored', async () => {
    const created = await items().items.create({ id: 'a', pk: 'p1', n: 1, nested: { deep: [1, 2] } });
    expect(created.statusCode).toBe(201);
    const doc = created.resource!;
    expect(doc).toMatchObject({ id: 'a', pk: 'p1', n: 1, _attachments: 'attachments/' });
    expect(doc._rid).toMatch(/^[A-Za-z0-9+=-]{24}$/);
    expect(doc._self).toMatch(new RegExp(`^dbs/[^/]+/colls/[^/]+/docs/${doc._rid.replace(/\+/g, '\\+')}/$`));
    expect(doc._etag).toMatch(/^"[0-9a-f-]+"$/);
    expect(Math.abs(doc._ts - Date.now() / 1000)).toBeLessThan(5);
    expect(created.etag).toBe(doc._etag);
    expect(Number(created.requestCharge)).toBeGreaterThan(0);
    expect(created.headers['x-ms-session-token']).toMatch(/^0:-1#\d+$/);
    expect(created.activityId).toMatch(/^[0-9a-f-]{36}$/);

    const read = await items().item('a', 'p1').read();
    expect(read.statusCode).toBe(200);
    expect(read.resource).toEqual(doc);
  });

  it('answers 409 for the same id in the same partition, and allows it in another partition', async () => {
    await items().items.create({ id: 'dup', pk: 'p1' });
    const conflict = await failure(items().items.create({ id: 'dup', pk: 'p1' }));
    expect(conflict.code).toBe(409);
    expect(conflict.message).toContain("document 'dup'");
    expect((await items().items.create({ id: 'dup', pk: 'p2' })).statusCode).toBe(201);
  });

  it('reads a missing document as 404 (resource undefined) and refuses to replace or delete it', async () => {
    const missing = await items().item('ghost', 'p1').read();
    expect(missing.statusCode).toBe(404);
    expect(missing.resource).toBeUndefined();
    expect((await failure(items().item('ghost', 'p1').replace({ id: 'ghost', pk: 'p1' }))).code).toBe(404);
    const deleted = await failure(items().item('ghost', 'p1').delete());
    expect(deleted.code).toBe(404);
    expect(deleted.body).toMatchObject({ code: 'NotFound' });
  });

  it('replaces with If-Match and answers 412 to a stale ETag, keeping _rid', async () => {
    const { resource: v1 } = await items().items.create({ id: 'r', pk: 'p1', n: 1 });
    const v2 = await items()
      .item('r', 'p1')
      .replace({ id: 'r', pk: 'p1', n: 2 }, { accessCondition: { type: 'IfMatch', condition: v1!._etag } });
    expect(v2.statusCode).toBe(200);
    expect(v2.resource!._etag).not.toBe(v1!._etag);
    expect(v2.resource!._rid).toBe(v1!._rid);
    const stale = await failure(
      items()
        .item('r', 'p1')
        .replace({ id: 'r', pk: 'p1', n: 3 }, { accessCondition: { type: 'IfMatch', condition: v1!._etag } }),
    );
    expect(stale.code).toBe(412);
    expect(stale.message).toContain('precondition');
    expect((await items().item('r', 'p1').read()).resource!.n).toBe(2);
    const staleDelete = await failure(
      items()
        .item('r', 'p1')
        .delete({ accessCondition: { type: 'IfMatch', condition: v1!._etag } }),
    );
    expect(staleDelete.code).toBe(412);
  });

  it('answers 304 to a read whose If-None-Match is the current ETag', async () => {
    const { resource } = await items().items.create({ id: 'cached', pk: 'p1' });
    const notModified = await items()
      .item('cached', 'p1')
      .read({ accessCondition: { type: 'IfNoneMatch', condition: resource!._etag } });
    expect(notModified.statusCode).toBe(304);
    const changed = await items()
      .item('cached', 'p1')
      .read({ accessCondition: { type: 'IfNoneMatch', condition: '"something-older"' } });
    expect(changed.statusCode).toBe(200);
  });

  it('upserts: 201 when new, 200 when replacing; If-Match applies to the replace', async () => {
    const first = await items().items.upsert({ id: 'u', pk: 'p1', n: 1 });
    expect(first.statusCode).toBe(201);
    const second = await items().items.upsert({ id: 'u', pk: 'p1', n: 2 });
    expect(second.statusCode).toBe(200);
    const stale = await failure(
      items().items.upsert(
        { id: 'u', pk: 'p1', n: 3 },
        { accessCondition: { type: 'IfMatch', condition: first.resource!._etag } },
      ),
    );
    expect(stale.code).toBe(412);
    expect((await items().item('u', 'p1').read()).resource!.n).toBe(2);
  });

  it('deletes, after which the document is gone', async () => {
    await items().items.create({ id: 'd', pk: 'p1' });
    expect((await items().item('d', 'p1').delete()).statusCode).toBe(204);
    expect((await items().item('d', 'p1').read()).statusCode).toBe(404);
  });

  it('stores documents without the partition key property under the "none" key', async () => {
    await items().items.create({ id: 'nopk' });
    expect((await items().item('nopk').read()).resource).toMatchObject({ id: 'nopk' });
    expect((await items().item('nopk', 'p1').read()).statusCode).toBe(404);
  });

  it('works with hierarchical (MultiHash) partition keys on nested paths', async () => {
    const nested = containerOf(cosmos, 'nested');
    await nested.items.create({ id: 'h', tenant: { id: 't1' }, region: 'eu' });
    expect((await nested.item('h', ['t1', 'eu']).read()).resource).toMatchObject({ tenant: { id: 't1' } });
    expect((await nested.item('h', ['t1', 'us']).read()).statusCode).toBe(404);
  });
});

describe('what Cosmos DB refuses', () => {
  it('a document over 2 MB: 413 naming the limit', async () => {
    const big = { id: 'big', pk: 'p1', blob: 'x'.repeat(2 * 1024 * 1024) };
    const tooLarge = await failure(items().items.create(big));
    expect(tooLarge.code).toBe(413);
    expect(tooLarge.message).toContain('2,097,152 bytes (2 MB)');
    // Just under the limit with its system properties fits.
    const fits = { id: 'fits', pk: 'p1', blob: 'x'.repeat(2 * 1024 * 1024 - 400) };
    expect((await items().items.create(fits)).statusCode).toBe(201);
  });

  it('a partition key header that is not the document’s: 400', async () => {
    const response = await signedRequest(
      cosmos,
      {
        method: 'POST',
        path: `/dbs/${TEST_DATABASE}/colls/items/docs`,
        resourceType: 'docs',
        resourceLink: `dbs/${TEST_DATABASE}/colls/items`,
      },
      { 'x-ms-documentdb-partitionkey': '["p2"]', 'content-type': 'application/json' },
      JSON.stringify({ id: 'wrong', pk: 'p1' }),
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).message).toContain("PartitionKey extracted from document doesn't match");
    const replace = await failure(items().item('a', 'p2').replace({ id: 'a', pk: 'p1' }));
    expect(replace.code).toBe(400);
  });

  it('a wrong key: 401 with the service message and the signed payload, never the key', async () => {
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const refused = await failure(clientWithKey(cosmos, wrongKey).database(TEST_DATABASE).read());
    expect(refused.code).toBe(401);
    expect(refused.message).toContain("The input authorization token can't serve the request");
    expect(refused.message).toContain(`get\\ndbs\\ndbs/${TEST_DATABASE}\\n`);
    expect(refused.message).not.toContain(wrongKey);
    expect(refused.message).not.toContain(cosmos.key);
  });

  it('a signature over another resource: 401', async () => {
    const response = await signedRequest(cosmos, {
      method: 'GET',
      path: `/dbs/${TEST_DATABASE}`,
      resourceType: 'dbs',
      resourceLink: 'dbs/other',
    });
    expect(response.status).toBe(401);
  });

  it('a correctly signed request dated 16 minutes ago (or 10 ahead): 403, as the service answers', async () => {
    const at = (offsetMs: number) =>
      signedRequest(cosmos, {
        method: 'GET',
        path: `/dbs/${TEST_DATABASE}`,
        resourceType: 'dbs',
        resourceLink: `dbs/${TEST_DATABASE}`,
        date: new Date(Date.now() + offsetMs),
      });
    const stale = await at(-16 * 60_000);
    expect(stale.status).toBe(403);
    expect(JSON.parse(stale.body).message).toContain('The authorization token is not valid at the current time');
    expect((await at(10 * 60_000)).status).toBe(403);
    expect((await at(-14 * 60_000)).status).toBe(200);
  });

  it('ids Cosmos DB refuses, and a body that is not a JSON object', async () => {
    const long = await failure(items().items.create({ id: 'x'.repeat(256), pk: 'p1' }));
    expect(long.code).toBe(400);
    // The SDK refuses these itself; other clients reach the service, which refuses them too.
    const post = (body: string) =>
      signedRequest(
        cosmos,
        {
          method: 'POST',
          path: `/dbs/${TEST_DATABASE}/colls/items/docs`,
          resourceType: 'docs',
          resourceLink: `dbs/${TEST_DATABASE}/colls/items`,
        },
        { 'x-ms-documentdb-partitionkey': '["p1"]' },
        body,
      );
    expect((await post(JSON.stringify({ id: 'a/b', pk: 'p1' }))).status).toBe(400);
    expect((await post('[1,2]')).status).toBe(400);
    expect((await post('{"id": "x", "pk": ')).status).toBe(400);
  });
});
