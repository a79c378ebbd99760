// Transactional batch through the real @azure/cosmos SDK: every operation type in one partition, all or nothing,
// and the per-operation statuses the SDK reads (the failing one's status, 424 for the rest) when one fails.
import { BulkOperationType, type OperationInput } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, failure, startTestCosmos } from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'orders', partitionKey: '/key' }]);
  const orders = containerOf(cosmos, 'orders');
  for (const id of ['toDelete', 'toReplace', 'toPatch', 'toRead']) await orders.items.create({ id, key: 'A', v: 0 });
});
afterAll(() => cosmos.stop());

const orders = () => containerOf(cosmos, 'orders');

describe('transactional batch', () => {
  it('runs every operation type in order in one partition and answers each one’s status', async () => {
    const operations: OperationInput[] = [
      { operationType: BulkOperationType.Create, resourceBody: { id: 'created', key: 'A' } },
      { operationType: BulkOperationType.Upsert, resourceBody: { id: 'upserted', key: 'A' } },
      { operationType: BulkOperationType.Replace, id: 'toReplace', resourceBody: { id: 'toReplace', key: 'A', v: 1 } },
      { operationType: BulkOperationType.Delete, id: 'toDelete' },
      {
        operationType: BulkOperationType.Patch,
        id: 'toPatch',
        resourceBody: { operations: [{ op: 'incr', path: '/v', value: 5 }] },
      },
      { operationType: BulkOperationType.Read, id: 'toRead' },
    ];
    const response = await orders().items.batch(operations, 'A');
    expect(response.code).toBe(200);
    expect(response.result!.map((r) => r.statusCode)).toEqual([201, 201, 200, 204, 200, 200]);
    expect(response.result![0].resourceBody).toMatchObject({ id: 'created', key: 'A', _etag: expect.any(String) });
    expect(response.result![0].eTag).toBe((response.result![0].resourceBody as { _etag: string })._etag);
    expect(response.result![4].resourceBody).toMatchObject({ v: 5 });
    expect(response.result![5].resourceBody).toMatchObject({ id: 'toRead' });
    expect(response.result!.every((r) => typeof r.requestCharge === 'number')).toBe(true);

    expect((await orders().item('toDelete', 'A').read()).statusCode).toBe(404);
    expect((await orders().item('toReplace', 'A').read()).resource!.v).toBe(1);
  });

  it('rolls everything back when one operation fails: its status, 424 for the others', async () => {
    const operations: OperationInput[] = [
      { operationType: BulkOperationType.Upsert, resourceBody: { id: 'rolledBack', key: 'A' } },
      { operationType: BulkOperationType.Patch, id: 'toPatch', resourceBody: [{ op: 'incr', path: '/v', value: 1 }] },
      { operationType: BulkOperationType.Create, resourceBody: { id: 'created', key: 'A' } },
      { operationType: BulkOperationType.Delete, id: 'toRead' },
    ];
    const response = await orders().items.batch(operations, 'A');
    expect(response.code).toBe(207);
    expect(response.result!.map((r) => r.statusCode)).toEqual([424, 424, 409, 424]);
    expect((await orders().item('rolledBack', 'A').read()).statusCode).toBe(404);
    expect((await orders().item('toPatch', 'A').read()).resource!.v).toBe(5);
    expect((await orders().item('toRead', 'A').read()).statusCode).toBe(200);
  });

  it('fails on a missing document (404) and on a stale ETag (412) the same way', async () => {
    const missing = await orders().items.batch(
      [
        { operationType: BulkOperationType.Create, resourceBody: { id: 'never', key: 'A' } },
        { operationType: BulkOperationType.Delete, id: 'ghost' },
      ],
      'A',
    );
    expect(missing.result!.map((r) => r.statusCode)).toEqual([424, 404]);
    const stale = await orders().items.batch(
      [
        {
          operationType: BulkOperationType.Replace,
          id: 'toRead',
          resourceBody: { id: 'toRead', key: 'A' },
          ifMatch: '"stale"',
        },
      ],
      'A',
    );
    expect(stale.result!.map((r) => r.statusCode)).toEqual([412]);
    const condition = await orders().items.batch(
      [
        { operationType: BulkOperationType.Upsert, resourceBody: { id: 'never', key: 'A' } },
        {
          operationType: BulkOperationType.Patch,
          id: 'toRead',
          resourceBody: { condition: 'FROM c WHERE c.v > 100', operations: [{ op: 'set', path: '/v', value: 1 }] },
        },
      ],
      'A',
    );
    expect(condition.result!.map((r) => r.statusCode)).toEqual([424, 412]);
    expect((await orders().item('never', 'A').read()).statusCode).toBe(404);
  });

  it('counts requests by operation: a batch is one request, whatever it holds', async () => {
    const before = cosmos.requestCounts();
    await orders().items.batch(
      [
        { operationType: BulkOperationType.Upsert, resourceBody: { id: 'counted', key: 'A' } },
        { operationType: BulkOperationType.Read, id: 'counted' },
      ],
      'A',
    );
    await orders().item('counted', 'A').read();
    await orders()
      .item('counted', 'A')
      .patch([{ op: 'set', path: '/v', value: 2 }]);
    await orders().items.query({ query: 'SELECT * FROM c' }, { partitionKey: 'A' }).fetchAll();
    const after = cosmos.requestCounts();
    const delta = Object.fromEntries(
      Object.entries(after)
        .map(([op, n]) => [op, n - (before[op] ?? 0)])
        .filter(([, n]) => n),
    );
    // The SDK asks for a query's plan alongside its first page.
    expect(delta).toEqual({
      'POST docs (batch)': 1,
      'GET docs': 1,
      'PATCH docs': 1,
      'POST docs (query)': 1,
      'POST docs (query plan)': 1,
    });
  });

  it('refuses an operation whose partition key is not the batch’s', async () => {
    const wrongOperationKey = await failure(
      orders().items.batch(
        [{ operationType: BulkOperationType.Upsert, resourceBody: { id: 'x', key: 'B' }, partitionKey: 'B' }],
        'A',
      ),
    );
    expect(wrongOperationKey.message).toContain(
      'One or more operations within the batch request have a different partition key value than the request',
    );
    // A document of another partition in a batch for A fails that operation (400), and so the batch.
    const wrongDocument = await orders().items.batch(
      [{ operationType: BulkOperationType.Create, resourceBody: { id: 'x', key: 'B' } }],
      'A',
    );
    expect(wrongDocument.result!.map((r) => r.statusCode)).toEqual([400]);
    expect((await orders().item('x', 'B').read()).statusCode).toBe(404);
  });

  it('allows at most 100 operations (the SDK checks too) and returns minimal results when asked', async () => {
    const minimal = await orders().items.batch(
      [{ operationType: BulkOperationType.Upsert, resourceBody: { id: 'quiet', key: 'A' } }],
      'A',
      { contentResponseOnWriteEnabled: false },
    );
    expect(minimal.result![0].statusCode).toBe(201);
    expect(minimal.result![0].resourceBody).toBeUndefined();
    const tooMany = Array.from({ length: 101 }, (_, i) => ({
      operationType: BulkOperationType.Create,
      resourceBody: { id: `m${i}`, key: 'A' },
    })) as OperationInput[];
    expect((await failure(orders().items.batch(tooMany, 'A'))).message).toContain('100');
  });
});
