// The SDK's bulk API (executeBulkOperations, and the older bulk): operations across partitions, each on its own,
// sent through the single partition key range; a failing one affects no other. (executeBulkOperations wants each
// operation's partition key; the older bulk extracts it from the document.)
import { BulkOperationType, type OperationInput } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, startTestCosmos } from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'stock', partitionKey: '/sku' }]);
});
afterAll(() => cosmos.stop());

const stock = () => containerOf(cosmos, 'stock');

describe('bulk', () => {
  it('applies 250 creates across partitions (the SDK splits them into requests of 100)', async () => {
    const operations: OperationInput[] = Array.from({ length: 250 }, (_, i) => ({
      operationType: BulkOperationType.Create,
      partitionKey: `sku-${i % 7}`,
      resourceBody: { id: `item-${i}`, sku: `sku-${i % 7}`, n: i },
    }));
    const results = await stock().items.executeBulkOperations(operations);
    expect(results).toHaveLength(250);
    expect(results.every((r) => r.response?.statusCode === 201 && !r.error)).toBe(true);
    expect((await stock().item('item-249', 'sku-4').read()).resource!.n).toBe(249);
  });

  it('reports a failing operation on its own and applies the others', async () => {
    const operations: OperationInput[] = [
      {
        operationType: BulkOperationType.Upsert,
        partitionKey: 'sku-0',
        resourceBody: { id: 'item-0', sku: 'sku-0', n: -1 },
      },
      { operationType: BulkOperationType.Create, partitionKey: 'sku-1', resourceBody: { id: 'item-1', sku: 'sku-1' } },
      { operationType: BulkOperationType.Read, id: 'item-2', partitionKey: 'sku-2' },
      { operationType: BulkOperationType.Delete, id: 'missing', partitionKey: 'sku-3' },
      {
        operationType: BulkOperationType.Patch,
        id: 'item-3',
        partitionKey: 'sku-3',
        resourceBody: { operations: [{ op: 'incr', path: '/n', value: 100 }] },
      },
      {
        operationType: BulkOperationType.Replace,
        id: 'item-4',
        partitionKey: 'sku-4',
        resourceBody: { id: 'item-4', sku: 'sku-4', n: 4 },
      },
      // A document of another partition than its operation says: refused (400) on its own.
      { operationType: BulkOperationType.Create, partitionKey: 'sku-5', resourceBody: { id: 'odd', sku: 'sku-6' } },
    ];
    const results = await stock().items.executeBulkOperations(operations);
    const statuses = results.map((r) => r.response?.statusCode ?? r.error?.code);
    expect(statuses).toEqual([200, 409, 200, 404, 200, 200, 400]);
    expect(results[2].response!.resourceBody).toMatchObject({ id: 'item-2', n: 2 });
    expect((await stock().item('item-0', 'sku-0').read()).resource!.n).toBe(-1);
    expect((await stock().item('item-3', 'sku-3').read()).resource!.n).toBe(103);
  });

  it('works through the older bulk API too', async () => {
    const responses = await stock().items.bulk([
      { operationType: BulkOperationType.Upsert, resourceBody: { id: 'old', sku: 'sku-x' } },
      { operationType: BulkOperationType.Read, id: 'old', partitionKey: 'sku-x' },
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([201, 200]);
  });
});
