// Partial document update (Patch API) through the real @azure/cosmos SDK: every operation, what each refuses, the
// limits, If-Match, all-or-nothing, and fifty concurrent increments of one document all applied.
import type { PatchOperation as SdkPatchOperation } from '@azure/cosmos';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalCosmos } from '../../src/cosmos/cosmosServer';
import { containerOf, failure, startTestCosmos } from './localCosmosFixture';

let cosmos: LocalCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos([{ id: 'bikes', partitionKey: '/categoryId' }]);
});
afterAll(() => cosmos.stop());

/** The SDK's type leaves out `move`, which the service (and the SDK, passing the body through) supports. */
type PatchOperation = SdkPatchOperation | { op: 'move'; from: string; path: string };

const bikes = () => containerOf(cosmos, 'bikes');
const bike = () => bikes().item('bike', 'road');
const patch = (operations: PatchOperation[]) => bike().patch(operations as SdkPatchOperation[]);

beforeEach(async () => {
  await bikes().items.upsert({
    id: 'bike',
    categoryId: 'road',
    name: 'R-410 Road Bicycle',
    price: 455.95,
    inventory: { quantity: 15 },
    used: false,
    tags: ['r-series'],
  });
});

describe('patch operations', () => {
  it('apply the documentation’s example: add, remove, set, incr, append and move, in order', async () => {
    const { resource, statusCode } = await patch([
      { op: 'add', path: '/color', value: 'silver' },
      { op: 'remove', path: '/used' },
      { op: 'set', path: '/price', value: 355.45 },
      { op: 'incr', path: '/inventory/quantity', value: 10 },
      { op: 'add', path: '/tags/-', value: 'featured-bikes' },
      { op: 'move', from: '/color', path: '/inventory/color' },
    ]);
    expect(statusCode).toBe(200);
    const { id, categoryId, name, price, inventory, tags, used, color } = resource!;
    expect({ id, categoryId, name, price, inventory, tags, used, color }).toEqual({
      id: 'bike',
      categoryId: 'road',
      name: 'R-410 Road Bicycle',
      price: 355.45,
      inventory: { quantity: 25, color: 'silver' },
      tags: ['r-series', 'featured-bikes'],
      used: undefined,
      color: undefined,
    });
    expect((await bike().read()).resource).toMatchObject({ price: 355.45, inventory: { color: 'silver' } });
  });

  it('add inserts into an array and set overwrites an element; replace changes only what exists', async () => {
    await patch([
      { op: 'add', path: '/tags/0', value: 'first' },
      { op: 'set', path: '/tags/1', value: 'second' },
      { op: 'replace', path: '/name', value: 'R-420' },
      { op: 'set', path: '/new', value: { nested: true } },
      { op: 'incr', path: '/sold', value: 2 },
    ]);
    expect((await bike().read()).resource).toMatchObject({
      tags: ['first', 'second'],
      name: 'R-420',
      new: { nested: true },
      sold: 2,
    });
  });

  it.each<[string, PatchOperation, RegExp]>([
    ['replace of a missing path', { op: 'replace', path: '/missing', value: 1 }, /does not exist/],
    ['remove of a missing path', { op: 'remove', path: '/missing' }, /does not exist/],
    ['add below a missing parent', { op: 'add', path: '/missing/child', value: 1 }, /'\/missing' does not exist/],
    ['add past the end of an array', { op: 'add', path: '/tags/5', value: 'x' }, /past the end/],
    ['incr of a string', { op: 'incr', path: '/name', value: 1 }, /needs a number/],
    ['a system property', { op: 'set', path: '/_etag', value: 'x' }, /system property _etag/],
    ['the partition key', { op: 'set', path: '/categoryId', value: 'mountain' }, /cannot change the partition key/],
    ['the id', { op: 'set', path: '/id', value: 'other' }, /cannot change a document's id/],
    ['a move into its own child', { op: 'move', from: '/inventory', path: '/inventory/x' }, /own children/],
  ])('refuse %s with 400, changing nothing', async (_what, op, message) => {
    const before = (await bike().read()).resource!;
    const refused = await failure(patch([{ op: 'set', path: '/touched', value: true }, op]));
    expect(refused.code).toBe(400);
    expect(refused.message).toMatch(message);
    expect((await bike().read()).resource).toEqual(before);
  });

  it('allow at most 10 operations', async () => {
    const ops: PatchOperation[] = Array.from({ length: 11 }, (_, i) => ({ op: 'set', path: `/f${i}`, value: i }));
    const refused = await failure(patch(ops));
    expect(refused.code).toBe(400);
    expect(refused.message).toContain('at most 10 operations');
    expect((await patch(ops.slice(0, 10))).statusCode).toBe(200);
  });

  it('answer 404 for a missing document and 412 for a stale If-Match', async () => {
    expect(
      (
        await failure(
          bikes()
            .item('ghost', 'road')
            .patch([{ op: 'set', path: '/a', value: 1 }]),
        )
      ).code,
    ).toBe(404);
    const { resource } = await bike().read();
    await patch([{ op: 'set', path: '/a', value: 1 }]);
    const stale = await failure(
      bike().patch([{ op: 'set', path: '/a', value: 2 }], {
        accessCondition: { type: 'IfMatch', condition: resource!._etag },
      }),
    );
    expect(stale.code).toBe(412);
    expect((await bike().read()).resource!.a).toBe(1);
  });

  it('change the ETag and keep _rid', async () => {
    const before = (await bike().read()).resource!;
    const after = (await patch([{ op: 'incr', path: '/inventory/quantity', value: -1 }])).resource!;
    expect(after._etag).not.toBe(before._etag);
    expect(after._rid).toBe(before._rid);
    expect(after.inventory.quantity).toBe(14);
  });
});

describe('conditional patches', () => {
  it('apply when the condition holds', async () => {
    const { resource, statusCode } = await bike().patch({
      condition: "FROM c WHERE c.price > 400 AND ARRAY_CONTAINS(c.tags, 'r-series')",
      operations: [{ op: 'set', path: '/onSale', value: true }],
    });
    expect(statusCode).toBe(200);
    expect(resource!.onSale).toBe(true);
  });

  it('answer 412 and change nothing when it does not', async () => {
    const before = (await bike().read()).resource!;
    const refused = await failure(
      bike().patch({
        condition: 'FROM c WHERE c.inventory.quantity > 100',
        operations: [{ op: 'remove', path: '/name' }],
      }),
    );
    expect(refused.code).toBe(412);
    expect(refused.message).toContain('does not hold');
    expect((await bike().read()).resource).toEqual(before);
  });

  it('answer 400 for a condition that is not a FROM clause or does not parse', async () => {
    const ops = [{ op: 'set' as const, path: '/a', value: 1 }];
    expect((await failure(bike().patch({ condition: 'WHERE c.price > 1', operations: ops }))).code).toBe(400);
    const syntax = await failure(bike().patch({ condition: 'FROM c WHERE c.price >', operations: ops }));
    expect(syntax.code).toBe(400);
    expect(syntax.message).toMatch(/SC100\d/);
  });

  it('guard a read-modify-write without an ETag: only the first of two racing holds applies', async () => {
    const hold = () =>
      bike().patch({
        condition: 'FROM c WHERE c.inventory.quantity >= 10',
        operations: [{ op: 'incr', path: '/inventory/quantity', value: -10 }],
      });
    const outcomes = await Promise.allSettled([hold(), hold()]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 200 : (o.reason as { code: number }).code)).sort()).toEqual([
      200, 412,
    ]);
    expect((await bike().read()).resource!.inventory.quantity).toBe(5);
  });
});

describe('concurrent patches of one document', () => {
  it('apply all 50 concurrent increments', async () => {
    await bikes().items.upsert({ id: 'counter', categoryId: 'road', n: 0 });
    const counter = bikes().item('counter', 'road');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => counter.patch([{ op: 'incr', path: '/n', value: 1 }])),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(new Set(results.map((r) => r.resource!.n)).size).toBe(50);
    expect((await counter.read()).resource!.n).toBe(50);
  });
});
