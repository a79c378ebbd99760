import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startPlatform, type Platform } from '@cross-cloud-sagas/local-platform';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

/**
 * `npm run bench` (third part): the dashboard's first meaningful paint over many saga runs. The app on the
 * embedded platform (real time, in-memory stores) gets BENCH_DASHBOARD_RUNS runs (default 10,000), half on each
 * engine: real sagas of out-of-stock orders (reserve refused, release: Compensated), and 1% started without an
 * order (Failed at once), as bench/ops.ts seeds them. Then Chromium opens each page cold
 * (page load, modules, session, the API call, drawing) and the time until its data is on screen is measured,
 * BENCH_DASHBOARD_REPEATS times (default 7), reporting the median and the slowest.
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium); without it this part says so and is skipped.
 */

const appRoot = path.join(__dirname, '..', '..');
const total = Number(process.env.BENCH_DASHBOARD_RUNS ?? 10_000);
const repeats = Number(process.env.BENCH_DASHBOARD_REPEATS ?? 7);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const KEY = 'bench-reader-key-0123456789abcdef';

async function inBatches(count: number, size: number, each: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += size)
    await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, k) => each(i + k)));
}

function order(orderId: string) {
  return {
    orderId,
    customer: { id: `c-${orderId}`, email: `${orderId}@example.com` },
    lines: [{ sku: 'SKU-NONE', qty: 1, unitPrice: 4.5 }],
    currency: 'EUR',
    total: 4.5,
    paymentMethod: 'pm_card_visa',
  };
}

/** Seeds the runs; answers how long it took and one order's id (a real saga on Step Functions). */
async function seed(p: Platform): Promise<{ seconds: number; sampleOrder: string }> {
  const perEngine = Math.floor(total / 2);
  const failing = Math.max(1, Math.floor(perEngine / 100));
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: `${p.url}/stepfunctions`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stateMachineArn = p.aws!.lambda.stateMachines().find((s) => s.name === 'orderSaga')!.arn;
  const t0 = performance.now();
  await inBatches(perEngine, 100, (i) => {
    const id = i < failing ? `bench-df-fail-${i}` : `bench-df-${i}`;
    return p.engine.startNew('orderSaga', { instanceId: id, input: i < failing ? 'null' : JSON.stringify(order(id)) });
  });
  await inBatches(perEngine, 50, (i) => {
    const name = i < failing ? `bench-sfn-fail-${i}` : `bench-sfn-${i}`;
    const input = i < failing ? 'null' : JSON.stringify(order(name));
    return sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
  });
  // Until every run is over on both engines (asked of the engines directly: cheap at any number of runs).
  for (;;) {
    const durableOpen = p.engine.listInstances({ statuses: ['Pending', 'Running'], limit: 1 }, false).rows.length;
    const sfnOpen = (
      await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }))
    ).executions?.length;
    if (!durableOpen && !sfnOpen) break;
    if (performance.now() - t0 > 900_000) throw new Error('bench: runs not over after 15 min');
    await new Promise((r) => setTimeout(r, 1000));
  }
  sfn.destroy();
  return { seconds: (performance.now() - t0) / 1000, sampleOrder: `bench-sfn-${perEngine - 1}` };
}

interface Case {
  view: string;
  fragment: string;
  /** What on the page means its data is shown. */
  ready: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!fs.existsSync(chromiumPath)) {
    console.log(`Dashboard first paint: SKIPPED, no Chromium at ${chromiumPath} (apt-get install -y chromium).`);
    return;
  }
  const platform = await startPlatform({
    appRoot,
    port: 0,
    store: 'memory',
    settings: {
      LOCAL_STEPFUNCTIONS_STORE: 'memory',
      LOCAL_COSMOS_STORE: 'memory',
      LOCAL_SERVICES_STORE: 'memory',
      OPS_READER_KEYS: `bench=${KEY}`,
    },
    logLevel: 'silent',
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const { seconds: seedSeconds, sampleOrder } = await seed(platform);
    const ui = `${platform.url}/api/ops/ui/`;
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    console.log(`Dashboard first paint: ${total} runs seeded in ${seedSeconds.toFixed(0)} s; loading each view…`);
    await page.goto(`${ui}#/sagas`);
    await page.getByLabel('Ops key').fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.sagas').waitFor({ timeout: 300_000 });
    const cases: Case[] = [
      { view: 'list, no filter (50 rows, both engines)', fragment: '#/sagas', ready: 'table.sagas tbody tr' },
      {
        view: 'list, status=Failed (1% of runs, both engines)',
        fragment: '#/sagas?status=Failed',
        ready: 'table.sagas tbody tr',
      },
      {
        view: 'list, engine=stepFunctions & status=Compensated',
        fragment: '#/sagas?engine=stepFunctions&status=Compensated',
        ready: 'table.sagas tbody tr',
      },
      // Each engine is asked apart and drawn when it answers: Durable first (a listing), then Step Functions.
      {
        view: 'overview: Durable counts drawn (first paint)',
        fragment: '#/',
        ready: 'table.counts[data-counted~=durable]',
      },
      { view: 'overview: both engines counted', fragment: '#/', ready: 'table.counts[aria-busy=false]' },
      { view: 'order page (one order)', fragment: `#/orders/${sampleOrder}`, ready: 'table.timeline' },
    ];
    const rows = [];
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        // A cold load each time: a blank page first, so the dashboard's HTML, modules and data all load again.
        await page.goto('about:blank');
        const t0 = performance.now();
        await page.goto(ui + c.fragment);
        await page.locator(`${c.ready}, main p.error`).first().waitFor({ timeout: 300_000 });
        const error = page.locator('main p.error');
        if (await error.count())
          throw new Error(`bench: ${c.view} shows an error: ${await error.first().textContent()}`);
        times.push(performance.now() - t0);
        // A view slower than 10 s is measured once: its figure is what matters, not its spread.
        if (times[0] > 10_000) break;
      }
      rows.push({ view: c.view, 'median ms': Math.round(median(times)), 'max ms': Math.round(Math.max(...times)) });
    }
    console.log(
      `\nDashboard first paint: ${total.toLocaleString('en')} runs (${(total / 2).toLocaleString('en')} per engine, seeded in ${seedSeconds.toFixed(0)} s), ${repeats} cold loads per view in Chromium; ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}`,
    );
    console.table(rows);
  } finally {
    await browser.close();
    await platform.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
