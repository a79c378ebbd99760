import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The platform of the load benchmarks in a process of its own (bench/loadPlatform.ts), so that the load generator's
 * CPU is not counted as the platform's: start it on a folder of stores, ask it for its counters and CPU time,
 * profile it, stop it.
 */

const repoRoot = path.join(__dirname, '..', '..');

export interface Stats {
  type: 'stats';
  requests: Record<string, number>;
  outcomes: Record<string, number>;
  reasons: Record<string, number>;
  running: number;
  firstFinish: number;
  lastFinish: number;
  cpu: NodeJS.CpuUsage;
  threadCpuMs: { main: number; others: Record<string, number> };
}

/** CPU ms of the main thread and of the busiest other thread (the app's worker thread) between two stats. */
export function threadCpu(before: Stats, after: Stats): { main: number; worker: number } {
  const worker = Math.max(
    0,
    ...Object.entries(after.threadCpuMs.others).map(([tid, ms]) => ms - (before.threadCpuMs.others[tid] ?? 0)),
  );
  return { main: after.threadCpuMs.main - before.threadCpuMs.main, worker };
}

/** The repository's Cosmos DB configuration with these SKUs as the inventory's seed (shaped as the repo's seed). */
export function writeCosmosConfig(dir: string, skus: string[]): void {
  const configPath = path.join(repoRoot, 'infra/local/cosmos.json');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as {
    databases: { containers: { id: string; seed?: string }[] }[];
  };
  for (const c of config.databases.flatMap((d) => d.containers)) {
    if (!c.seed) continue;
    const template = (
      JSON.parse(fs.readFileSync(path.join(path.dirname(configPath), c.seed), 'utf8')) as Record<string, unknown>[]
    )[0];
    const docs = skus.map((sku) => ({ ...template, id: sku, sku, available: 1_000_000_000 }));
    fs.writeFileSync(path.join(dir, `${c.id}.seed.json`), JSON.stringify(docs));
    c.seed = `${c.id}.seed.json`;
  }
  fs.writeFileSync(path.join(dir, 'cosmos.json'), JSON.stringify(config));
}

export class PlatformProcess {
  private child?: ChildProcess;
  private waiting: ((m: { type: string }) => void)[] = [];
  url = '';
  /** The endpoints and local keys the platform filled in (COSMOS_ENDPOINT, ServiceBusConnection, ...). */
  settings: Record<string, string> = {};
  stderr = '';

  async start(dir: string): Promise<void> {
    const child = fork(path.join(__dirname, 'loadPlatform.js'), [], {
      env: { ...process.env, LOAD_DIR: dir, WEBSITE_HOSTNAME: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-20_000)));
    child.on('message', (m: { type: string }) => this.waiting.shift()?.(m));
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ type: `exited ${code}` });
    });
    const ready = (await this.next()) as { type: string; url?: string; settings?: Record<string, string> };
    if (ready.type !== 'ready') throw new Error(`The platform did not start (${ready.type}):\n${this.stderr}`);
    this.url = ready.url!;
    this.settings = ready.settings ?? {};
  }

  async stats(): Promise<Stats> {
    const answer = this.next();
    this.child!.send({ type: 'stats' });
    const m = await answer;
    if (m.type !== 'stats') throw new Error(`The platform process ended (${m.type}):\n${this.stderr}`);
    return m as Stats;
  }

  /** Starts a CPU profile of the platform process (to `file`), or stops and writes it (no file). */
  async profile(file?: string): Promise<void> {
    const answer = this.next();
    this.child!.send({ type: 'profile', file });
    await answer;
  }

  async stop(): Promise<void> {
    const child = this.child!;
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ type: 'stop' });
    await exited;
  }

  private next(): Promise<{ type: string }> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
