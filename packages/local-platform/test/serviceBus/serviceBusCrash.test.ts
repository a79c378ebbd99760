// kill -9 of a platform that is taking Service Bus sends over REST: every message answered 201 is there after a
// restart on the same store, exactly once, with its sequence number; one that a function was consuming is delivered
// to it again (at least once), and sequence numbers go on from where they were. The fixture app's function writes a
// line per delivery with its process id, so the test can tell the two lives of the platform apart.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, '../fixtures/servicebus-crash-app');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'servicebus-crash-'));
const effects = path.join(dir, 'effects.log');
const SENDERS = 32;
/** Acknowledged sends after which the platform is killed, with more still in flight. */
const KILL_AFTER = 400;

interface Life {
  child: ChildProcess;
  url: string;
  pid: number;
}

function startLife(): Promise<Life> {
  const child = spawn(process.execPath, [path.join(fixture, 'run-platform.js')], {
    env: {
      ...process.env,
      SB_CRASH_DURABLE_STORE: path.join(dir, 'durable.sqlite'),
      SB_CRASH_SERVICES_STORE: path.join(dir, 'services.sqlite'),
      SB_CRASH_EFFECTS_FILE: effects,
      WEBSITE_HOSTNAME: '',
    },
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

const send = (life: Life, queue: string, messageId: string): Promise<Response> =>
  fetch(`${life.url}/servicebus/${queue}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', brokerproperties: JSON.stringify({ MessageId: messageId }) },
    body: JSON.stringify({ messageId }),
  });

/** MessageId and SequenceNumber of every message in a queue, browsed without locking. */
async function browse(life: Life, queue: string): Promise<{ id: string; sequenceNumber: number }[]> {
  const res = await fetch(`${life.url}/servicebus/${queue}/messages?peek=100000`);
  const { messages } = (await res.json()) as {
    messages: { brokerProperties: { MessageId: string; SequenceNumber: number } }[];
  };
  return messages.map((m) => ({ id: m.brokerProperties.MessageId, sequenceNumber: m.brokerProperties.SequenceNumber }));
}

function deliveries(): { id: string; pid: number; deliveryCount: number }[] {
  if (!fs.existsSync(effects)) return [];
  return fs
    .readFileSync(effects, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, pid, count] = l.split('|');
      return { id, pid: Number(pid), deliveryCount: Number(count) };
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Service Bus crash safety on the file store (SIGKILL)', () => {
  let life: Life | undefined;
  afterAll(() => {
    life?.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message exactly once and delivers each to its function', async () => {
    const first = await startLife();
    life = first;
    const acknowledged = { orders: new Set<string>(), parked: new Set<string>() };
    const attempted = new Set<string>();
    let next = 0;
    let killed: Promise<void> | undefined;
    let dead = false;
    // Senders keep going until the process is gone; the requests in flight then fail, and are owed nothing.
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (!dead) {
          const queue = next % 2 === 0 ? 'orders' : 'parked';
          const id = `${queue}-${next++}`;
          attempted.add(id);
          try {
            const res = await send(first, queue, id);
            if (res.status !== 201) throw new Error(`send ${id}: ${res.status} ${await res.text()}`);
            acknowledged[queue].add(id);
          } catch (e) {
            if (!killed) throw e;
          }
          if (!killed && acknowledged.orders.size + acknowledged.parked.size >= KILL_AFTER)
            killed = kill(first).then(() => void (dead = true));
        }
      }),
    );
    // The kill must catch sends in flight (acknowledged < attempted), or the test proves little.
    expect(acknowledged.orders.size + acknowledged.parked.size).toBeLessThan(attempted.size);

    life = await startLife();
    const parked = await browse(life, 'parked');
    const parkedIds = parked.map((m) => m.id);
    expect(new Set(parkedIds).size, 'a parked message is there twice').toBe(parkedIds.length);
    for (const id of acknowledged.parked) expect(parkedIds, `acknowledged ${id} is lost`).toContain(id);
    for (const id of parkedIds) expect(attempted.has(id), `${id} was never sent`).toBe(true);
    expect(new Set(parked.map((m) => m.sequenceNumber)).size).toBe(parked.length);
    const res = await send(life, 'parked', 'after-restart');
    expect(res.status).toBe(201);
    const [afterRestart] = (await browse(life, 'parked')).filter((m) => m.id === 'after-restart');
    expect(afterRestart.sequenceNumber).toBeGreaterThan(Math.max(0, ...parked.map((m) => m.sequenceNumber)));

    // Every acknowledged order reaches the function; the queue then drains.
    for (let round = 0; round < 400; round++) {
      const seen = new Set(deliveries().map((d) => d.id));
      if ([...acknowledged.orders].every((id) => seen.has(id)) && (await browse(life, 'orders')).length === 0) break;
      await sleep(25);
    }
    const lines = deliveries();
    for (const id of acknowledged.orders) {
      const runs = lines.filter((l) => l.id === id);
      expect(runs.length, `acknowledged ${id} was never delivered`).toBeGreaterThanOrEqual(1);
      // At most once per life: a second delivery only after the crash, of a message whose completion was lost.
      expect(new Set(runs.map((r) => r.pid)).size, `${id} delivered twice in one life`).toBe(runs.length);
      // The redelivery counts the delivery the crash interrupted.
      if (runs.length === 2) expect(runs[1].deliveryCount).toBe(runs[0].deliveryCount + 1);
    }
    for (const l of lines) expect(attempted.has(l.id), `${l.id} was never sent`).toBe(true);
    expect(await browse(life, 'orders')).toEqual([]);
    expect(await browse(life, 'orders/$DeadLetterQueue')).toEqual([]);
  }, 120_000);
});
