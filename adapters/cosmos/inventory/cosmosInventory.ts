import type { StepResult } from '../../saga/domain/saga';
import type { InventoryPort, Reservation } from '../../saga/ports';
import { cosmosContainer, cosmosStatus } from './database';

/** One document per SKU; `holds` records which orders hold how much, which makes hold and release idempotent. */
export interface StockItem {
  id: string;
  sku: string;
  available: number;
  holds: Record<string, number>;
  _etag?: string;
}

type HoldOutcome = 'held' | 'out_of_stock' | 'unknown_sku';

const MAX_CONFLICT_RETRIES = 20;

/** Reads, changes and writes back one stock document with If-Match, re-reading when someone else wrote first. */
async function updateStock<T>(
  sku: string,
  change: (item: StockItem) => { write: boolean; outcome: T },
  missing: T,
): Promise<T> {
  const container = cosmosContainer('inventory');
  for (let i = 0; i < MAX_CONFLICT_RETRIES; i++) {
    const { resource } = await container.item(sku, sku).read<StockItem>();
    if (!resource) return missing;
    const item: StockItem = { ...resource, holds: { ...(resource.holds ?? {}) } };
    const { write, outcome } = change(item);
    if (!write) return outcome;
    try {
      await container
        .item(sku, sku)
        .replace(item, { accessCondition: { type: 'IfMatch', condition: resource._etag! } });
      return outcome;
    } catch (e) {
      if (cosmosStatus(e) !== 412) throw e;
    }
  }
  throw new Error(`Stock of ${sku} kept changing under ${MAX_CONFLICT_RETRIES} attempts to update it; try again.`);
}

function hold(sku: string, orderId: string, qty: number): Promise<HoldOutcome> {
  return updateStock<HoldOutcome>(
    sku,
    (item) => {
      if (item.holds[orderId] !== undefined) return { write: false, outcome: 'held' };
      if (item.available < qty) return { write: false, outcome: 'out_of_stock' };
      item.available -= qty;
      item.holds[orderId] = qty;
      return { write: true, outcome: 'held' };
    },
    'unknown_sku',
  );
}

function unhold(sku: string, orderId: string): Promise<number> {
  return updateStock<number>(
    sku,
    (item) => {
      const qty = item.holds[orderId];
      if (qty === undefined) return { write: false, outcome: 0 };
      item.available += qty;
      delete item.holds[orderId];
      return { write: true, outcome: qty };
    },
    0,
  );
}

export class CosmosInventory implements InventoryPort {
  async reserve(orderId: string, lines: { sku: string; qty: number }[]): Promise<StepResult<Reservation>> {
    const held: string[] = [];
    for (const line of lines) {
      const outcome = await hold(line.sku, orderId, line.qty);
      if (outcome !== 'held') {
        // All or nothing: give back what this order already holds before refusing.
        for (const sku of held) await unhold(sku, orderId);
        return outcome === 'out_of_stock'
          ? { ok: false, code: 'OutOfStock', reason: `${line.sku}: fewer than ${line.qty} available` }
          : { ok: false, code: 'UnknownSku', reason: `${line.sku} is not in the inventory` };
      }
      held.push(line.sku);
    }
    return { ok: true, data: { orderId, lines: lines.map((l) => ({ sku: l.sku, qty: l.qty })) } };
  }

  async release(orderId: string, skus: string[]): Promise<{ released: { sku: string; qty: number }[] }> {
    const released: { sku: string; qty: number }[] = [];
    for (const sku of skus) {
      const qty = await unhold(sku, orderId);
      if (qty) released.push({ sku, qty });
    }
    return { released };
  }
}
