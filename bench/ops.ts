import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPlatform, type Platform } from '@cross-cloud-sagas/local-platform';
import { NEEDS_ATTENTION_ERROR } from '../aws-stepfunctions/generator/generateStateMachine';
import { CosmosRunOutcomes } from '../adapters/cosmos/runOutcomes';
import { CosmosAuditLog } from '../ops/audit/cosmosAuditLog';
import { DurableBackend } from '../ops/backends/durable/durableBackend';
import { DurableManagementApi } from '../ops/backends/durable/managementApi';
import { StepFunctionsBackend } from '../ops/backends/stepFunctions/stepFunctionsBackend';
import { OpsService } from '../ops/opsService';
import type { ReplayPlan, ReplayResults, ReplaySelection } from '../ops/replay/replayPlan';
import { HeapSampledAudit } from './heapSampledAudit';
import { DEFAULT_STUCK_THRESHOLD_MS } from '../ops/status/normalize';
import { orderSaga } from '../saga/definition/orderSaga';

/**
 * `npm run bench` (third part): the operator tool over BENCH_OPS_RUNS saga runs (default 2,000, half per engine)
 * on the embedded platform, real time, in-memory stores. The runs are real sagas (an out-of-stock order each:
 * reserve refused, release, analytics: Compensated). Measured through the library as the app wires it (Durable
 * management API with the system key, the SFN SDK client, the audit in Cosmos DB):
 *   - the first page (50 rows) of a filtered list across both engines, median of 20;
 *   - the counts per status over every run;
 *   - `show` of one order that ran on both engines (timelines and diff), median of 20;
 *   - dry runs of 500, 2,000 and 5,000 order ids (as many as there are runs) and of a filter over every run: the
 *     peak live heap (after a full GC at each stored part: run with --expose-gc) above the start, to show it flat;
 *   - a bulk restart of BENCH_OPS_REPLAY sagas (default 500, both engines) applied at concurrency 8, rate 1000/s:
 *     sagas started per second, and the live heap after it above before it (after GC; the platform's included).
 */

const appRoot = path.join(__dirname, '..', '..');
const runs = Number(process.env.BENCH_OPS_RUNS ?? 2_000);
const replayCount = Number(process.env.BENCH_OPS_REPLAY ?? 500);
const operator = { name: 'bench', role: 'operator' as const };
/** Sagas started before waiting for them to finish, while the runs are made. */
const WAVE = 1_000;

const order = (orderId: string) => ({
  orderId,
  customer: { id: 'c-bench', email: 'bench@example.com' },
  lines: [{ sku: 'SKU-NONE', qty: 1, unitPrice: 4.5 }],
  currency: 'EUR',
  total: 4.5,
  paymentMethod: 'pm_card_visa',
});

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(times: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/**
 * BENCH_OPS_PROFILE=<file>: a CPU profile of the dry run alone (open it in Chrome DevTools);
 * BENCH_OPS_PROFILE_COUNTS=<file>: of the counts measured again.
 */
async function profileIf(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function settled(p: Platform, sfn: SFNClient, stateMachineArn: string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const durableBusy = p.engine.listInstances({ statuses: ['Running', 'Pending'], limit: 1 }, false).rows.length;
    let sfnBusy = 1;
    try {
      sfnBusy =
        (await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 })))
          .executions?.length ?? 0;
    } catch {
      // an overloaded local endpoint may drop a poll; poll again
    }
    if (!durableBusy && !sfnBusy) return;
    if (Date.now() - t0 > 900_000) throw new Error('bench: the sagas did not finish within 15 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const p = await startPlatform({
    appRoot,
    port: 0,
    store: 'memory',
    settings: { LOCAL_STEPFUNCTIONS_STORE: 'memory', LOCAL_COSMOS_STORE: 'memory', LOCAL_SERVICES_STORE: 'memory' },
    logLevel: 'error',
    log: (level, message) => level === 'error' && !message.includes("Executed 'Functions.") && console.error(message),
  });
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: `${p.url}/stepfunctions`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const stateMachineArn = p.aws!.lambda.stateMachines().find((s) => s.name === orderSaga.orchestrator)!.arn;
    const audit = new HeapSampledAudit(
      new CosmosAuditLog(() => p.clouds.cosmos!.client.database('orders').container('ops-audit')),
    );
    const binding = p.durableClientInput() as { baseUrl: string; requiredQueryStringParameters: string };
    const stuck = () => ({ definition: orderSaga, nowMs: Date.now(), thresholdMs: DEFAULT_STUCK_THRESHOLD_MS });
    const ops = new OpsService(
      [
        new DurableBackend(
          new DurableManagementApi({ baseUrl: binding.baseUrl, requiredQuery: binding.requiredQueryStringParameters }),
          orderSaga,
          stuck,
        ),
        new StepFunctionsBackend(
          sfn,
          orderSaga,
          stuck,
          NEEDS_ATTENTION_ERROR,
          stateMachineArn,
          new CosmosRunOutcomes(() => p.clouds.cosmos!.client.database('orders').container('run-outcomes')),
        ),
      ],
      audit,
      orderSaga,
    );
    const df = await import('durable-functions');
    const client = df.getClient({
      options: { extraInputs: [{ type: 'durableClient', name: 'client' }] },
      extraInputs: { get: () => binding },
    } as never);

    const half = Math.floor(runs / 2);
    const t0 = Date.now();
    // Made in waves that finish before the next starts: thousands of sagas in flight at once in this one process
    // time out its Cosmos DB and Service Bus calls (the platform's limit, not the operator tool's).
    for (let from = 0; from < half; from += WAVE) {
      await inBatches(
        Array.from({ length: Math.min(WAVE, half - from) }, (_, i) => `bench-df-${from + i}`),
        100,
        (id) => client.startNew(orderSaga.orchestrator, { instanceId: id, input: order(id) }),
      );
      await settled(p, sfn, stateMachineArn);
    }
    for (let from = 0; from < runs - half; from += WAVE) {
      await inBatches(
        Array.from({ length: Math.min(WAVE, runs - half - from) }, (_, i) => `bench-sfn-${from + i}`),
        50,
        (id) => sfn.send(new StartExecutionCommand({ stateMachineArn, name: id, input: JSON.stringify(order(id)) })),
      );
      await settled(p, sfn, stateMachineArn);
    }
    // One order on both engines, for show's diff.
    await client.startNew(orderSaga.orchestrator, { instanceId: 'bench-both', input: order('bench-both') });
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'bench-both', input: JSON.stringify(order('bench-both')) }),
    );
    await settled(p, sfn, stateMachineArn);
    const made = ((Date.now() - t0) / 1000).toFixed(0);

    const firstPageSfnCold = await timed(1, () =>
      ops.list({ statuses: ['Compensated'] }, 50, undefined, ['stepFunctions']),
    );
    const firstPage = await timed(20, () => ops.list({ statuses: ['Compensated'], orderIdPrefix: 'bench-' }, 50));
    const firstPageSfn = await timed(20, () =>
      ops.list({ statuses: ['Compensated'] }, 50, undefined, ['stepFunctions']),
    );
    let counts = await ops.counts({ orderIdPrefix: 'no-such-order' });
    const countsCold = await timed(1, async () => (counts = await ops.counts({})));
    const stopCountsProfile = await profileIf(process.env.BENCH_OPS_PROFILE_COUNTS);
    const countsWarm = await timed(3, () => ops.counts({}));
    await stopCountsProfile();
    const show = await timed(20, () => ops.show('bench-both'));

    /** `n` order ids, half per engine (the selection as a caller sends it). */
    const selectionOf = (n: number) => [
      ...Array.from({ length: Math.floor(n / 2) }, (_, i) => `bench-df-${i}`),
      ...Array.from({ length: n - Math.floor(n / 2) }, (_, i) => `bench-sfn-${i}`),
    ];
    // The dry run alone, for selections of growing size: its live heap at each page boundary (after a full GC),
    // apart from the platform running sagas. Then a filter over every run (no list of ids at all).
    const flat: { measure: string; value: string }[] = [];
    const dryRun = async (label: string, selection: ReplaySelection) => {
      audit.reset();
      const t = performance.now();
      const plan = (await ops.replay(operator, {
        selection,
        mode: 'restart',
        reason: 'bench',
        dryRun: true,
      })) as ReplayPlan;
      const ms = performance.now() - t;
      const peakMb = audit.stop();
      const n = plan.summary.eligible + plan.summary.ineligible;
      flat.push({
        measure: `dry run ${label}: ${n} sagas; peak live heap above the start`,
        value: `${peakMb.toFixed(1)} MB (${ms.toFixed(0)} ms with ${audit.samples} GCs, ${((n * 1000) / ms).toFixed(0)} sagas/s)`,
      });
      return plan;
    };
    for (const n of [500, 2_000, 5_000].filter((x) => x <= half * 2))
      await dryRun(`of ${n} order ids`, { orderIds: selectionOf(n) });
    await dryRun('of a filter over every run (orderId=bench-)', { where: { orderIdPrefix: 'bench-' } });

    const request = { selection: { orderIds: selectionOf(replayCount) }, mode: 'restart' as const, reason: 'bench' };
    const stopProfile = await profileIf(process.env.BENCH_OPS_PROFILE);
    const tp = performance.now();
    const plan = (await ops.replay(operator, { ...request, dryRun: true })) as ReplayPlan;
    const planMs = performance.now() - tp;
    await stopProfile();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const ta = performance.now();
    const results = (await ops.replay(operator, {
      ...request,
      dryRun: false,
      planHash: plan.planHash,
      bounds: { concurrency: 8, perSecond: 1000 },
    })) as ReplayResults;
    // The whole call: the stored plan checked (every saga read again), then each saga re-planned and started.
    const applyMs = performance.now() - ta;
    global.gc?.();
    const applyHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    await settled(p, sfn, stateMachineArn);

    console.log(
      `\nOperator tool over ${counts.total} saga runs (${half} Durable, ${runs - half} Step Functions; made in ${made} s), ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}:`,
    );
    console.table([
      {
        measure: 'list: first page, 50 rows, status=Compensated, both engines (median of 20)',
        value: `${firstPage.toFixed(0)} ms`,
      },
      {
        measure: 'list: first page, 50 rows, Step Functions only, first call',
        value: `${firstPageSfnCold.toFixed(0)} ms`,
      },
      {
        measure: 'list: first page, 50 rows, Step Functions only, again (median of 20)',
        value: `${firstPageSfn.toFixed(0)} ms`,
      },
      { measure: `counts per status over all ${counts.total} runs, first time`, value: `${countsCold.toFixed(0)} ms` },
      {
        measure: `counts per status over all ${counts.total} runs, again (median of 3)`,
        value: `${countsWarm.toFixed(0)} ms`,
      },
      { measure: 'show: one order on both engines, timelines and diff (median of 20)', value: `${show.toFixed(0)} ms` },
      ...flat,
      {
        measure: `replay dry run: plan for ${plan.summary.eligible + plan.summary.ineligible} sagas`,
        value: `${planMs.toFixed(0)} ms`,
      },
      {
        measure: `replay apply: ${results.summary.applied} restarts (concurrency 8)`,
        value: `${results.summary.perSecond} sagas/s`,
      },
      {
        measure: `replay apply, the whole call (stored plan checked, then ${results.summary.applied} re-checked and started)`,
        value: `${applyMs.toFixed(0)} ms (${((results.summary.applied * 1000) / applyMs).toFixed(1)} sagas/s)`,
      },
      {
        measure: 'apply: live heap after it above before it, after GC (the platform runs the restarts in-process)',
        value: `${applyHeapMb.toFixed(1)} MB`,
      },
    ]);
    if (results.summary.applied !== replayCount)
      throw new Error(
        `bench: ${results.summary.failed} restarts failed: ${JSON.stringify(results.results.find((r) => r.result !== 'applied'))}`,
      );
  } finally {
    sfn.destroy();
    await p.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
