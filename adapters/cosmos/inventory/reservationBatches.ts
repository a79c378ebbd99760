import { BulkOperationType, type Container, type OperationInput, type OperationResponse } from '@azure/cosmos';
import type { StockLine } from '../../../saga/ports';
import { cosmosFailure } from '../database';
import {
  checkedQty,
  ReservationDocument,
  reservationId,
  ReservationState,
  SETTLED_RESERVATION_TTL_SECONDS,
} from './stockDocuments';

/**
 * One line of an order against one SKU, each a transactional batch in the SKU's partition: the reservation
 * document and the SKU's counters change together or not at all. The counters are moved by `incr` patches whose
 * condition Cosmos DB evaluates where the document lives, so concurrent orders never read, compute and write back
 * (no ETag retry loop; a hot SKU costs one request per line whatever the concurrency).
 */

export type HoldOutcome = 'held' | 'out_of_stock' | 'unknown_sku' | 'closed';

/** A batch answers 200 with every operation's result, or 207 with the failing one's status and 424 for the rest. */
function statuses(result: OperationResponse[] | undefined, what: string): number[] {
  if (!result) throw new Error(`Cosmos DB ${what}: the batch answered without per-operation results.`);
  return result.map((r) => r.statusCode);
}

function batchFailure(codes: number[], what: string): Error {
  const failed = codes.find((c) => c !== 424) ?? codes[0];
  return cosmosFailure({ code: failed }, `${what} (batch statuses ${codes.join(', ')})`);
}

async function readReservation(
  container: Container,
  key: string,
  sku: string,
): Promise<ReservationDocument | undefined> {
  return (await container.item(reservationId(key), sku).read<ReservationDocument>()).resource;
}

/** Creates the key's reservation of `qty` and moves `qty` from available to reserved, when that much is available. */
export async function holdLine(container: Container, key: string, line: StockLine): Promise<HoldOutcome> {
  const { sku } = line;
  const qty = checkedQty(sku, line.qty);
  const reservation: ReservationDocument = {
    id: reservationId(key),
    sku,
    type: 'reservation',
    key,
    qty,
    state: 'held',
  };
  const operations: OperationInput[] = [
    { operationType: BulkOperationType.Create, resourceBody: { ...reservation } },
    {
      operationType: BulkOperationType.Patch,
      id: sku,
      resourceBody: {
        condition: `FROM c WHERE c.available >= ${qty}`,
        operations: [
          { op: 'incr', path: '/available', value: -qty },
          { op: 'incr', path: '/reserved', value: qty },
        ],
      },
    },
  ];
  const what = `reserving ${qty} × ${sku} for ${key}`;
  const [created, counted] = statuses((await container.items.batch(operations, sku)).result, what);
  if (created === 201 && counted === 200) return 'held';
  if (created === 409) {
    // A repeat: the key already holds this SKU, or was released first (then this late reserve must hold nothing).
    const existing = await readReservation(container, key, sku);
    if (!existing) throw new Error(`Cosmos DB ${what}: the reservation exists and then did not; try again.`);
    return existing.state === 'released' ? 'closed' : 'held';
  }
  if (counted === 412) return 'out_of_stock';
  if (counted === 404) return 'unknown_sku';
  throw batchFailure([created, counted], what);
}

/** Where settling a reservation moves its quantity from `reserved`. */
const SETTLE_TO: Record<Exclude<ReservationState, 'held'>, string> = { released: '/available', sold: '/sold' };

/** Moves `qty` out of a held reservation into `to`, when it is still held with exactly that quantity. */
async function settleBatch(
  container: Container,
  key: string,
  sku: string,
  qty: number,
  to: Exclude<ReservationState, 'held'>,
): Promise<number[]> {
  const operations: OperationInput[] = [
    {
      operationType: BulkOperationType.Patch,
      id: reservationId(key),
      resourceBody: {
        condition: `FROM c WHERE c.state = 'held' AND c.qty = ${qty}`,
        operations: [
          { op: 'set', path: '/state', value: to },
          { op: 'set', path: '/ttl', value: SETTLED_RESERVATION_TTL_SECONDS },
        ],
      },
    },
    {
      operationType: BulkOperationType.Patch,
      id: sku,
      resourceBody: [
        { op: 'incr', path: '/reserved', value: -qty },
        { op: 'incr', path: SETTLE_TO[to], value: qty },
      ],
    },
  ];
  return statuses((await container.items.batch(operations, sku)).result, `settling ${key}'s ${sku} as ${to}`);
}

/** Rounds before giving up when a reservation keeps changing under a settle (only a concurrent reserve can). */
const SETTLE_ROUNDS = 3;

/**
 * Settles the key's reservation of the line's SKU as released (back to available) or sold, once: the patch only
 * applies to a `held` reservation, so of a release and a finalize, or of two releases, exactly one moves stock.
 * Returns the quantity moved (0 when nothing was held). The order's quantity is tried first, which is what the
 * reservation holds, so the common case is one request; otherwise the reservation is read and its own quantity
 * used. Releasing a key that holds nothing yet leaves a released reservation, which closes it to a late reserve.
 */
export async function settleLine(
  container: Container,
  key: string,
  line: StockLine,
  to: Exclude<ReservationState, 'held'>,
): Promise<number> {
  const { sku } = line;
  let qty = checkedQty(sku, line.qty);
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const [reservation, counters] = await settleBatch(container, key, sku, qty, to);
    if (reservation === 200 && counters === 200) return qty;
    if (reservation !== 412 && reservation !== 404)
      throw batchFailure([reservation, counters], `settling ${key}'s ${sku}`);
    const existing = await readReservation(container, key, sku);
    if (existing?.state === 'held') {
      qty = checkedQty(sku, existing.qty);
      continue;
    }
    if (existing || to === 'sold') return 0;
    const closed: ReservationDocument = {
      id: reservationId(key),
      sku,
      type: 'reservation',
      key,
      qty: 0,
      state: 'released',
      ttl: SETTLED_RESERVATION_TTL_SECONDS,
    };
    try {
      await container.items.create(closed);
      return 0;
    } catch (e) {
      // 409: the reserve landed just now; the next round releases what it holds.
      if ((e as { code?: unknown }).code !== 409) throw cosmosFailure(e, `closing ${key}'s reservation of ${sku}`);
    }
  }
  throw new Error(
    `The reservation of ${sku} for ${key} kept changing during ${SETTLE_ROUNDS} attempts to settle it as ${to}; try again.`,
  );
}
