import type { StepResult } from '../../../saga/domain/saga';
import type { InventoryPort, Reservation, StockLine } from '../../../saga/ports';
import { cosmosContainer } from '../database';
import { holdLine, settleLine } from './reservationBatches';

/**
 * Stock in Cosmos DB: per SKU a counters document and one reservation document per order (see stockDocuments.ts),
 * changed by one transactional batch per order line (reservationBatches.ts). Lines of one order are different SKUs,
 * so different partitions: all or nothing across them is done here, by releasing what was held before a refusal.
 *
 * One counters document per SKU takes every order for that SKU; on Cosmos DB its partition serves up to 10,000
 * RU/s, hundreds of reservations a second for one SKU. Sharding the counters (N documents a reserve picks from)
 * would raise that, at the cost of refusing an order while stock sits in another shard; not needed at the rates
 * this shop sees, so not done.
 */
export class CosmosInventory implements InventoryPort {
  async reserve(key: string, lines: StockLine[]): Promise<StepResult<Reservation>> {
    const container = cosmosContainer('inventory');
    const held: StockLine[] = [];
    for (const line of lines) {
      const outcome = await holdLine(container, key, line);
      if (outcome === 'held') {
        held.push(line);
        continue;
      }
      for (const h of held) await settleLine(container, key, h, 'released');
      switch (outcome) {
        case 'out_of_stock':
          return { ok: false, code: 'OutOfStock', reason: `${line.sku}: fewer than ${line.qty} available` };
        case 'unknown_sku':
          return { ok: false, code: 'UnknownSku', reason: `${line.sku} is not in the inventory` };
        case 'closed':
          return {
            ok: false,
            code: 'ReservationReleased',
            reason: `${line.sku}: the reservation ${key} was already released; a new attempt of the order needs a new key`,
          };
      }
    }
    return { ok: true, data: { key, lines: lines.map((l) => ({ sku: l.sku, qty: l.qty })) } };
  }

  async release(key: string, lines: StockLine[]): Promise<{ released: StockLine[] }> {
    return { released: await this.settle(key, lines, 'released') };
  }

  async finalize(key: string, lines: StockLine[]): Promise<{ sold: StockLine[] }> {
    return { sold: await this.settle(key, lines, 'sold') };
  }

  private async settle(key: string, lines: StockLine[], to: 'released' | 'sold'): Promise<StockLine[]> {
    const container = cosmosContainer('inventory');
    const moved: StockLine[] = [];
    for (const line of lines) {
      const qty = await settleLine(container, key, line, to);
      if (qty) moved.push({ sku: line.sku, qty });
    }
    return moved;
  }
}
