/**
 * The documents of the `inventory` container (partition key `/sku`). Each SKU's partition holds its counters and
 * the reservations against it, so a reservation and the counters it moves change together in one transactional
 * batch. No document grows with the number of orders: the counters are three numbers, and a reservation is its own
 * small document that expires once it is settled.
 */

/** The SKU's stock. At every moment available + reserved + sold = the stock the SKU was given. */
export interface StockItem {
  /** The SKU: the one document in its partition whose id is the partition key. */
  id: string;
  sku: string;
  available: number;
  reserved: number;
  sold: number;
  _etag?: string;
}

/** `held` counts in `reserved`; `released` went back to `available`; `sold` moved to `sold`. */
export type ReservationState = 'held' | 'released' | 'sold';

export interface ReservationDocument {
  /** `hold:<key>`: a SKU never contains ':', so no reservation id is ever a SKU's. */
  id: string;
  sku: string;
  type: 'reservation';
  /** The idempotency key that made it (`holdKey`: the order id). */
  key: string;
  qty: number;
  state: ReservationState;
  /**
   * Seconds a settled reservation is kept (Cosmos DB's per-item TTL; the container needs `defaultTtl` -1). It
   * outlives every retry and late duplicate of the saga's inventory steps, so a reserve arriving after its order
   * was released or sold still finds the key closed; after that the service deletes it.
   */
  ttl?: number;
}

/** A week: longer than any saga step's retries and than an operator's decision on a parked saga. */
export const SETTLED_RESERVATION_TTL_SECONDS = 7 * 24 * 3600;

export const reservationId = (key: string): string => `hold:${key}`;

/**
 * Quantities go into patch conditions as text, so only whole positive numbers are accepted (the order's
 * validation guarantees 1–1000); anything else is a programming error, never a query fragment.
 */
export function checkedQty(sku: string, qty: number): number {
  if (!Number.isSafeInteger(qty) || qty < 1)
    throw new RangeError(`Stock quantity for ${sku} must be a whole number of at least 1, got ${String(qty)}.`);
  return qty;
}
