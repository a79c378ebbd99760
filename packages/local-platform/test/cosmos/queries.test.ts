// Queries through the real @azure/cosmos SDK, single-partition and cross-partition, paged over several pages: the
// endpoint computes ORDER BY, TOP, OFFSET LIMIT, aggregates, DISTINCT and GROUP BY over its one partition key range
// and the SDK's default execution passes the finished pages through. Expected results are computed here in plain JS.
import type { FeedOptions, QueryIterator, SqlQuerySpec } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, failure, signedRequest, startTestCosmos, TEST_DATABASE } from './localCosmosFixture';

interface Person {
  id: string;
  city: string;
  age: number;
  score: number;
  tags: string[];
}

const CITIES = ['Lyon', 'Oslo', 'Rome'];
const PEOPLE: Person[] = Array.from({ length: 45 }, (_, i) => ({
  id: `p${String(i).padStart(2, '0')}`,
  city: CITIES[i % 3],
  age: (i * 7) % 50,
  score: i % 5,
  tags: i % 2 ? ['odd'] : ['even'],
}));

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'people', partitionKey: '/city' }]);
  await containerOf(cosmos, 'people').items.executeBulkOperations(
    PEOPLE.map((p) => ({ operationType: 'Create' as const, partitionKey: p.city, resourceBody: { ...p } })),
  );
  const { container } = await cosmos.client.database(TEST_DATABASE).containers.create({
    id: 'nested',
    partitionKey: { paths: ['/tenant', '/region'], kind: 'MultiHash' as never },
  });
  for (const [tenant, region] of [
    ['t1', 'eu'],
    ['t1', 'us'],
    ['t2', 'eu'],
  ])
    await container.items.create({ id: `${tenant}-${region}`, tenant, region });
});
afterAll(() => cosmos.stop());

const people = () => containerOf(cosmos, 'people');
const byAge = (a: Person, b: Person) => a.age - b.age || a.id.localeCompare(b.id);

/** Every page of a query, fetched one by one as an app pages through it. */
async function pages<T>(iterator: QueryIterator<T>): Promise<T[][]> {
  const all: T[][] = [];
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    if (resources.length) all.push(resources);
  }
  return all;
}

const query = <T>(spec: string | SqlQuerySpec, options: FeedOptions = {}) =>
  people().items.query<T>(spec, { maxItemCount: 4, ...options });

describe.each([
  ['cross-partition', undefined, PEOPLE],
  ['single-partition', 'Oslo', PEOPLE.filter((p) => p.city === 'Oslo')],
])('%s queries, 4 results a page', (_kind, partitionKey, data) => {
  const options: FeedOptions = partitionKey ? { partitionKey } : {};

  it('SELECT * with a parameterized filter', async () => {
    const result = await pages(
      query<Person>(
        { query: 'SELECT * FROM c WHERE c.age >= @min', parameters: [{ name: '@min', value: 20 }] },
        options,
      ),
    );
    const expected = data.filter((p) => p.age >= 20);
    expect(result.length).toBe(Math.ceil(expected.length / 4));
    expect(result.flat().map((p) => p.id)).toEqual(expected.map((p) => p.id));
  });

  it('ORDER BY, descending and on two keys', async () => {
    const desc = (await pages(query<number>('SELECT VALUE c.age FROM c ORDER BY c.age DESC', options))).flat();
    expect(desc).toEqual(data.map((p) => p.age).sort((a, b) => b - a));
    const twoKeys = (await pages(query<Person>('SELECT * FROM c ORDER BY c.score ASC, c.id DESC', options))).flat();
    expect(twoKeys.map((p) => p.id)).toEqual(
      [...data].sort((a, b) => a.score - b.score || b.id.localeCompare(a.id)).map((p) => p.id),
    );
  });

  it('TOP and OFFSET LIMIT over the ordered result', async () => {
    const top = (await pages(query<Person>('SELECT TOP 6 * FROM c ORDER BY c.age', options))).flat();
    expect(top.map((p) => p.id)).toEqual(
      [...data]
        .sort(byAge)
        .slice(0, 6)
        .map((p) => p.id),
    );
    const window = (
      await pages(query<string>('SELECT VALUE c.id FROM c ORDER BY c.age OFFSET 3 LIMIT 7', options))
    ).flat();
    expect(window).toEqual(
      [...data]
        .sort(byAge)
        .slice(3, 10)
        .map((p) => p.id),
    );
  });

  it('VALUE COUNT, SUM and AVG over every document in scope', async () => {
    const [count] = (await query<number>('SELECT VALUE COUNT(1) FROM c', options).fetchAll()).resources;
    expect(count).toBe(data.length);
    const [sum] = (await query<number>('SELECT VALUE SUM(c.age) FROM c', options).fetchAll()).resources;
    expect(sum).toBe(data.reduce((n, p) => n + p.age, 0));
    const [avg] = (await query<number>('SELECT VALUE AVG(c.score) FROM c WHERE c.score > 0', options).fetchAll())
      .resources;
    const positive = data.filter((p) => p.score > 0);
    expect(avg).toBeCloseTo(positive.reduce((n, p) => n + p.score, 0) / positive.length);
  });

  it('DISTINCT and GROUP BY', async () => {
    const distinct = (
      await pages(query<number>('SELECT DISTINCT VALUE c.score FROM c ORDER BY c.score', options))
    ).flat();
    expect(distinct).toEqual([...new Set(data.map((p) => p.score))].sort());
    const groups = (
      await query<{ score: number; n: number }>(
        'SELECT c.score, COUNT(1) AS n FROM c GROUP BY c.score',
        options,
      ).fetchAll()
    ).resources;
    const expected = new Map<number, number>();
    for (const p of data) expected.set(p.score, (expected.get(p.score) ?? 0) + 1);
    expect(new Map(groups.map((g) => [g.score, g.n]))).toEqual(expected);
  });
});

describe('query scoping', () => {
  it('reads only the partition named by the request or pinned by the WHERE clause', async () => {
    const metrics = async (spec: string, options: FeedOptions = {}) => {
      const response = await people()
        .items.query(spec, { ...options, populateQueryMetrics: true })
        .fetchNext();
      // Typed as a string by the SDK; it holds the parsed metrics per partition key range.
      const byRange = response.queryMetrics as unknown as Record<string, { retrievedDocumentCount: number }>;
      return byRange['0'].retrievedDocumentCount;
    };
    expect(await metrics('SELECT * FROM c', { partitionKey: 'Rome' })).toBe(15);
    expect(await metrics("SELECT * FROM c WHERE c.city = 'Rome'")).toBe(15);
    expect(await metrics("SELECT * FROM c WHERE c.city IN ('Rome', 'Lyon') AND c.age > 10")).toBeLessThanOrEqual(30);
    expect(await metrics("SELECT * FROM c WHERE c.id = 'p07'")).toBe(1);
    expect(await metrics('SELECT * FROM c WHERE c.score = 3')).toBe(9);
    expect(await metrics('SELECT * FROM c')).toBe(45);
  });

  it('returns unsorted results in creation order, as Cosmos DB does', async () => {
    const { resources } = await query<string>('SELECT VALUE c.id FROM c', { partitionKey: 'Lyon' }).fetchAll();
    expect(resources).toEqual(PEOPLE.filter((p) => p.city === 'Lyon').map((p) => p.id));
  });

  it('takes a prefix of a hierarchical partition key, or the full key', async () => {
    const nested = containerOf(cosmos, 'nested');
    const prefix = await nested.items.query<string>('SELECT VALUE c.id FROM c', { partitionKey: ['t1'] }).fetchAll();
    expect(prefix.resources.sort()).toEqual(['t1-eu', 't1-us']);
    const full = await nested.items
      .query<string>('SELECT VALUE c.id FROM c', { partitionKey: ['t1', 'us'] })
      .fetchAll();
    expect(full.resources).toEqual(['t1-us']);
  });

  it('queries databases and containers by id', async () => {
    const dbs = await cosmos.client.databases
      .query({ query: 'SELECT * FROM root r WHERE r.id = @id', parameters: [{ name: '@id', value: TEST_DATABASE }] })
      .fetchAll();
    expect(dbs.resources.map((d) => d.id)).toEqual([TEST_DATABASE]);
    const containers = await cosmos.client
      .database(TEST_DATABASE)
      .containers.query({ query: 'SELECT VALUE c.id FROM c' })
      .fetchAll();
    expect(containers.resources).toEqual(['people', 'nested']);
  });
});

describe('query errors and the query plan', () => {
  it('answers a query Cosmos DB refuses with 400 and its errors array', async () => {
    const refused = await failure(people().items.query('SELECT * FROM c WHERE').fetchAll());
    expect(refused.code).toBe(400);
    expect(refused.message).toMatch(/"code":"SC100\d"/);
  });

  it('answers the query plan with the engine’s queryInfo and the one range', async () => {
    const plan = await signedRequest(
      cosmos,
      {
        method: 'POST',
        path: `/dbs/${TEST_DATABASE}/colls/people/docs`,
        resourceType: 'docs',
        resourceLink: `dbs/${TEST_DATABASE}/colls/people`,
      },
      {
        'x-ms-cosmos-is-query-plan-request': 'True',
        'x-ms-cosmos-query-version': '1.4',
        'content-type': 'application/query+json',
      },
      JSON.stringify({ query: 'SELECT DISTINCT TOP 5 VALUE c.age FROM c ORDER BY c.age DESC' }),
    );
    expect(plan.status).toBe(200);
    expect(JSON.parse(plan.body)).toMatchObject({
      partitionedQueryExecutionInfoVersion: 2,
      queryInfo: {
        distinctType: 'Ordered',
        top: 5,
        orderBy: ['Descending'],
        orderByExpressions: ['c.age'],
        aggregates: [],
        hasSelectValue: true,
      },
      queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
    });
  });

  it('serves the SDK’s plan-driven pipeline only where it has nothing to compute again', async () => {
    // forceQueryPlan makes the SDK run its own pipeline on top: fine when it has nothing to add,
    const plain = await people()
      .items.query('SELECT TOP 2 VALUE c.id FROM c WHERE c.score = 1', { forceQueryPlan: true })
      .fetchAll();
    expect(plain.resources).toHaveLength(2);
    // refused with a clear message when it would apply ORDER BY, aggregates or OFFSET a second time.
    const ordered = await failure(
      people().items.query('SELECT * FROM c ORDER BY c.age', { forceQueryPlan: true }).fetchAll(),
    );
    expect(ordered.code).toBe(400);
    expect(ordered.message).toContain('client-side query pipeline for ORDER BY');
  });
});
