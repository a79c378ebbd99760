// Account, databases, containers and partition key ranges through the real @azure/cosmos SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, failure, signedRequest, startTestCosmos, TEST_DATABASE } from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'configured', partitionKey: '/orderId' }]);
});
afterAll(() => cosmos.stop());

describe('the database account', () => {
  it('names this endpoint as its only location and Session as its consistency', async () => {
    const { resource } = await cosmos.client.getDatabaseAccount();
    expect(resource!.consistencyPolicy).toBe('Session');
    const raw = await signedRequest(cosmos, { method: 'GET', path: '/', resourceType: '', resourceLink: '' });
    expect(raw.status).toBe(200);
    const account = JSON.parse(raw.body) as { writableLocations: { databaseAccountEndpoint: string }[] };
    expect(account.writableLocations[0].databaseAccountEndpoint).toBe(`${cosmos.endpoint}/`);
  });
});

describe('databases', () => {
  it('are created once (409 the second time), read, listed with paging and deleted (404 after)', async () => {
    const { resource, statusCode } = await cosmos.client.databases.create({ id: 'extra' });
    expect(statusCode).toBe(201);
    expect(resource).toMatchObject({ id: 'extra', _self: `dbs/${resource!._rid}/` });
    expect((await failure(cosmos.client.databases.create({ id: 'extra' }))).code).toBe(409);
    expect((await cosmos.client.database('extra').read()).resource!.id).toBe('extra');

    const pages: string[][] = [];
    for await (const page of cosmos.client.databases.readAll({ maxItemCount: 1 }).getAsyncIterator())
      pages.push(page.resources.map((d) => d.id));
    expect(pages).toEqual([[TEST_DATABASE], ['extra']]);

    expect((await cosmos.client.database('extra').delete()).statusCode).toBe(204);
    expect((await failure(cosmos.client.database('extra').read())).code).toBe(404);
    expect((await failure(cosmos.client.database('extra').delete())).code).toBe(404);
  });

  it('createIfNotExists finds the configured one', async () => {
    const { statusCode } = await cosmos.client.databases.createIfNotExists({ id: TEST_DATABASE });
    expect(statusCode).toBe(200);
  });
});

describe('containers', () => {
  it('keep the configured partition key and Cosmos defaults', async () => {
    const { resource } = await containerOf(cosmos, 'configured').read();
    expect(resource!.partitionKey).toEqual({ paths: ['/orderId'], kind: 'Hash', version: 2 });
    expect(resource!.indexingPolicy).toMatchObject({ indexingMode: 'consistent', automatic: true });
    expect(resource!._rid).toMatch(/^[A-Za-z0-9+=-]{12}$/);
  });

  it('are created (409 twice, 404 in a missing database), listed and deleted with their documents', async () => {
    const db = cosmos.client.database(TEST_DATABASE);
    const { container, statusCode } = await db.containers.create({ id: 'made', partitionKey: { paths: ['/k'] } });
    expect(statusCode).toBe(201);
    expect((await failure(db.containers.create({ id: 'made', partitionKey: { paths: ['/k'] } }))).code).toBe(409);
    const missingDb = await failure(
      cosmos.client.database('nope').containers.create({ id: 'c', partitionKey: { paths: ['/k'] } }),
    );
    expect(missingDb.code).toBe(404);
    expect(missingDb.message).toContain("Database 'nope' does not exist");

    const { resources } = await db.containers.readAll().fetchAll();
    expect(resources.map((c) => c.id)).toEqual(['configured', 'made']);

    await container.items.create({ id: 'a', k: 'x' });
    await container.delete();
    expect((await failure(container.read())).code).toBe(404);
    // Created again under the same name, it starts empty.
    const again = (await db.containers.create({ id: 'made', partitionKey: { paths: ['/k'] } })).container;
    expect((await again.item('a', 'x').read()).statusCode).toBe(404);
  });

  it('keep their documents when their settings are replaced, and refuse a new partition key', async () => {
    const db = cosmos.client.database(TEST_DATABASE);
    const { container, resource } = await db.containers.create({ id: 'replaced', partitionKey: { paths: ['/k'] } });
    await container.items.create({ id: 'kept', k: 'p', n: 1 });
    const replaced = await container.replace({ ...resource!, defaultTtl: -1 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.resource!.defaultTtl).toBe(-1);
    expect(replaced.resource!._rid).toBe(resource!._rid);
    expect((await container.item('kept', 'p').read()).resource).toMatchObject({ id: 'kept', n: 1 });

    const moved = await failure(container.replace({ id: 'replaced', partitionKey: { paths: ['/other'] } }));
    expect(moved.code).toBe(400);
    expect(moved.message).toContain('cannot be changed');
  });

  it('refuse partition key definitions Cosmos DB refuses', async () => {
    const db = cosmos.client.database(TEST_DATABASE);
    const tooMany = await failure(
      db.containers.create({ id: 'h4', partitionKey: { paths: ['/a', '/b', '/c', '/d'], kind: 'MultiHash' as never } }),
    );
    expect(tooMany.code).toBe(400);
    const hashWithTwo = await failure(
      db.containers.create({ id: 'h2', partitionKey: { paths: ['/a', '/b'], kind: 'Hash' as never } }),
    );
    expect(hashWithTwo.code).toBe(400);
  });

  it('have one partition key range covering every key', async () => {
    const raw = await signedRequest(cosmos, {
      method: 'GET',
      path: `/dbs/${TEST_DATABASE}/colls/configured/pkranges`,
      resourceType: 'pkranges',
      resourceLink: `dbs/${TEST_DATABASE}/colls/configured`,
    });
    expect(raw.status).toBe(200);
    const ranges = (JSON.parse(raw.body) as { PartitionKeyRanges: { id: string; minInclusive: string }[] })
      .PartitionKeyRanges;
    expect(ranges).toEqual([expect.objectContaining({ id: '0', minInclusive: '', maxExclusive: 'FF' })]);
    const feedRanges = await containerOf(cosmos, 'configured').getFeedRanges();
    expect(feedRanges).toHaveLength(1);
  });

  it('answer 404 with Cosmos error body for a container that does not exist', async () => {
    const raw = await signedRequest(cosmos, {
      method: 'GET',
      path: `/dbs/${TEST_DATABASE}/colls/ghost`,
      resourceType: 'colls',
      resourceLink: `dbs/${TEST_DATABASE}/colls/ghost`,
    });
    expect(raw.status).toBe(404);
    expect(raw.headers['x-ms-substatus']).toBe('1003');
    expect(JSON.parse(raw.body)).toMatchObject({ code: 'NotFound', message: expect.stringContaining("'ghost'") });
  });
});

describe('over plain HTTP', () => {
  it('serves the same protocol to a client without an agent of its own (the SDK refuses one over http)', async () => {
    const plain = await startTestCosmos([{ id: 'plain' }], { protocol: 'http' });
    try {
      expect(plain.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const container = plain.client.database(TEST_DATABASE).container('plain');
      await container.items.create({ id: 'a', pk: 'x', n: 1 });
      expect((await container.item('a', 'x').read()).resource).toMatchObject({ n: 1 });
    } finally {
      await plain.stop();
    }
  });
});
