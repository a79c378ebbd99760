import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlatformProcess, Stats, threadCpu, writeCosmosConfig } from './platformProcess';

/**
 * `npm run bench:load` (and the last part of `npm run bench`): orders under load, as a user meets them. The app
 * runs on the platform in its own process (bench/loadPlatform.ts: every store on files, real time, payment
 * confirmation after LOAD_CONFIRM_DELAY_MS = 10 ms, ample stock); this process is the load generator, keep-alive
 * HTTP with a fixed number of connections, each posting README's order with a unique id as soon as its last one
 * is answered. Per run (1, 10, 50, 200 connections; bounded by LOAD_SECONDS and LOAD_MAX_REQUESTS), then a drain
 * until every accepted saga has finished: accepted req/s, p50/p99 of accepted POSTs, 429s, sagas completed/s,
 * outcomes, the HTTP and Cosmos DB requests the platform's endpoints received per order, the platform's CPU ms per
 * order. Two catalogues: every order on one hot SKU, and orders over 1,000 SKUs. Then GET /api/orders/{id}.
 * Environment: LOAD_SECONDS (8), LOAD_MAX_REQUESTS (6000), LOAD_CONNECTIONS ("1,10,50,200"), LOAD_DRAIN_SECONDS (60),
 * LOAD_CATALOGUES ("hot,spread"), LOAD_CPU_PROF (a folder: CPU profiles of the platform process).
 */

const seconds = Number(process.env.LOAD_SECONDS ?? 8);
const maxRequests = Number(process.env.LOAD_MAX_REQUESTS ?? 6000);
const connectionCounts = (process.env.LOAD_CONNECTIONS ?? '1,10,50,200').split(',').map(Number);
const drainSeconds = Number(process.env.LOAD_DRAIN_SECONDS ?? 60);
const SPREAD_SKUS = 1000;

interface Catalogue {
  name: string;
  skus: string[];
  order(id: string, i: number): Record<string, unknown>;
}

function order(id: string, lines: { sku: string; qty: number; unitPrice: number }[]): Record<string, unknown> {
  return {
    orderId: id,
    customer: { id: `c-${id}`, email: `${id}@example.com` },
    lines,
    currency: 'EUR',
    total: lines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0),
    paymentMethod: 'pm_card_visa',
  };
}

const hot: Catalogue = {
  name: 'one hot SKU',
  skus: ['SKU-HOT'],
  order: (id) => order(id, [{ sku: 'SKU-HOT', qty: 2, unitPrice: 7.5 }]),
};
const spreadSkus = Array.from({ length: SPREAD_SKUS }, (_, i) => `SKU-${String(i).padStart(4, '0')}`);
const spread: Catalogue = {
  name: '1,000 SKUs',
  skus: spreadSkus,
  order: (id, i) =>
    order(id, [
      { sku: spreadSkus[(i * 7) % SPREAD_SKUS], qty: 2, unitPrice: 7.5 },
      { sku: spreadSkus[(i * 7 + 500) % SPREAD_SKUS], qty: 1, unitPrice: 11 },
    ]),
};

interface LoadResult {
  statuses: Record<number, number>;
  /** Latency of each answered request with the status counted as success, ms. */
  latencies: number[];
  ids: string[];
  elapsedMs: number;
}

/** `connections` keep-alive callers, each sending its next request when the last is answered, until time or count. */
async function generate(
  url: string,
  connections: number,
  request: (i: number) => { method: string; path: string; body?: string; id: string },
  success: number,
  limits: { ms: number; requests: number },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const result: LoadResult = { statuses: {}, latencies: [], ids: [], elapsedMs: 0 };
  const began = performance.now();
  let next = 0;
  const send = (r: ReturnType<typeof request>): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers: r.body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) }
            : undefined,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  const caller = async (): Promise<void> => {
    while (next < limits.requests && performance.now() - began < limits.ms) {
      const r = request(next++);
      const t0 = performance.now();
      const status = await send(r);
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status === success) {
        result.latencies.push(performance.now() - t0);
        result.ids.push(r.id);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, caller));
  result.elapsedMs = performance.now() - began;
  agent.destroy();
  return result;
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const diff = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));

async function drain(platform: PlatformProcess, accepted: number, before: Stats): Promise<Stats> {
  const limit = Date.now() + drainSeconds * 1000;
  for (;;) {
    const s = await platform.stats();
    const finished = Object.values(diff(s.outcomes, before.outcomes)).reduce((a, b) => a + b, 0);
    if ((finished >= accepted && s.running === 0) || Date.now() > limit) return s;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const rows: string[] = [];
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';

async function run(catalogue: Catalogue, connections: number, withReads: boolean): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-bench-'));
  writeCosmosConfig(dir, catalogue.skus);
  const platform = new PlatformProcess();
  await platform.start(dir);
  try {
    const tag = `${catalogue.skus.length}-${connections}`;
    // A few orders first, so connection set-up and the first compilation of every path are not in the figures.
    await generate(
      platform.url,
      1,
      (i) => ({
        method: 'POST',
        path: '/api/orders',
        id: `w${tag}-${i}`,
        body: JSON.stringify(catalogue.order(`w${tag}-${i}`, i)),
      }),
      202,
      { ms: 60_000, requests: 10 },
    );
    await drain(platform, 10, { ...(await platform.stats()), outcomes: {} });
    const profileDir = process.env.LOAD_CPU_PROF;
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      await platform.profile(
        path.resolve(profileDir, `${catalogue.skus.length}-skus-${connections}-connections.cpuprofile`),
      );
    }
    const before = await platform.stats();
    const load = await generate(
      platform.url,
      connections,
      (i) => {
        const id = `o${tag}-${i}`;
        return { method: 'POST', path: '/api/orders', id, body: JSON.stringify(catalogue.order(id, i)) };
      },
      202,
      { ms: seconds * 1000, requests: maxRequests },
    );
    const loadStart = Date.now() - load.elapsedMs;
    const accepted = load.ids.length;
    const after = await drain(platform, accepted, before);
    if (profileDir) await platform.profile();
    const outcomes = diff(after.outcomes, before.outcomes);
    const requests = diff(after.requests, before.requests);
    const completed = outcomes.Completed ?? 0;
    const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    const threads = threadCpu(before, after);
    const posts = Object.values(load.statuses).reduce((a, b) => a + b, 0);
    // Calls the order itself caused: everything the endpoints received but the load generator's own POSTs.
    const http =
      Object.entries(requests)
        .filter(([k]) => k !== 'cosmos')
        .reduce((sum, [, n]) => sum + n, 0) - posts;
    const finishedFor = (after.lastFinish - loadStart) / 1000;
    const other = Object.entries(outcomes)
      .filter(([k]) => k !== 'Completed' && k !== 'Compensated')
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    rows.push(
      `| ${catalogue.name} | ${connections} | ${fmt(accepted / (load.elapsedMs / 1000))} | ${fmt(percentile(load.latencies, 50), 1)} / ${fmt(percentile(load.latencies, 99), 1)} | ${fmt(load.statuses[429] ?? 0)} | ${fmt(completed / finishedFor)} | ${fmt(completed)} / ${fmt(outcomes.Compensated ?? 0)} / ${fmt(after.running)}${other ? ` (${other})` : ''} | ${fmt((requests.cosmos ?? 0) / accepted, 1)} | ${fmt(http / accepted, 1)} | ${fmt(cpuMs / accepted, 1)} | ${fmt(threads.main / accepted, 1)} / ${fmt(threads.worker / accepted, 1)} |`,
    );
    console.log(rows[rows.length - 1]);
    const unexpected = Object.keys(load.statuses).filter((s) => s !== '202' && s !== '429');
    if (unexpected.length) console.log(`   other answers: ${JSON.stringify(load.statuses)}`);
    console.log(`   requests per endpoint: ${JSON.stringify(requests)}`);
    const why = Object.entries(diff(after.reasons, before.reasons)).filter(([, n]) => n > 0);
    for (const [reason, n] of why) console.log(`   ${n} × ${reason}`);
    if (withReads) {
      if (profileDir)
        await platform.profile(path.resolve(profileDir, `${catalogue.skus.length}-skus-reads.cpuprofile`));
      const beforeReads = await platform.stats();
      const reads = await generate(
        platform.url,
        50,
        (i) => ({ method: 'GET', path: `/api/orders/${load.ids[i % accepted]}`, id: '' }),
        200,
        { ms: 5000, requests: 200_000 },
      );
      if (profileDir) await platform.profile();
      const readThreads = threadCpu(beforeReads, await platform.stats());
      const perRead = (ms: number): string => fmt(ms / Math.max(1, reads.latencies.length), 2);
      console.log(
        `GET /api/orders/{id}, 50 connections: ${fmt(reads.latencies.length / (reads.elapsedMs / 1000))} req/s, p50 ${fmt(percentile(reads.latencies, 50), 1)} ms, p99 ${fmt(percentile(reads.latencies, 99), 1)} ms (answers ${JSON.stringify(reads.statuses)}); CPU ms per GET: main ${perRead(readThreads.main)}, app thread ${perRead(readThreads.worker)}`,
      );
    }
  } finally {
    await platform.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
  console.log(
    `\nOrders under load: ${os.cpus().length} cores, ${cpu}, Node ${process.version}; ${seconds} s or ${maxRequests} POSTs per run, then drained`,
  );
  console.log(
    '\n| catalogue | connections | accepted POST/s | p50 / p99 ms | 429s | sagas completed/s | Completed / Compensated / Running | Cosmos calls per order | HTTP calls per order | platform CPU ms per order | of which main / app thread |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const catalogues = (process.env.LOAD_CATALOGUES ?? 'hot,spread').split(',').map((n) => ({ hot, spread })[n]!);
  for (const catalogue of catalogues) {
    for (const c of connectionCounts)
      await run(catalogue, c, catalogue === spread && c === connectionCounts[connectionCounts.length - 1]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
