import type { OrderRecord, OrderRepository } from '../../saga/ports';

/**
 * Orders are written once (`saveIfAbsent`) and never changed, so a record this instance wrote or read stays true:
 * a client polling GET /api/orders/{id} costs one Cosmos DB read per order and instance, not one per poll. A miss
 * is never kept (the order may be placed a moment later). Bounded in entries and in age, so memory stays flat and a
 * record removed by hand (there is no delete in the app) is forgotten within minutes.
 */
export class OrderRecordCache implements OrderRepository {
  private readonly records = new Map<string, { record: OrderRecord; until: number }>();

  constructor(
    private readonly store: OrderRepository,
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async saveIfAbsent(record: OrderRecord): Promise<{ created: boolean; record: OrderRecord }> {
    const saved = await this.store.saveIfAbsent(record);
    this.keep(saved.record);
    return saved;
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const cached = this.records.get(orderId);
    if (cached && cached.until > this.now()) {
      // Most recently used last: the oldest entries are the ones evicted.
      this.records.delete(orderId);
      this.records.set(orderId, cached);
      return cached.record;
    }
    this.records.delete(orderId);
    const record = await this.store.get(orderId);
    if (record) this.keep(record);
    return record;
  }

  private keep(record: OrderRecord): void {
    this.records.delete(record.orderId);
    this.records.set(record.orderId, { record, until: this.now() + this.maxAgeMs });
    while (this.records.size > this.maxEntries) this.records.delete(this.records.keys().next().value!);
  }
}
