// 200 orders for the same two SKUs at once, on the virtual clock: the stock documents take every order without
// a read-modify-write loop, the orders beyond the stock are refused, and nothing is charged that was not sold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import type { SagaResult } from '../../saga/domain/saga';
import { inventory, settleSaga, startOrderApp, type StockItem } from '../fixtures/orderApp';
import { postOrder } from '../fixtures/orderHttp';

const ORDERS = 200;
const TEA = 'SKU-BURST-TEA';
const MUG = 'SKU-BURST-MUG';
// Every order takes 1 tea and 2 mugs: tea runs out after 150 orders, and mugs (2 × 150 = 300 of 320) never do,
// so exactly 150 orders can complete whatever the interleaving.
const STOCK: Record<string, number> = { [TEA]: 150, [MUG]: 320 };
const SELLABLE = 150;

let t: TestPlatform;
beforeAll(async () => {
  t = await startOrderApp();
  await inventory(t).set(STOCK);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const orderOf = (i: number) => {
  const orderId = `ord-burst-${i}`;
  return {
    orderId,
    customer: { id: `cust-burst-${i}`, email: `${orderId}@example.com` },
    lines: [
      { sku: TEA, qty: 1, unitPrice: 4.5 },
      { sku: MUG, qty: 2, unitPrice: 8 },
    ],
    currency: 'EUR',
    total: 20.5,
    paymentMethod: 'pm_card_visa',
  };
};

/** available + reserved + sold is the SKU's stock, and no counter is ever negative. */
function invariantProblems(items: (StockItem | undefined)[]): string[] {
  return items.flatMap((item) => {
    if (!item) return ['a stock document is missing'];
    const total = item.available + item.reserved + item.sold;
    const problems = total === STOCK[item.sku] ? [] : [`${item.sku}: ${JSON.stringify(item)} adds up to ${total}`];
    if (Math.min(item.available, item.reserved, item.sold) < 0)
      problems.push(`${item.sku}: negative ${JSON.stringify(item)}`);
    return problems;
  });
}

describe(`${ORDERS} concurrent orders for the same two SKUs`, () => {
  it('completes every order the stock allows, refuses the rest as OutOfStock, and keeps the stock whole', async () => {
    const sizeBefore = JSON.stringify(await inventory(t).get(TEA)).length;

    // The invariant is watched while the burst runs, not only at the end.
    const violations: string[] = [];
    let watching = true;
    let watcherReads = 0;
    const requestsBefore = t.platform.clouds.cosmos!.requestCounts();
    const watcher = (async () => {
      while (watching) {
        violations.push(...invariantProblems([await inventory(t).get(TEA), await inventory(t).get(MUG)]));
        watcherReads += 2;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const answers = await Promise.all(Array.from({ length: ORDERS }, (_, i) => postOrder(t, orderOf(i))));
    expect(answers.map((a) => a.status)).toEqual(Array(ORDERS).fill(202));
    for (let i = 0; i < ORDERS; i++) await settleSaga(t, `ord-burst-${i}`);
    watching = false;
    await watcher;
    const requestsAfter = t.platform.clouds.cosmos!.requestCounts();
    const during = (op: string) => (requestsAfter[op] ?? 0) - (requestsBefore[op] ?? 0);
    expect(violations, 'the stock invariant while the orders ran').toEqual([]);

    const results = Array.from({ length: ORDERS }, (_, i) => {
      const status = t.platform.engine.getStatus(`ord-burst-${i}`)!;
      return { ...(status.output as SagaResult), orderId: `ord-burst-${i}`, runtime: status.runtimeStatus };
    });
    const completed = results.filter((r) => r.outcome === 'Completed');
    const refused = results.filter((r) => r.outcome === 'Compensated');
    expect(results.every((r) => r.runtime === 'Completed')).toBe(true);
    expect(completed).toHaveLength(SELLABLE);
    expect(refused).toHaveLength(ORDERS - SELLABLE);
    for (const r of refused) {
      expect(r.failedStep).toBe('reserveInventory');
      expect(r.reason).toContain('OutOfStock');
      expect(r.reason).toContain(TEA);
    }

    // Stock: everything sellable sold, nothing left reserved, the counters add up.
    const tea = await inventory(t).get(TEA);
    const mug = await inventory(t).get(MUG);
    expect(tea).toMatchObject({ available: 0, reserved: 0, sold: SELLABLE });
    expect(mug).toMatchObject({ available: STOCK[MUG] - 2 * SELLABLE, reserved: 0, sold: 2 * SELLABLE });
    expect(invariantProblems([tea, mug])).toEqual([]);

    // One batch per reserve attempt on tea, one per reserve of the mugs that followed, one per line finalized; the
    // stock is never read or replaced by the orders (only this test's watcher reads it).
    expect(during('POST docs (batch)')).toBe(ORDERS + SELLABLE + 2 * SELLABLE);
    expect(during('GET docs')).toBe(watcherReads);
    expect(during('PUT docs') + during('PATCH docs')).toBe(0);

    // No document grows with the orders: the counters document keeps its fields (its size moves only with the
    // digits of its numbers), and each order left one small reservation per SKU, settled and expiring.
    expect(
      Object.keys(tea!)
        .filter((k) => !k.startsWith('_'))
        .sort(),
    ).toEqual(['available', 'id', 'reserved', 'sku', 'sold'].sort());
    expect(JSON.stringify(tea).length).toBeLessThanOrEqual(sizeBefore + 6);
    const completedIds = new Set(completed.map((r) => r.orderId));
    for (const sku of [TEA, MUG]) {
      const reservations = await inventory(t).reservations(sku);
      expect(
        reservations.filter((r) => r.state !== 'sold'),
        `${sku}: reservations not sold`,
      ).toEqual([]);
      expect(new Set(reservations.map((r) => r.key)), `${sku}: one reservation per completed order`).toEqual(
        completedIds,
      );
      expect(reservations.every((r) => r.ttl! > 0 && JSON.stringify(r).length < 400)).toBe(true);
    }
    // Their ttl counts because the container, as the Azure template declares it, lets items set their own.
    const container = t.platform.clouds.cosmos!.client.database('orders').container('inventory');
    expect((await container.read()).resource?.defaultTtl).toBe(-1);

    // Money: one succeeded charge per completed order, none for a refused one, none for anything else.
    const charges = t.platform.clouds.paymentGateway.ledger().charges.filter((c) => c.orderId.startsWith('ord-burst-'));
    expect(charges.map((c) => c.orderId).sort()).toEqual([...completedIds].sort());
    expect(charges.every((c) => c.status === 'succeeded' && c.amount === 2050 && c.amountRefunded === 0)).toBe(true);
  }, 240_000);
});
