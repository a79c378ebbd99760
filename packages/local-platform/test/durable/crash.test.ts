import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, '../fixtures/crash-app');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-crash-'));
const store = path.join(dir, 'durable.sqlite');
const effects = path.join(dir, 'effects.log');
const STEPS = ['reserve', 'charge', 'notify', 'sync'];
const INSTANCES = 50;

interface Life {
  child: ChildProcess;
  url: string;
  pid: number;
}

function startLife(): Promise<Life> {
  const child = spawn(process.execPath, [path.join(fixture, 'run-platform.js')], {
    env: { ...process.env, CRASH_STORE: store, CRASH_EFFECTS_FILE: effects, WEBSITE_HOSTNAME: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], pid: child.pid! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
}

function kill(life: Life): Promise<void> {
  return new Promise((resolve) => {
    life.child.once('exit', () => resolve());
    life.child.kill('SIGKILL');
  });
}

/** `orderId|step` of every activity whose completion is committed in the store's history. */
function committedSteps(): Set<string> {
  const db = new Database(store, { readonly: true });
  try {
    const rows = db.prepare('SELECT instance_id, event FROM history ORDER BY instance_id, seq').all() as {
      instance_id: string;
      event: string;
    }[];
    const scheduled = new Map<string, string>();
    const done = new Set<string>();
    type Event = { EventType: number; EventId: number; Input?: string; TaskScheduledId?: number };
    // A row holds one episode's events as a JSON array.
    for (const r of rows.flatMap((row) => (JSON.parse(row.event) as Event[]).map((event) => ({ ...row, event })))) {
      const e = r.event;
      if (e.EventType === 4)
        scheduled.set(`${r.instance_id}#${e.EventId}`, (JSON.parse(e.Input!) as { step: string }).step);
      if (e.EventType === 5) done.add(`${r.instance_id}|${scheduled.get(`${r.instance_id}#${e.TaskScheduledId}`)}`);
    }
    return done;
  } finally {
    db.close();
  }
}

function effectLines(): { orderId: string; step: string; pid: number }[] {
  if (!fs.existsSync(effects)) return [];
  return fs
    .readFileSync(effects, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [orderId, step, pid] = l.split('|');
      return { orderId, step, pid: Number(pid) };
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety on the file store (SIGKILL)', () => {
  let life: Life | undefined;
  afterAll(() => {
    life?.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no instance, re-runs no activity whose completion was committed, fires overdue timers on start', async () => {
    life = await startLife();
    const ids = Array.from({ length: INSTANCES }, (_, i) => `crash-${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const res = await fetch(`${life!.url}/runtime/webhooks/durabletask/orchestrators/crashSaga/${id}`, {
          method: 'POST',
          body: JSON.stringify(id),
        });
        expect(res.status).toBe(202);
      }),
    );

    // Kill at random points while the sagas run; after each kill, remember what was committed.
    const committedBefore = new Map<number, Set<string>>();
    for (let k = 0; k < 4; k++) {
      await sleep(5 + Math.floor(Math.random() * 60));
      await kill(life);
      const committed = committedSteps();
      life = await startLife();
      committedBefore.set(life.pid, committed);
    }

    // The first kill must have caught sagas in flight, or the test proves nothing.
    expect([...committedBefore.values()][0].size).toBeLessThan(INSTANCES * STEPS.length);

    const statuses = new Map<string, { runtimeStatus: string; output: unknown }>();
    for (let round = 0; round < 200 && statuses.size < INSTANCES; round++) {
      for (const id of ids) {
        if (statuses.has(id)) continue;
        const s = (await (await fetch(`${life.url}/runtime/webhooks/durabletask/instances/${id}`)).json()) as {
          runtimeStatus: string;
          output: unknown;
        };
        if (['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus)) statuses.set(id, s);
      }
      if (statuses.size < INSTANCES) await sleep(50);
    }
    expect(statuses.size).toBe(INSTANCES);
    for (const id of ids) {
      expect(statuses.get(id)).toMatchObject({ runtimeStatus: 'Completed', output: STEPS.map((s) => `${s}:${id}`) });
    }

    const lines = effectLines();
    for (const id of ids) {
      for (const step of STEPS) {
        const runs = lines.filter((l) => l.orderId === id && l.step === step);
        // At least once: every completed step left its side effect ...
        expect(runs.length, `${id}/${step}`).toBeGreaterThanOrEqual(1);
        // ... at most once per life of the platform ...
        expect(new Set(runs.map((r) => r.pid)).size, `${id}/${step} ran twice in one process`).toBe(runs.length);
        // ... and never again in a life that started after its completion was committed.
        for (const r of runs) {
          expect(committedBefore.get(r.pid)?.has(`${id}|${step}`) ?? false, `${id}/${step} re-ran after commit`).toBe(
            false,
          );
        }
      }
    }
    // Each history holds exactly one completion per step.
    const finalCommitted = committedSteps();
    expect(finalCommitted.size).toBe(INSTANCES * STEPS.length);
  }, 120_000);
});
