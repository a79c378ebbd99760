// Durability on a file store: the endpoint runs in a child process that is killed with SIGKILL while the SDK
// writes to it; started again on the same file, it has every write it acknowledged (and nothing half-written).
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { type Container, CosmosClient } from '@azure/cosmos';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_COSMOS_KEY } from '../../src/cosmos/cosmosServer';
import { tempDir } from './localCosmosFixture';

const runner = path.join(__dirname, '../fixtures/cosmos-crash/run-cosmos.js');
const dir = tempDir('cosmos-crash-');
const store = path.join(dir, 'cosmos.sqlite');

interface Life {
  child: ChildProcess;
  client: CosmosClient;
  orders: Container;
}

function start(): Promise<Life> {
  const child = spawn(process.execPath, [runner], {
    env: { ...process.env, COSMOS_CRASH_STORE: store },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the endpoint did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const endpoint = /READY (\S+)/.exec(out)?.[1];
      if (!endpoint) return;
      clearTimeout(timer);
      const client = new CosmosClient({
        endpoint,
        key: LOCAL_COSMOS_KEY,
        agent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }),
        connectionPolicy: { enableEndpointDiscovery: false, requestTimeout: 5_000 },
      });
      resolve({ child, client, orders: client.database('shop').container('orders') });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the endpoint exited (${code}):\n${out}`)));
  });
}

function kill(life: Life): Promise<void> {
  life.client.dispose();
  return new Promise((resolve) => {
    life.child.once('exit', () => resolve());
    life.child.kill('SIGKILL');
  });
}

let life: Life | undefined;
afterAll(() => {
  life?.child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the local Cosmos DB on a file store, killed with SIGKILL', () => {
  it('keeps every acknowledged create, patch, batch and delete across two kills', async () => {
    life = await start();
    type State = { customer: string; n: number } | 'absent';
    // What each document was last acknowledged as, and the write in flight when the process died (which may or may
    // not have been committed: the kill can land between the commit and the answer).
    const acknowledged = new Map<string, State>();
    const inFlight = new Map<string, State>();
    const write = async (id: string, next: State, call: () => Promise<unknown>): Promise<void> => {
      inFlight.set(id, next);
      await call();
      acknowledged.set(id, next);
      inFlight.delete(id);
    };
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `w${w}-${i}`;
        const customer = `c${i % 5}`;
        const item = () => life!.orders.item(id, customer);
        try {
          await write(id, { customer, n: 0 }, () => life!.orders.items.create({ id, customer, n: 0 }));
          if (i % 3 === 0)
            await write(id, { customer, n: 1 }, () => item().patch([{ op: 'incr', path: '/n', value: 1 }]));
          if (i % 7 === 0) await write(id, 'absent', () => item().delete());
        } catch {
          return; // the process is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    // Kill mid-stream once enough writes are acknowledged (counted, not timed: a busy machine is slower).
    for (let waited = 0; acknowledged.size <= 60 && waited < 20_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    await kill(life);
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.size).toBeGreaterThan(50);

    life = await start();
    const batch = await life.orders.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b1', customer: 'cb', n: 1 } },
        { operationType: 'Create', resourceBody: { id: 'b2', customer: 'cb', n: 2 } },
      ],
      'cb',
    );
    expect(batch.code).toBe(200);
    acknowledged.set('b1', { customer: 'cb', n: 1 }).set('b2', { customer: 'cb', n: 2 });
    await kill(life);

    life = await start();
    const { resources } = await life.orders.items
      .query<{ id: string; customer: string; n: number }>('SELECT c.id, c.customer, c.n FROM c')
      .fetchAll();
    const found = new Map<string, State>(resources.map((d) => [d.id, { customer: d.customer, n: d.n }]));
    for (const id of new Set([...acknowledged.keys(), ...inFlight.keys(), ...found.keys()])) {
      const allowed = [acknowledged.get(id) ?? 'absent', ...(inFlight.has(id) ? [inFlight.get(id)] : [])];
      expect(allowed, `${id}: found ${JSON.stringify(found.get(id) ?? 'absent')}`).toContainEqual(
        found.get(id) ?? 'absent',
      );
    }
  });
});
