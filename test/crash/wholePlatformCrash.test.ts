// The whole platform survives kill -9: orders of every payment behaviour run while the process running the app is
// killed (SIGKILL) at random moments and started again on the same files. Every saga must end as it would have
// without the crashes: no second charge under one idempotency key, no second e-mail, stock as expected, nothing
// parked because a service forgot something. A burst on one hot SKU runs among them: exactly its stock is sold,
// and its counters add up after every restart. CRASH_SEED reproduces a run.
import { CosmosClient } from '@azure/cosmos';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CrashingPlatform } from '../fixtures/crashingPlatform';
import { orderPlacedMessage } from '../fixtures/orderMessages';
import { ORDER_SCENARIOS, type OrderScenario, scenarioOrder } from '../fixtures/orderScenarios';
import { withSkuSuffix } from '../fixtures/orderScenarioRun';

const GATEWAY_KEY = 'local-dev-gateway-key';
const ORDERS = Number(process.env.CRASH_ORDERS ?? 50);
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

/** A small seeded generator (mulberry32), so a failing run can be repeated with CRASH_SEED. */
function random(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = random(seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A burst on one hot SKU alongside them: more orders than stock, one unit each, so exactly HOT_STOCK complete.
const HOT_SKU = 'SKU-CRASH-HOT';
const HOT_ORDERS = Number(process.env.CRASH_HOT_ORDERS ?? 40);
const HOT_STOCK = Math.floor((HOT_ORDERS * 3) / 4);

// Scenarios a client drives with one request, whose faults come from the order itself (not platform-wide settings).
const DRIVABLE = ORDER_SCENARIOS.filter((s) => !s.settings && (s.via === 'http' || s.via === 'servicebus'));

interface PlacedOrder {
  scenario: OrderScenario;
  order: Record<string, unknown>;
  orderId: string;
  acknowledged: boolean;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-crash-'));
const platform = new CrashingPlatform(dir, Date.UTC(2026, 0, 5, 9, 0, 0));
afterAll(async () => {
  await platform.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cosmos(): CosmosClient {
  return new CosmosClient({
    endpoint: platform.cosmosEndpoint,
    key: platform.cosmosKey,
    agent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

/** One client request placing the order; resolves whether the platform acknowledged it (a crash may cut it). */
async function place(p: PlacedOrder): Promise<boolean> {
  try {
    if (p.scenario.via === 'http') {
      const res = await fetch(`${platform.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(p.order),
      });
      return res.status === 202 || res.status === 200;
    }
    const m = orderPlacedMessage(p.order);
    const res = await fetch(`${platform.url}/servicebus/orders/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' },
      body: JSON.stringify([
        {
          Body: m.body,
          BrokerProperties: { MessageId: m.messageId, ContentType: m.contentType },
          UserProperties: m.applicationProperties,
        },
      ]),
    });
    return res.status === 201;
  } catch {
    return false; // the connection died with the process
  }
}

async function sagaOf(
  orderId: string,
): Promise<
  { runtimeStatus?: string; customStatus?: { phase?: string }; output?: Record<string, unknown> } | undefined
> {
  const res = await fetch(`${platform.url}/api/orders/${orderId}`);
  if (res.status !== 200) return undefined;
  return (
    (await res.json()) as {
      saga?: { runtimeStatus?: string; customStatus?: { phase?: string }; output?: Record<string, unknown> };
    }
  ).saga;
}

const settled = (s: Awaited<ReturnType<typeof sagaOf>>): boolean =>
  !!s && (['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus ?? '') || s.customStatus?.phase === 'parked');

async function gateway<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${platform.url}/payment-gateway/v1/${pathAndQuery}`, {
    headers: { authorization: `Bearer ${GATEWAY_KEY}` },
  });
  return ((await res.json()) as { data: T }).data;
}

function hotOrder(i: number): PlacedOrder {
  const orderId = `ord-hot-${i}`;
  const order = {
    orderId,
    customer: { id: `cust-hot-${i}`, email: `${orderId}@example.com` },
    lines: [{ sku: HOT_SKU, qty: 1, unitPrice: 5 }],
    currency: 'EUR',
    total: 5,
    paymentMethod: 'pm_card_visa',
  };
  // Placed by HTTP like the happy-path scenario; its outcome is judged for the burst as a whole.
  return { scenario: ORDER_SCENARIOS[0], order, orderId, acknowledged: false };
}

interface Counters {
  available: number;
  reserved: number;
  sold: number;
}

/** The hot SKU's counters, read with a client of the process running now. */
async function hotCounters(): Promise<Counters> {
  const client = cosmos();
  try {
    return (await client.database('orders').container('inventory').item(HOT_SKU, HOT_SKU).read<Counters>()).resource!;
  } finally {
    client.dispose();
  }
}

const adds = (c: Counters) => c.available + c.reserved + c.sold;

describe(`the whole platform under kill -9 (seed ${seed})`, () => {
  it(`${ORDERS} orders of every payment behaviour end as they would without the crashes`, async () => {
    await platform.start();
    const orders: PlacedOrder[] = Array.from({ length: ORDERS }, (_, i) => {
      const scenario = withSkuSuffix(DRIVABLE[i % DRIVABLE.length], `-C${i}`);
      const order = { ...scenarioOrder(scenario, i), orderId: `ord-crash-${i}` };
      return { scenario, order, orderId: order.orderId as string, acknowledged: false };
    });
    // Cosmos DB moves to another port at every start: one client for the process running now, disposed before a
    // kill (the SDK's background requests to a dead endpoint would otherwise fail the run).
    const seeding = cosmos();
    const stock = seeding.database('orders').container('inventory');
    for (const p of orders)
      for (const [sku, available] of Object.entries(p.scenario.stock))
        await stock.items.upsert({ id: sku, sku, available, reserved: 0, sold: 0 });
    await stock.items.upsert({ id: HOT_SKU, sku: HOT_SKU, available: HOT_STOCK, reserved: 0, sold: 0 });
    seeding.dispose();
    const hot = Array.from({ length: HOT_ORDERS }, (_, i) => hotOrder(i));
    const invariant: string[] = [];
    const checkHot = async (when: string) => {
      const c = await hotCounters();
      if (adds(c) !== HOT_STOCK || Math.min(c.available, c.reserved, c.sold) < 0)
        invariant.push(`${when}: ${JSON.stringify(c)}`);
    };

    // Kill 1: while the orders arrive. Clients whose request was cut retry it after the restart, as clients do.
    const killAfter = 5 + Math.floor(rand() * (ORDERS / 2));
    let answered = 0;
    const placing = [...orders, ...hot].map(async (p) => {
      await sleep(rand() * 40);
      p.acknowledged = await place(p);
      if (++answered === killAfter) await platform.kill();
    });
    await Promise.all(placing);
    if (platform.kills === 0) await platform.kill();
    await platform.start();
    await checkHot('after kill 1');
    for (const p of [...orders, ...hot].filter((o) => !o.acknowledged)) p.acknowledged = await place(p);
    expect(
      [...orders, ...hot].filter((o) => !o.acknowledged).map((o) => o.orderId),
      'every order is accepted in the end',
    ).toEqual([]);

    // Kills 2–4: while time moves and sagas charge, wait for confirmations, retry, compensate and notify.
    for (let k = 0; k < 3; k++) {
      const steps = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < steps; i++) await platform.advance(250 + Math.floor(rand() * 1000));
      const step = 500;
      const interrupted = platform.advance(step);
      await sleep(rand() * 30);
      await platform.kill(step);
      await interrupted;
      await platform.start();
      await checkHot(`after kill ${k + 2}`);
    }

    // Then let every saga finish (or park, where a refund keeps failing), skipping through its timeouts.
    for (let minute = 0; minute < 60; minute++) {
      const states = await Promise.all([...orders, ...hot].map((o) => sagaOf(o.orderId)));
      if (states.every(settled)) break;
      await platform.advance(60_000);
    }

    const reading = cosmos();
    const inventory = reading.database('orders').container('inventory');
    const emails = ((await (await fetch(`${platform.url}/email/emails`)).json()) as { value: { subject: string }[] })
      .value;
    const problems: string[] = [];
    for (const p of orders) {
      const exp = p.scenario.expect;
      const saga = await sagaOf(p.orderId);
      const outcome =
        saga?.customStatus?.phase === 'parked'
          ? 'NeedsAttention'
          : (saga?.output as { outcome?: string } | undefined)?.outcome;
      const charges = await gateway<{ id: string; amount: number; amountRefunded: number; status: string }[]>(
        `charges?orderId=${p.orderId}`,
      );
      const refunds = (await Promise.all(charges.map((c) => gateway<unknown[]>(`refunds?charge=${c.id}`)))).flat();
      const kept = charges.filter((c) => c.status !== 'failed').reduce((s, c) => s + c.amount - c.amountRefunded, 0);
      const mails = emails.filter((e) => new RegExp(`\\b${p.orderId}\\b`).test(e.subject)).length;
      const stock: Record<string, number> = {};
      for (const sku of Object.keys(exp.stock))
        stock[sku] = (await inventory.item(sku, sku).read<{ available: number }>()).resource?.available ?? NaN;
      const got = { outcome, charges: charges.length, refunds: refunds.length, kept, mails, stock };
      const want = {
        outcome: exp.outcome,
        charges: exp.charges,
        refunds: exp.refunds,
        kept: exp.keptMinor,
        mails: exp.emails,
        stock: exp.stock,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(
          `${p.orderId} (${p.scenario.name}): expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}; saga: ${JSON.stringify(saga?.output ?? saga?.customStatus)}`,
        );
    }
    // The hot SKU: exactly its stock sold, once each, the rest refused as out of stock; nothing left reserved.
    const hotOutcomes = await Promise.all(
      hot.map(async (p) => {
        const output = (await sagaOf(p.orderId))?.output as { outcome?: string; reason?: string } | undefined;
        const charges = await gateway<{ status: string; amountRefunded: number }[]>(`charges?orderId=${p.orderId}`);
        return { orderId: p.orderId, outcome: output?.outcome, reason: output?.reason ?? '', charges };
      }),
    );
    const sold = hotOutcomes.filter((o) => o.outcome === 'Completed');
    const refused = hotOutcomes.filter((o) => o.outcome === 'Compensated' && o.reason.includes('OutOfStock'));
    if (sold.length !== HOT_STOCK || refused.length !== HOT_ORDERS - HOT_STOCK)
      problems.push(
        `hot SKU: ${sold.length} completed and ${refused.length} refused as OutOfStock of ${HOT_ORDERS}: ${JSON.stringify(hotOutcomes.filter((o) => !sold.includes(o) && !refused.includes(o)))}`,
      );
    for (const o of sold)
      if (o.charges.length !== 1 || o.charges[0].status !== 'succeeded' || o.charges[0].amountRefunded)
        problems.push(`${o.orderId} completed with charges ${JSON.stringify(o.charges)}`);
    for (const o of refused) if (o.charges.length) problems.push(`${o.orderId} refused but charged`);
    const hotEnd = (await inventory.item(HOT_SKU, HOT_SKU).read<Counters>()).resource!;
    if (hotEnd.available !== 0 || hotEnd.reserved !== 0 || hotEnd.sold !== HOT_STOCK)
      problems.push(`hot SKU counters at the end: ${JSON.stringify(hotEnd)}`);
    await checkHot('at the end');
    problems.push(...invariant.map((i) => `hot SKU invariant broken ${i}`));
    reading.dispose();
    expect(
      problems,
      `seed ${seed}; ${platform.kills} kills; platform errors:\n${platform.stderr.slice(-4000)}`,
    ).toEqual([]);
    expect(platform.kills).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
