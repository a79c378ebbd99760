// The order record cache's bounds, over an in-memory fake repository that counts its reads (the real Cosmos DB path
// is in test/saga/callsPerOrder.test.ts): entries beyond the bound and past their age are read again.
import { describe, expect, it } from 'vitest';
import { OrderRecordCache } from '../../adapters/cosmos/orderRecordCache';
import type { OrderRecord, OrderRepository } from '../../saga/ports';

function fakeRepository(): OrderRepository & { reads: number } {
  const records = new Map<string, OrderRecord>();
  return {
    reads: 0,
    async saveIfAbsent(record) {
      const existing = records.get(record.orderId);
      if (existing) return { created: false, record: existing };
      records.set(record.orderId, record);
      return { created: true, record };
    },
    async get(orderId) {
      this.reads++;
      return records.get(orderId);
    },
  };
}

const record = (orderId: string): OrderRecord =>
  ({
    id: orderId,
    orderId,
    order: { orderId },
    receivedAt: '2026-12-06T00:00:00Z',
    via: 'http',
  }) as unknown as OrderRecord;

describe('OrderRecordCache (over a fake repository)', () => {
  it('keeps at most maxEntries records, evicting the least recently used', async () => {
    const store = fakeRepository();
    const cache = new OrderRecordCache(store, 2);
    for (const id of ['a', 'b', 'c']) await cache.saveIfAbsent(record(id));
    await cache.get('b');
    await cache.get('c');
    expect(store.reads).toBe(0);
    await cache.get('a'); // evicted when c came in
    expect(store.reads).toBe(1);
    await cache.get('c'); // still there: used after b, and a's return evicted b
    expect(store.reads).toBe(1);
    await cache.get('b');
    expect(store.reads).toBe(2);
  });

  it('reads a record again once it is older than maxAgeMs', async () => {
    const store = fakeRepository();
    let now = 0;
    const cache = new OrderRecordCache(store, 10, 1000, () => now);
    await cache.saveIfAbsent(record('a'));
    now = 999;
    await cache.get('a');
    expect(store.reads).toBe(0);
    now = 1000;
    expect((await cache.get('a'))?.orderId).toBe('a');
    expect(store.reads).toBe(1);
  });
});
