// The Cosmos DB inventory adapter against the platform's Cosmos DB endpoint through the real SDK: idempotent
// reserve, release and finalize, and the races between them, judged by the SKU's counters and reservations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { CosmosInventory } from '../../adapters/cosmos/inventory/cosmosInventory';
import { inventory, startOrderApp } from '../fixtures/orderApp';

let t: TestPlatform;
const store = new CosmosInventory();
beforeAll(async () => {
  t = await startOrderApp();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const counters = async (sku: string) => {
  const item = (await inventory(t).get(sku))!;
  return { available: item.available, reserved: item.reserved, sold: item.sold };
};

describe('the Cosmos DB inventory', () => {
  it('reserves once per key: a repeat holds nothing more', async () => {
    await inventory(t).set({ 'SKU-INV-1': 10 });
    const lines = [{ sku: 'SKU-INV-1', qty: 3 }];
    expect(await store.reserve('k1', lines)).toEqual({ ok: true, data: { key: 'k1', lines } });
    expect(await store.reserve('k1', lines)).toEqual({ ok: true, data: { key: 'k1', lines } });
    expect(await counters('SKU-INV-1')).toEqual({ available: 7, reserved: 3, sold: 0 });
    expect(await store.finalize('k1', lines)).toEqual({ sold: lines });
    expect(await store.finalize('k1', lines)).toEqual({ sold: [] });
    expect(await store.release('k1', lines)).toEqual({ released: [] });
    expect(await counters('SKU-INV-1')).toEqual({ available: 7, reserved: 0, sold: 3 });
  });

  it('holds all lines or none: a refused line gives back the ones before it', async () => {
    await inventory(t).set({ 'SKU-INV-2A': 5, 'SKU-INV-2B': 1 });
    const refused = await store.reserve('k2', [
      { sku: 'SKU-INV-2A', qty: 2 },
      { sku: 'SKU-INV-2B', qty: 2 },
    ]);
    expect(refused).toMatchObject({ ok: false, code: 'OutOfStock', reason: expect.stringContaining('SKU-INV-2B') });
    const unknown = await store.reserve('k2u', [
      { sku: 'SKU-INV-2A', qty: 1 },
      { sku: 'SKU-INV-NONE', qty: 1 },
    ]);
    expect(unknown).toMatchObject({ ok: false, code: 'UnknownSku' });
    expect(await counters('SKU-INV-2A')).toEqual({ available: 5, reserved: 0, sold: 0 });
    expect(await counters('SKU-INV-2B')).toEqual({ available: 1, reserved: 0, sold: 0 });
  });

  it('of a release and a finalize racing, exactly one moves the stock', async () => {
    const sku = 'SKU-INV-3';
    await inventory(t).set({ [sku]: 100 });
    const keys = Array.from({ length: 20 }, (_, i) => `k3-${i}`);
    for (const key of keys) await store.reserve(key, [{ sku, qty: 2 }]);
    const outcomes = await Promise.all(
      keys.map(async (key) => {
        const [released, sold] = await Promise.all([
          store.release(key, [{ sku, qty: 2 }]),
          store.finalize(key, [{ sku, qty: 2 }]),
        ]);
        return released.released.length + sold.sold.length;
      }),
    );
    expect(outcomes).toEqual(keys.map(() => 1));
    const c = await counters(sku);
    expect(c.reserved).toBe(0);
    expect(c.available + c.sold).toBe(100);
    const settled = await inventory(t).reservations(sku);
    expect(settled.filter((r) => r.state === 'sold').length * 2).toBe(c.sold);
  });

  it('a release that comes first closes the key: the late reserve holds nothing, whatever the interleaving', async () => {
    const sku = 'SKU-INV-4';
    await inventory(t).set({ [sku]: 100 });
    const keys = Array.from({ length: 20 }, (_, i) => `k4-${i}`);
    await Promise.all(
      keys.map((key) => Promise.all([store.reserve(key, [{ sku, qty: 1 }]), store.release(key, [{ sku, qty: 1 }])])),
    );
    // Whichever came first, once the release has run nothing may stay held: a second release gives back what a
    // reserve that won the race still holds, and then every reservation is settled.
    await Promise.all(keys.map((key) => store.release(key, [{ sku, qty: 1 }])));
    expect(await counters(sku)).toEqual({ available: 100, reserved: 0, sold: 0 });
    expect((await inventory(t).reservations(sku)).filter((r) => r.state === 'held')).toEqual([]);
    for (const key of keys)
      expect(await store.reserve(key, [{ sku, qty: 1 }])).toMatchObject({ ok: false, code: 'ReservationReleased' });
    expect(await counters(sku)).toEqual({ available: 100, reserved: 0, sold: 0 });
  });

  it('refuses a quantity that is not a whole number above 0 before it reaches a query', async () => {
    await expect(store.reserve('k5', [{ sku: 'SKU-INV-1', qty: 0.5 }])).rejects.toThrow(/whole number of at least 1/);
  });
});
