import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installPromiseWithResolvers } from '../src/polyfills';
import { startPlatform } from '../src/platform';

/**
 * `npm run bench`: the same four-step saga (no-op steps) run three ways, so the embedded durable engine is
 * measured against its peers:
 *   - the engine, in memory and on the SQLite file store (synchronous NORMAL and FULL), concurrency 1 and 200;
 *   - aws-local-stepfunctions running the saga as ASL with local task handlers, in the same process;
 *   - plain awaited calls (the floor: no durability at all).
 * Then the replay cost: one orchestration of 1,000 sequential activities, time per episode by history size.
 * Environment: BENCH_SAGAS (default 2000), BENCH_REPLAY_STEPS (default 1000).
 */

const STEPS = ['reserveInventory', 'chargePayment', 'sendNotification', 'syncAnalytics'] as const;
const appRoot = path.join(__dirname, '..', '..', 'bench', 'saga-app');
const total = Number(process.env.BENCH_SAGAS ?? 2000);
const replaySteps = Number(process.env.BENCH_REPLAY_STEPS ?? 1000);

interface Row {
  case: string;
  concurrency: number;
  sagas: number;
  'sagas/s': number;
  'p50 ms': string;
  'p99 ms': string;
  'commits/saga': string;
  'peak RSS MB': number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs `one` `total` times with `concurrency` in flight; returns throughput, latencies and peak RSS. */
async function drive(
  label: string,
  concurrency: number,
  one: (i: number) => Promise<void>,
  commits: () => number = () => NaN,
): Promise<Row> {
  global.gc?.();
  const latencies: number[] = [];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const commitsBefore = commits();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const began = performance.now();
        await one(i);
        latencies.push(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  latencies.sort((a, b) => a - b);
  return {
    case: label,
    concurrency,
    sagas: total,
    'sagas/s': Math.round(total / seconds),
    'p50 ms': percentile(latencies, 50).toFixed(2),
    'p99 ms': percentile(latencies, 99).toFixed(2),
    'commits/saga': Number.isNaN(commitsBefore) ? '-' : ((commits() - commitsBefore) / total).toFixed(2),
    'peak RSS MB': Math.round(peakRss / 1024 / 1024),
  };
}

async function engineCase(store: 'memory' | 'NORMAL' | 'FULL', concurrency: number): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-'));
  const platform = await startPlatform({
    appRoot,
    port: 0,
    store: store === 'memory' ? 'memory' : path.join(dir, 'bench.sqlite'),
    synchronous: store === 'memory' ? undefined : store,
    maxConcurrentOrchestrations: Math.max(concurrency, 1),
    maxConcurrentActivities: Math.max(concurrency, 1),
    logLevel: 'error',
    log: (level, m) => level === 'error' && console.error(m),
  });
  const engine = platform.engine;
  const done = new Map<string, () => void>();
  engine.on('instance', (row: { instanceId: string; status: string }) => {
    if (row.status === 'Completed' || row.status === 'Failed') done.get(row.instanceId)?.();
  });
  const label = store === 'memory' ? 'durable engine, in memory' : `durable engine, file synchronous=${store}`;
  const row = await drive(
    label,
    concurrency,
    async (i) => {
      const id = `order-${i}`;
      const finished = new Promise<void>((r) => done.set(id, r));
      await engine.startNew('benchSaga', { instanceId: id, input: JSON.stringify({ orderId: id }) });
      await finished;
      done.delete(id);
    },
    () => platform.store.commits,
  );
  await platform.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return row;
}

const noOp = async (step: string, order: { orderId: string }) => ({ step, orderId: order.orderId });

async function stepFunctionsCase(concurrency: number): Promise<Row> {
  installPromiseWithResolvers();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');
  const States: Record<string, unknown> = {};
  STEPS.forEach((step, i) => {
    States[step] = {
      Type: 'Task',
      Resource: `arn:aws:lambda:us-east-1:123456789012:function:${step}`,
      ResultPath: `$.results.${step}`,
      ...(i + 1 < STEPS.length ? { Next: STEPS[i + 1] } : { End: true }),
    };
  });
  const machine = new StateMachine({ StartAt: STEPS[0], States } as never, {
    validationOptions: { checkPaths: false },
  });
  const taskResourceLocalHandlers = Object.fromEntries(
    STEPS.map((step) => [step, (input: { orderId: string }) => noOp(step, input)]),
  );
  return drive('aws-local-stepfunctions (ASL, local handlers)', concurrency, async (i) => {
    await machine.run({ orderId: `order-${i}` }, { overrides: { taskResourceLocalHandlers } as never }).result;
  });
}

function plainCase(concurrency: number): Promise<Row> {
  return drive('plain awaited calls', concurrency, async (i) => {
    const order = { orderId: `order-${i}` };
    for (const step of STEPS) await noOp(step, order);
  });
}

/** One orchestration of `replaySteps` sequential activities: orchestrator time per episode by history size. */
async function replayCost(): Promise<{ events: number; 'ms per episode': string }[]> {
  const platform = await startPlatform({ appRoot, port: 0, store: 'memory', logLevel: 'silent' });
  const samples: { historyLength: number; ms: number }[] = [];
  platform.engine.on('episode', (e: { historyLength: number; ms: number }) => samples.push(e));
  const done = new Promise<void>((resolve) =>
    platform.engine.on('instance', (row: { instanceId: string; status: string }) => {
      if (row.instanceId === 'replay' && (row.status === 'Completed' || row.status === 'Failed')) resolve();
    }),
  );
  await platform.engine.startNew('longSequence', { instanceId: 'replay', input: String(replaySteps) });
  await done;
  await platform.stop();
  const out: { events: number; 'ms per episode': string }[] = [];
  const longest = Math.max(...samples.map((s) => s.historyLength));
  for (const target of [10, 100, 1000, longest].filter((n, i, all) => all.indexOf(n) === i)) {
    const near = samples.filter((s) => Math.abs(s.historyLength - target) <= Math.max(5, target * 0.05));
    if (!near.length) continue;
    const ms = near.map((s) => s.ms).sort((a, b) => a - b);
    out.push({ events: target, 'ms per episode': percentile(ms, 50).toFixed(3) });
  }
  return out;
}

async function main(): Promise<void> {
  const cpu = os.cpus();
  console.log(
    `Four-step saga, no-op steps, ${total} sagas per case; ${cpu.length} x ${cpu[0]?.model ?? 'CPU'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
  );
  const rows: Row[] = [];
  for (const concurrency of [1, 200]) {
    for (const store of ['memory', 'NORMAL', 'FULL'] as const) rows.push(await engineCase(store, concurrency));
    rows.push(await stepFunctionsCase(concurrency));
    rows.push(await plainCase(concurrency));
  }
  console.table(rows);

  const at200 = (label: string) => rows.find((r) => r.concurrency === 200 && r.case.startsWith(label))!;
  const engine = at200('durable engine, file synchronous=NORMAL');
  const sfn = at200('aws-local-stepfunctions');
  const plain = at200('plain awaited calls');
  console.log('Ratios at concurrency 200 (durable engine on the file store, synchronous=NORMAL):');
  console.table([
    { peer: 'aws-local-stepfunctions', 'engine / peer (sagas/s)': (engine['sagas/s'] / sfn['sagas/s']).toFixed(3) },
    { peer: 'plain awaited calls', 'engine / peer (sagas/s)': (engine['sagas/s'] / plain['sagas/s']).toFixed(4) },
  ]);

  console.log(
    `Replay cost: one orchestration of ${replaySteps} sequential activities (orchestrator call per episode, median):`,
  );
  const replay = await replayCost();
  console.table(replay);
  if (replay.length >= 2) {
    const first = replay[0];
    const last = replay[replay.length - 1];
    const perEvent = (r: { events: number; 'ms per episode': string }) => Number(r['ms per episode']) / r.events;
    console.log(
      `ms per event: ${replay.map((r) => `${r.events} → ${(perEvent(r) * 1000).toFixed(2)} µs`).join(', ')} ` +
        `(linear growth keeps this flat; ${last.events}/${first.events} events cost ` +
        `${(Number(last['ms per episode']) / Number(first['ms per episode'])).toFixed(1)}x)`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
