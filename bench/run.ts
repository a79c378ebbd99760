import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPlatform } from '../local/platform';

/**
 * `npm run bench`: four-activity sagas through the embedded durable engine, in memory and on the file store.
 * Prints sagas/s, latency percentiles, SQLite commits per saga and peak RSS.
 */
interface Case {
  label: string;
  store: 'memory' | 'file';
  synchronous: 'NORMAL' | 'FULL';
  concurrency: number;
}

const appRoot = path.join(__dirname, '..', '..', 'bench', 'saga-app');
const total = Number(process.env.BENCH_SAGAS ?? 2000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runCase(c: Case): Promise<Record<string, string | number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-'));
  const platform = await startPlatform({
    appRoot,
    port: 0,
    store: c.store === 'memory' ? 'memory' : path.join(dir, 'bench.sqlite'),
    synchronous: c.synchronous,
    maxConcurrentOrchestrations: Math.max(c.concurrency, 1),
    maxConcurrentActivities: Math.max(c.concurrency, 1),
    log: (level, m) => level === 'error' && console.error(m),
  });
  const engine = platform.engine;
  const latencies: number[] = [];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = new Map<string, number>();
  const done = new Map<string, () => void>();
  engine.on('instance', (row: { instanceId: string; status: string }) => {
    if (row.status === 'Completed' || row.status === 'Failed') {
      const t0 = started.get(row.instanceId);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      done.get(row.instanceId)?.();
    }
  });
  const commitsBefore = platform.store.commits;
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const id = `order-${next++}`;
      const finished = new Promise<void>((r) => done.set(id, r));
      started.set(id, performance.now());
      await engine.startNew('benchSaga', { instanceId: id, input: JSON.stringify({ orderId: id }) });
      await finished;
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const commits = platform.store.commits - commitsBefore;
  await platform.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    case: c.label,
    sagas: total,
    'sagas/s': Math.round(total / seconds),
    'p50 ms': percentile(latencies, 50).toFixed(1),
    'p99 ms': percentile(latencies, 99).toFixed(1),
    'commits/saga': (commits / total).toFixed(2),
    'peak RSS MB': Math.round(peakRss / 1024 / 1024),
  };
}

async function main(): Promise<void> {
  const cases: Case[] = [
    { label: 'memory, concurrency 1', store: 'memory', synchronous: 'NORMAL', concurrency: 1 },
    { label: 'memory, concurrency 200', store: 'memory', synchronous: 'NORMAL', concurrency: 200 },
    { label: 'file NORMAL, concurrency 1', store: 'file', synchronous: 'NORMAL', concurrency: 1 },
    { label: 'file NORMAL, concurrency 200', store: 'file', synchronous: 'NORMAL', concurrency: 200 },
    { label: 'file FULL, concurrency 200', store: 'file', synchronous: 'FULL', concurrency: 200 },
  ];
  console.log(
    `Four-activity sagas (no-op activities), ${total} per case, on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
  );
  const rows = [];
  for (const c of cases) rows.push(await runCase(c));
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
