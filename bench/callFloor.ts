import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { durableClientPayload } from '@cross-cloud-sagas/local-platform';
import { eventBridgeClient } from '../adapters/aws/eventBridgeClient';
import { appPorts, messageSender } from '../adapters/appPorts';
import { cosmosContainer } from '../adapters/cosmos/database';
import { PlatformProcess, threadCpu, writeCosmosConfig } from './platformProcess';
import { threadCpuMs } from './threadCpu';

/**
 * `npm run bench:floor`: the floor under the load benchmark's CPU per order. The calls one order makes (counted by
 * test/saga/callsPerOrder.test.ts) are made here with the app's own clients and adapters (@azure/cosmos, the
 * durable-functions client, the gateway and e-mail adapters, @azure/service-bus, @aws-sdk/client-eventbridge)
 * against the real local endpoints, which run in another process (bench/loadPlatform.ts). Per kind of call: the
 * CPU of this thread (what the call costs the thread that makes it, the app's thread in `npm start`) and the CPU
 * of the platform's two threads until it is idle again (the endpoint, and what the call sets off there: a start runs
 * the saga's first episode, an event its next one). Then the Functions host's cost of an HTTP invocation with no
 * app work (a refused order id) and the load generator's cost of a request. The sums are lower bounds of what an
 * order costs on this machine: the saga's other orchestrator episodes and its activity invocations are left out.
 * Environment: FLOOR_CALLS (2,000 measured calls per kind), FLOOR_CONCURRENCY (10).
 */

const CALLS = Number(process.env.FLOOR_CALLS ?? 2000);
const CONCURRENCY = Number(process.env.FLOOR_CONCURRENCY ?? 10);
const SKUS = ['SKU-FLOOR-A', 'SKU-FLOOR-B'];
/** 2 cores for 300 sagas/s, the target. */
const BUDGET_MS = (os.cpus().length * 1000) / 300;

interface CallKind {
  name: string;
  /** As test/saga/callsPerOrder.test.ts pins them for a two-SKU order on Durable; PutEvents as the load bench counts. */
  perOrder: number;
  call: (i: number) => Promise<unknown>;
}

/** Calls per kind, the warm-up included (the endpoint's side is counted over both). */
const MEASURED_AND_WARM_UP = CALLS + Math.max(50, CALLS / 10);

interface Cost {
  /** CPU ms per call of the thread that makes it. */
  caller: number;
  /** CPU ms per call of the platform's two threads: the endpoint and what the call sets off there. */
  endpoint: number;
}

/** CPU ms of this thread per call, `CONCURRENCY` callers at once, after a warm-up. */
async function cpuPerCall(call: (i: number) => Promise<unknown>, calls = CALLS): Promise<number> {
  let next = 0;
  const run = async (count: number): Promise<void> => {
    const end = next + count;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < end) await call(next++);
      }),
    );
  };
  await run(Math.max(50, calls / 10));
  // This thread only, as the load benchmark counts the app's thread (V8's helper threads work beside it there too).
  const before = threadCpuMs().main;
  await run(calls);
  return (threadCpuMs().main - before) / calls;
}

function durableClient(origin: string, taskHub: string): df.DurableClient {
  // The binding value the Functions host hands a function with a durableClient input (local: no system key).
  const input = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [input] } });
  context.extraInputs.set(input, durableClientPayload({ origin, taskHub }));
  // As a function calls it: a client per invocation.
  return df.getClient(context);
}

function order(orderId: string, paymentMethod = 'pm_card_visa'): Record<string, unknown> {
  return {
    orderId,
    customer: { id: `c-${orderId}`, email: `${orderId}@example.com` },
    lines: SKUS.map((sku) => ({ sku, qty: 1, unitPrice: 5 })),
    currency: 'EUR',
    total: 10,
    paymentMethod,
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function request(url: string, method: string, body?: unknown): Promise<{ status: number; text: string }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: data ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within 60 s`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floor-bench-'));
  const platform = new PlatformProcess();
  try {
    writeCosmosConfig(dir, SKUS);
    await platform.start(dir);
    Object.assign(process.env, platform.settings);
    // The app's own adapters, which read the settings just filled in when first called.
    const ports = appPorts();
    const client = durableClient(platform.url, platform.settings.TASKHUB_NAME || 'OrderSagasHub');

    // One real order, to show what else an order costs that this floor leaves out.
    const probe = `floor-probe-${randomUUID().slice(0, 8)}`;
    if ((await request(`${platform.url}/api/orders`, 'POST', order(probe))).status !== 202)
      throw new Error('The probe order was not accepted.');
    await waitFor(async () => (await client.getStatus(probe)).runtimeStatus === 'Completed', 'The probe order');
    // Read over the HTTP API: durable-functions' status object reads `history`, the API answers `historyEvents`.
    const { historyEvents: history = [] } = JSON.parse(
      (await request(`${platform.url}/runtime/webhooks/durabletask/instances/${probe}?showHistory=true`, 'GET')).text,
    ) as { historyEvents?: { EventType: string }[] };
    const count = (type: string): number => history.filter((e) => e.EventType === type).length;

    // Instances waiting for a confirmation that never comes, to raise events to (each takes a few).
    const waiting = Array.from({ length: Math.ceil((CALLS * 1.2) / 10) }, (_, i) => `floor-wait-${i}`);
    for (const id of waiting) await request(`${platform.url}/api/orders`, 'POST', order(id, 'pm_card_no_confirm'));
    await waitFor(
      async () => (await client.getStatus(waiting[waiting.length - 1])).customStatus !== null,
      'The waiting orders',
    );

    const orders = cosmosContainer('orders');
    const analytics = cosmosContainer('analytics');
    const kinds: CallKind[] = [
      {
        name: 'Cosmos DB: create an item (order record, outbox claim and record, analytics fact)',
        perOrder: 4,
        call: () => orders.items.create({ id: randomUUID(), orderId: randomUUID(), order: order('x') }),
      },
      {
        name: 'Cosmos DB: transactional batch (reserve, then finalize, per SKU)',
        perOrder: 4,
        call: () => {
          const pk = randomUUID();
          return analytics.items.batch(
            [
              { operationType: 'Create', resourceBody: { id: `${pk}-a`, orderId: pk } },
              { operationType: 'Create', resourceBody: { id: `${pk}-b`, orderId: pk } },
            ],
            pk,
          );
        },
      },
      { name: 'Durable client: status (intake, webhook)', perOrder: 2, call: () => client.getStatus(probe) },
      {
        name: 'Durable client: start the saga',
        perOrder: 1,
        call: () => client.startNew('orderSaga', { instanceId: `floor-start-${randomUUID()}`, input: null }),
      },
      {
        name: 'Durable client: raise the confirmation',
        perOrder: 1,
        call: (i) => client.raiseEvent(waiting[i % waiting.length], 'FloorProbe', { i }),
      },
      {
        name: 'payment gateway: charge (adapter)',
        perOrder: 1,
        call: () =>
          ports.payments.charge({
            orderId: `floor-${randomUUID()}`,
            amountMinor: 1000,
            currency: 'EUR',
            // No confirmation follows, so the charge's endpoint cost holds no webhook (counted as an invocation below).
            paymentMethod: 'pm_card_no_confirm',
            idempotencyKey: randomUUID(),
          }),
      },
      {
        name: 'payment gateway: read the charge (adapter)',
        perOrder: 1,
        call: () => ports.payments.getCharge('ch_floor_missing'),
      },
      {
        name: 'e-mail service: send (adapter)',
        perOrder: 1,
        call: () =>
          ports.email.send({ to: 'floor@example.com', subject: 'floor', body: 'floor', idempotencyKey: randomUUID() }),
      },
      {
        name: 'Service Bus: send the outcome event (@azure/service-bus over AMQP)',
        perOrder: 1,
        call: () =>
          messageSender().send('orders-invalid', [
            { body: '{"floor":true}', contentType: 'application/json', messageId: randomUUID() },
          ]),
      },
      {
        name: 'EventBridge: PutEvents (the bridge, batched)',
        perOrder: 0.5,
        call: () =>
          eventBridgeClient().send(
            new PutEventsCommand({
              Entries: [{ Source: 'floor', DetailType: 'Floor', Detail: '{"floor":true}', EventBusName: 'default' }],
            }),
          ),
      },
    ];

    console.log(
      `\nThe floor under CPU per order: ${os.cpus().length} cores, ${os.cpus()[0].model}, Node ${process.version}; ` +
        `${CALLS} calls per kind, ${CONCURRENCY} at once; load average ${os.loadavg()[0].toFixed(1)}\n`,
    );
    console.log('| call | per order | CPU ms per call: caller | endpoint | CPU ms per order: caller | with endpoint |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const totals = { caller: 0, withEndpoint: 0 };
    const row = (name: string, perOrder: number, cost: Cost): void => {
      totals.caller += perOrder * cost.caller;
      totals.withEndpoint += perOrder * (cost.caller + cost.endpoint);
      const ms = (n: number, digits: number): string => n.toFixed(digits);
      console.log(
        `| ${name} | ${perOrder} | ${ms(cost.caller, 3)} | ${ms(cost.endpoint, 3)} | ${ms(perOrder * cost.caller, 2)} | ${ms(perOrder * (cost.caller + cost.endpoint), 2)} |`,
      );
    };
    // Let the platform finish what earlier calls gave it (sagas started, events raised), so each kind's endpoint
    // cost is its own.
    const idle = (): Promise<void> =>
      waitFor(async () => {
        const a = await platform.stats();
        await new Promise((r) => setTimeout(r, 500));
        const busy = threadCpu(a, await platform.stats());
        return busy.main + busy.worker < 10;
      }, 'The platform going idle');
    const measure = async (call: (i: number) => Promise<unknown>): Promise<Cost> => {
      await idle();
      const before = await platform.stats();
      const caller = await cpuPerCall(call);
      await idle();
      const threads = threadCpu(before, await platform.stats());
      return { caller, endpoint: (threads.main + threads.worker) / MEASURED_AND_WARM_UP };
    };
    const costs = new Map<string, Cost>();
    for (const kind of kinds) {
      costs.set(kind.name, await measure(kind.call));
      row(kind.name, kind.perOrder, costs.get(kind.name)!);
    }

    // The Functions host with no app work: a refused order id answers 400 before any call. Its cost is all on the
    // platform's side; the caller here is the load generator.
    const refused = await measure(() => request(`${platform.url}/api/orders/not%20an%20id`, 'GET'));
    const invocation: Cost = { caller: 0, endpoint: refused.endpoint };
    row('Functions host: an HTTP invocation with no app work (POST /api/orders, the webhook)', 2, invocation);
    const loadGenerator: Cost = { caller: refused.caller, endpoint: 0 };
    row('load generator: one request (keep-alive node:http)', 1, loadGenerator);

    const cores = os.cpus().length;
    const [create, , status, start] = kinds.map((k) => costs.get(k.name)!);
    const both = (...parts: Cost[]): number => parts.reduce((sum, c) => sum + c.caller + c.endpoint, 0);
    // A status poll: one invocation and one Durable status call; an accepted order at the door: the invocation, the
    // order record, the look for an earlier saga and the start (the saga's own work comes on top).
    const get = both(invocation, status, loadGenerator);
    const intake = both(invocation, create, status, start, loadGenerator);
    const most = (ms: number): string => Math.floor((cores * 1000) / ms).toLocaleString('en-US');
    const ratio = (ms: number): string => `${(ms / BUDGET_MS).toFixed(2)}×`;
    console.log(
      `\nFloor per order: ${totals.caller.toFixed(1)} ms of CPU for the callers alone (${ratio(totals.caller)} the ` +
        `${BUDGET_MS.toFixed(1)} ms that 300 sagas/s leaves on ${cores} cores), ${totals.withEndpoint.toFixed(1)} ms ` +
        `with the local endpoints (${ratio(totals.withEndpoint)}). Left out: the saga's other ` +
        `${Math.max(0, count('OrchestratorStarted') - 2)} orchestrator episodes and its ${count('TaskScheduled')} ` +
        `activity invocations (from the probe order's Durable history).`,
    );
    console.log(
      `GET /api/orders/{id}: at least ${get.toFixed(2)} ms per request, so at most ${most(get)} req/s with every ` +
        `core busy. POST /api/orders accepted: at least ${intake.toFixed(2)} ms, so at most ${most(intake)} orders/s ` +
        `at the door with no saga running.`,
    );
  } finally {
    await platform.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
