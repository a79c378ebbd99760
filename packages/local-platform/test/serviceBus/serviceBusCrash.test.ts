// kill -9 of a platform that is taking Service Bus sends, over REST and over AMQP (the real @azure/service-bus):
// every message acknowledged (REST 201, AMQP accepted) is there after a restart on the same store, exactly once,
// with its sequence number; one that a function was consuming is delivered
// to it again (at least once), and sequence numbers go on from where they were. The fixture app's function writes a
// line per delivery with its process id, so the test can tell the two lives of the platform apart.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, '../fixtures/servicebus-crash-app');
const SENDERS = 32;
/** Acknowledged sends after which the platform is killed, with more still in flight. */
const KILL_AFTER = 400;

interface Life {
  child: ChildProcess;
  url: string;
  connectionString: string;
  pid: number;
}

function startLife(dir: string, effects: string): Promise<Life> {
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
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], connectionString: m[2], pid: child.pid! });
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

/** Sends one message; resolves once the broker acknowledged it, rejects otherwise. */
type Send = (life: Life, queue: string, messageId: string) => Promise<void>;

const restSend: Send = async (life, queue, messageId) => {
  const res = await fetch(`${life.url}/servicebus/${queue}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', brokerproperties: JSON.stringify({ MessageId: messageId }) },
    body: JSON.stringify({ messageId }),
  });
  if (res.status !== 201) throw new Error(`send ${messageId}: ${res.status} ${await res.text()}`);
};

/** The real SDK: one client per life, no retries (a send in flight at the kill must fail, not land later). */
function amqpSend(): { send: Send; close(): Promise<void> } {
  const clients = new Map<Life, ServiceBusClient>();
  return {
    send: async (life, queue, messageId) => {
      let client = clients.get(life);
      if (!client) {
        client = new ServiceBusClient(life.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5000 } });
        clients.set(life, client);
      }
      await client
        .createSender(queue)
        .sendMessages({ body: { messageId }, messageId, contentType: 'application/json' });
    },
    close: async () => {
      // A client of a killed life may wait on its dead connection: give each a moment, no more.
      const closed = (c: ServiceBusClient) =>
        Promise.race([c.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      await Promise.all([...clients.values()].map(closed));
    },
  };
}

/** MessageId and SequenceNumber of every message in a queue, browsed without locking. */
async function browse(life: Life, queue: string): Promise<{ id: string; sequenceNumber: number }[]> {
  const res = await fetch(`${life.url}/servicebus/${queue}/messages?peek=100000`);
  const { messages } = (await res.json()) as {
    messages: { brokerProperties: { MessageId: string; SequenceNumber: number } }[];
  };
  return messages.map((m) => ({ id: m.brokerProperties.MessageId, sequenceNumber: m.brokerProperties.SequenceNumber }));
}

function deliveries(effects: string): { id: string; pid: number; deliveryCount: number }[] {
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

describe.each(['REST', 'AMQP'] as const)(
  'Service Bus crash safety on the file store (SIGKILL), sends over %s',
  (transport) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'servicebus-crash-'));
    const effects = path.join(dir, 'effects.log');
    const amqp = amqpSend();
    const send: Send = transport === 'REST' ? restSend : amqp.send;
    let life: Life | undefined;
    afterAll(async () => {
      life?.child.kill('SIGKILL');
      await amqp.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every acknowledged message exactly once and delivers each to its function', async () => {
      const first = await startLife(dir, effects);
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
              await send(first, queue, id);
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

      life = await startLife(dir, effects);
      const parked = await browse(life, 'parked');
      const parkedIds = parked.map((m) => m.id);
      expect(new Set(parkedIds).size, 'a parked message is there twice').toBe(parkedIds.length);
      for (const id of acknowledged.parked) expect(parkedIds, `acknowledged ${id} is lost`).toContain(id);
      for (const id of parkedIds) expect(attempted.has(id), `${id} was never sent`).toBe(true);
      expect(new Set(parked.map((m) => m.sequenceNumber)).size).toBe(parked.length);
      await send(life, 'parked', 'after-restart');
      const [afterRestart] = (await browse(life, 'parked')).filter((m) => m.id === 'after-restart');
      expect(afterRestart.sequenceNumber).toBeGreaterThan(Math.max(0, ...parked.map((m) => m.sequenceNumber)));

      // Every acknowledged order reaches the function; the queue then drains.
      for (let round = 0; round < 400; round++) {
        const seen = new Set(deliveries(effects).map((d) => d.id));
        if ([...acknowledged.orders].every((id) => seen.has(id)) && (await browse(life, 'orders')).length === 0) break;
        await sleep(25);
      }
      const lines = deliveries(effects);
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
  },
);

describe('Service Bus sessions through a SIGKILL (the real @azure/service-bus)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'servicebus-crash-sessions-'));
  const effects = path.join(dir, 'effects.log');
  const clients: ServiceBusClient[] = [];
  let life: Life | undefined;
  const client = (l: Life): ServiceBusClient => {
    const c = new ServiceBusClient(l.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5000 } });
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    life?.child.kill('SIGKILL');
    await Promise.all(
      clients.map((c) => Promise.race([c.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))])),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged session messages, settlements and session state; the session lock does not survive', async () => {
    const first = await startLife(dir, effects);
    life = first;
    const before = client(first);
    const sent = Array.from({ length: 30 }, (_, i) => ({ body: `m${i}`, messageId: `m${i}`, sessionId: `s${i % 3}` }));
    await before.createSender('by-customer').sendMessages(sent);
    const s0 = await before.acceptSession('by-customer', 's0');
    await s0.setSessionState({ processed: 1 });
    const [m0, m3] = await s0.receiveMessages(2, { maxWaitTimeInMs: 2000 });
    expect([m0.messageId, m3.messageId]).toEqual(['m0', 'm3']);
    await s0.completeMessage(m0);
    // Acknowledged: the state, the completion of m0 and the delivery of m3. The platform dies holding the session.
    await kill(first);

    life = await startLife(dir, effects);
    const after = client(life);
    const again = await after.acceptSession('by-customer', 's0');
    expect(await again.getSessionState()).toEqual({ processed: 1 });
    const rest: { id: string; count: number }[] = [];
    for (;;) {
      const got = await again.receiveMessages(20, { maxWaitTimeInMs: 1000 });
      if (!got.length) break;
      for (const m of got) {
        rest.push({ id: String(m.messageId), count: m.deliveryCount ?? -1 });
        await again.completeMessage(m);
      }
    }
    // In order, m0 gone, m3 again with the interrupted delivery counted.
    expect(rest.map((r) => r.id)).toEqual(['m3', 'm6', 'm9', 'm12', 'm15', 'm18', 'm21', 'm24', 'm27']);
    expect(rest[0].count).toBe(1);
    await again.close();
    for (const id of ['s1', 's2']) {
      const other = await after.acceptSession('by-customer', id);
      const got: ServiceBusReceivedMessage[] = [];
      while (got.length < 10) {
        const more = await other.receiveMessages(20, { maxWaitTimeInMs: 1000 });
        if (!more.length) break;
        got.push(...more);
      }
      expect(got).toHaveLength(10);
      await Promise.all(got.map((m) => other.completeMessage(m)));
      await other.close();
    }
  }, 60_000);
});
