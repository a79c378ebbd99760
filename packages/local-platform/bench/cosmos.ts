import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Container, CosmosClient, type OperationInput } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { LOCAL_COSMOS_KEY, startLocalCosmos } from '../src/cosmos/cosmosServer';

/**
 * `npm run bench` (after the durable engine): the local Cosmos DB through the real @azure/cosmos SDK in this
 * process, against @vercel/cosmosdb-server (a devDependency kept for this comparison only) in the same run:
 *   - point writes/s (creates; the local endpoint on a SQLite file, durable) and point reads/s, 64 in flight;
 *   - a partition-scoped query (one partition of 50 documents) as the container grows to 1,000 / 10,000 /
 *     100,000 documents: its latency should not grow with the container;
 *   - 50 concurrent patch `incr`s of one document: all must be applied.
 * The local endpoint runs over HTTPS (what the platform serves) and over plain HTTP, for the comparison.
 * Environment: BENCH_COSMOS_OPS (default 5000), BENCH_COSMOS_SIZES (default 1000,10000,100000),
 * BENCH_COSMOS_VERCEL_MAX_DOCS (default 20000: its queries scan the whole container, 3.7 s at 20,000).
 */

const ops = Number(process.env.BENCH_COSMOS_OPS ?? 5000);
const sizes = (process.env.BENCH_COSMOS_SIZES ?? '1000,10000,100000').split(',').map(Number);
const vercelMaxDocs = Number(process.env.BENCH_COSMOS_VERCEL_MAX_DOCS ?? 20000);
const PARTITION_SIZE = 50;
const CONCURRENCY = 64;

interface Target {
  name: string;
  client: CosmosClient;
  maxDocs: number;
  stop(): Promise<void>;
}

interface Row {
  target: string;
  case: string;
  ops: number;
  'ops/s': number | string;
  'p50 ms': string;
  'p99 ms': string;
  note: string;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function drive(count: number, concurrency: number, one: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const began = performance.now();
        await one(i);
        latencies.push(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(count / seconds),
    p50: percentile(latencies, 50).toFixed(2),
    p99: percentile(latencies, 99).toFixed(2),
  };
}

async function localTarget(protocol: 'https' | 'http', dir: string): Promise<Target> {
  const store = path.join(dir, `cosmos-${protocol}.sqlite`);
  const cosmos = await startLocalCosmos({ databases: [{ id: 'bench', containers: [] }] }, path.join(dir, 'x.json'), {
    store,
    protocol,
  });
  return { name: `local ${protocol}, file store`, client: cosmos.client, maxDocs: Infinity, stop: cosmos.stop };
}

async function vercelTarget(): Promise<Target> {
  const server = createHttpsServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });
  const client = new CosmosClient({
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key: LOCAL_COSMOS_KEY,
    agent,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  await client.databases.create({ id: 'bench' });
  return {
    name: '@vercel/cosmosdb-server (memory)',
    client,
    maxDocs: vercelMaxDocs,
    async stop() {
      client.dispose();
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function container(target: Target, id: string): Promise<Container> {
  const { container } = await target.client.database('bench').containers.create({ id, partitionKey: '/pk' });
  return container;
}

async function pointCases(target: Target): Promise<Row[]> {
  const items = await container(target, 'points');
  const doc = (i: number) => ({ id: `d${i}`, pk: `p${i % 100}`, n: i, name: 'x'.repeat(200) });
  // Opens the pool's connections (and their TLS sessions) before anything is timed.
  await items.items.create({ id: 'warm-up', pk: 'w' });
  await drive(CONCURRENCY * 4, CONCURRENCY, () => items.item('warm-up', 'w').read());
  const writes = await drive(ops, CONCURRENCY, (i) => items.items.create(doc(i)));
  const reads = await drive(ops * 2, CONCURRENCY, (i) => items.item(`d${i % ops}`, `p${(i % ops) % 100}`).read());
  const counter = (await items.items.create({ id: 'counter', pk: 'c', n: 0 })).item;
  const patches = await drive(50, 50, () => counter.patch([{ op: 'incr', path: '/n', value: 1 }]));
  const final = (await counter.read<{ n: number }>()).resource?.n;
  const row = (kind: string, count: number, r: Awaited<ReturnType<typeof drive>>, note = ''): Row => ({
    target: target.name,
    case: kind,
    ops: count,
    'ops/s': r.perSecond,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    note,
  });
  return [
    row('point create', ops, writes, target.maxDocs === Infinity ? 'committed to SQLite before the answer' : 'memory'),
    row('point read', ops * 2, reads),
    row(
      '50 concurrent patch incr',
      50,
      patches,
      `counter = ${final} (${final === 50 ? 'all applied' : 'LOST UPDATES'})`,
    ),
  ];
}

/** Grows one container through the sizes; at each, times a query of one random partition of 50 documents. */
async function queryCases(target: Target): Promise<Row[]> {
  const docs = await container(target, 'grown');
  const rows: Row[] = [];
  let loaded = 0;
  for (const size of sizes) {
    if (size > target.maxDocs) {
      rows.push({
        target: target.name,
        case: `partition query @ ${size.toLocaleString('en-US')} docs`,
        ops: 0,
        'ops/s': '-',
        'p50 ms': '-',
        'p99 ms': '-',
        note: `skipped (BENCH_COSMOS_VERCEL_MAX_DOCS=${target.maxDocs})`,
      });
      continue;
    }
    const operations: OperationInput[] = [];
    for (; loaded < size; loaded++) {
      const pk = `p${Math.floor(loaded / PARTITION_SIZE)}`;
      operations.push({ operationType: 'Create', partitionKey: pk, resourceBody: { id: `g${loaded}`, pk, n: loaded } });
    }
    for (let i = 0; i < operations.length; i += 10_000)
      await docs.items.executeBulkOperations(operations.slice(i, i + 10_000));
    const partitions = size / PARTITION_SIZE;
    const runs = Math.max(3, Math.min(200, Math.round(20_000_000 / size / (target.maxDocs === Infinity ? 1 : 50))));
    const query = await drive(runs, 1, async (i) => {
      const pk = `p${(i * 7919) % partitions}`;
      const { resources } = await docs.items
        .query(
          {
            // The key in WHERE as well: @vercel/cosmosdb-server ignores the partition key header of a query.
            query: 'SELECT * FROM c WHERE c.pk = @pk AND c.n >= @min',
            parameters: [
              { name: '@pk', value: pk },
              { name: '@min', value: 0 },
            ],
          },
          { partitionKey: pk },
        )
        .fetchAll();
      if (resources.length !== PARTITION_SIZE)
        throw new Error(`${target.name}: ${pk} returned ${resources.length} documents`);
    });
    rows.push({
      target: target.name,
      case: `partition query @ ${size.toLocaleString('en-US')} docs`,
      ops: runs,
      'ops/s': query.perSecond,
      'p50 ms': query.p50,
      'p99 ms': query.p99,
      note: `${PARTITION_SIZE} results`,
    });
  }
  return rows;
}

export async function benchCosmos(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosmos-bench-'));
  const rows: Row[] = [];
  try {
    for (const start of [() => localTarget('https', dir), () => localTarget('http', dir), vercelTarget]) {
      const target = await start();
      try {
        rows.push(...(await pointCases(target)));
        if (target.name !== 'local http, file store') rows.push(...(await queryCases(target)));
      } finally {
        await target.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nLocal Cosmos DB through @azure/cosmos, in process (${os.cpus().length} CPUs):`);
  console.table(rows);
}

if (require.main === module) {
  benchCosmos().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
