import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { RealClock } from '../src/clock';
import { ServiceDatabase } from '../src/persistence/serviceDatabase';
import { ServiceBusAmqpListener } from '../src/serviceBus/amqp';
import { parseServiceBusConfig } from '../src/serviceBus/config';
import { ServiceBusNamespace } from '../src/serviceBus/namespace';
import { ServiceBusRestApi } from '../src/serviceBus/restApi';
import { serveMountedApi } from '../src/testing/serveMountedApi';

/**
 * `npm run bench` (after Cosmos DB): the local Service Bus moving N small messages (send, receive in peek-lock,
 * complete) through the real @azure/service-bus over AMQP, batched and one by one, and through the REST protocol
 * in the same run, on a namespace written through to a SQLite file as the platform runs it (every acknowledgement
 * after its commit). Environment: BENCH_SB_MESSAGES (default 10000), BENCH_SB_CONCURRENCY (default 64),
 * BENCH_SB_PATHS (default batched,single,batched-worker,single-worker,rest-batched,rest-single). The -worker paths run
 * the same SDK client in a worker thread, as `npm start` runs the app (LOCAL_FUNCTIONS_WORKER=thread) or a client in
 * another process would be, so broker and client each have a core; the others share one thread, as an app run inline.
 */

const N = Number(process.env.BENCH_SB_MESSAGES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SB_CONCURRENCY ?? 64);
const KEY = 'bench-key';
const QUEUE = 'bench';

interface Row {
  path: string;
  messages: number;
  'send msg/s': number;
  'receive+complete msg/s': number;
  'end-to-end msg/s': number;
  /** Process CPU (user + system) per message end to end: the broker's and the client's, both in this process. */
  'CPU µs/msg': number;
}

async function pool(count: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

const body = (i: number): Buffer => Buffer.from(JSON.stringify({ i, type: 'OrderPlaced' }));

/** CPU used by the process while the timed parts ran (µs), summed over a path's phases. */
let cpuMicros = 0;

async function timed(fn: () => Promise<void>): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  cpuMicros += cpu.user + cpu.system;
  return (performance.now() - t0) / 1000;
}

function row(name: string, sendS: number, receiveS: number): Row {
  const cpu = cpuMicros;
  cpuMicros = 0;
  return {
    path: name,
    messages: N,
    'send msg/s': Math.round(N / sendS),
    'receive+complete msg/s': Math.round(N / receiveS),
    'end-to-end msg/s': Math.round(N / (sendS + receiveS)),
    'CPU µs/msg': Math.round(cpu / N),
  };
}

async function sdkBatched(client: ServiceBusClient): Promise<Row> {
  const sender = client.createSender(QUEUE);
  const sendS = await timed(async () => {
    const batches: Awaited<ReturnType<typeof sender.createMessageBatch>>[] = [];
    let batch = await sender.createMessageBatch();
    for (let i = 0; i < N; i++) {
      const m: ServiceBusMessage = { body: body(i), messageId: `b-${i}` };
      if (!batch.tryAddMessage(m)) {
        batches.push(batch);
        batch = await sender.createMessageBatch();
        batch.tryAddMessage(m);
      }
    }
    batches.push(batch);
    await pool(batches.length, 8, (i) => sender.sendMessages(batches[i]));
  });
  const receiver = client.createReceiver(QUEUE);
  let received = 0;
  const receiveS = await timed(async () => {
    // As a consumer that keeps up does: the next batch is asked for while this one's completions are on the wire.
    const completing: Promise<unknown>[] = [];
    while (received < N) {
      const got = await receiver.receiveMessages(Math.min(2000, N - received), { maxWaitTimeInMs: 1000 });
      received += got.length;
      completing.push(Promise.all(got.map((m) => receiver.completeMessage(m))));
    }
    await Promise.all(completing);
  });
  await receiver.close();
  await sender.close();
  return row('@azure/service-bus over AMQP, batched', sendS, receiveS);
}

async function sdkOneByOne(client: ServiceBusClient): Promise<Row> {
  const sender = client.createSender(QUEUE);
  const sendS = await timed(() =>
    pool(N, CONCURRENCY, (i) => sender.sendMessages({ body: body(i), messageId: `s-${i}` })),
  );
  const receiver = client.createReceiver(QUEUE);
  const receiveS = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        let done = 0;
        receiver.subscribe(
          {
            async processMessage(_m: ServiceBusReceivedMessage) {
              if (++done === N) setImmediate(resolve);
            },
            async processError(args) {
              reject(args.error);
            },
          },
          { maxConcurrentCalls: CONCURRENCY, autoCompleteMessages: true },
        );
      }),
  );
  await receiver.close();
  await sender.close();
  return row('@azure/service-bus over AMQP, one by one (subscribe)', sendS, receiveS);
}

async function rest(base: string, batchSize: number): Promise<Row> {
  const post = (messages: number[]) =>
    fetch(`${base}/${QUEUE}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' },
      body: JSON.stringify(
        messages.map((i) => ({ Body: body(i).toString(), BrokerProperties: { MessageId: `r-${i}` } })),
      ),
    }).then((r) => {
      if (r.status !== 201) throw new Error(`send: ${r.status}`);
    });
  const sendS = await timed(() =>
    pool(Math.ceil(N / batchSize), CONCURRENCY, (b) =>
      post(Array.from({ length: Math.min(batchSize, N - b * batchSize) }, (_, k) => b * batchSize + k)),
    ),
  );
  const receiveS = await timed(() =>
    pool(N, CONCURRENCY, async () => {
      const r = await fetch(`${base}/${QUEUE}/messages/head`, { method: 'POST' });
      if (r.status !== 201) throw new Error(`receive: ${r.status}`);
      const props = JSON.parse(r.headers.get('brokerproperties')!) as { SequenceNumber: number; LockToken: string };
      await r.arrayBuffer();
      const c = await fetch(`${base}/${QUEUE}/messages/${props.SequenceNumber}/${props.LockToken}`, {
        method: 'DELETE',
      });
      if (c.status !== 200) throw new Error(`complete: ${c.status}`);
    }),
  );
  return row(
    `REST, ${batchSize === 1 ? 'one by one' : `batches of ${batchSize}`} (peek-lock + DELETE)`,
    sendS,
    receiveS,
  );
}

/** Runs one SDK path in a worker thread against the broker in the main thread. */
function inWorker(name: 'batched' | 'single', connectionString: string): Promise<Row> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { name, connectionString } });
    worker.once('message', (r: Row) => resolve({ ...r, path: `${r.path}, client in a worker thread` }));
    worker.once('error', reject);
  });
}

async function workerMain(): Promise<void> {
  const { name, connectionString } = workerData as { name: 'batched' | 'single'; connectionString: string };
  const client = new ServiceBusClient(connectionString);
  const r = name === 'batched' ? await sdkBatched(client) : await sdkOneByOne(client);
  await client.close();
  parentPort!.postMessage(r);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const database = new ServiceDatabase({ location: path.join(dir, 'services.sqlite') });
  const config = parseServiceBusConfig(
    {
      UserConfig: {
        Namespaces: [{ Name: 'bench', Queues: [{ Name: QUEUE, Properties: { MaxDeliveryCount: 10 } }], Topics: [] }],
      },
    },
    'bench',
  );
  const namespace = new ServiceBusNamespace(config, new RealClock(), { database });
  const listener = new ServiceBusAmqpListener(namespace, { port: 0, keyName: 'RootManageSharedAccessKey', key: KEY });
  await listener.listen();
  const api = new ServiceBusRestApi(namespace, { mountPrefix: '/servicebus' });
  const served = await serveMountedApi('/servicebus', (r) => api.handle(r));
  const base = served.endpoint;
  const client = new ServiceBusClient(listener.connectionString());

  const paths: Record<string, () => Promise<Row>> = {
    batched: () => sdkBatched(client),
    single: () => sdkOneByOne(client),
    'batched-worker': () => inWorker('batched', listener.connectionString()),
    'single-worker': () => inWorker('single', listener.connectionString()),
    'rest-batched': () => rest(base, 100),
    'rest-single': () => rest(base, 1),
  };
  const rows: Row[] = [];
  for (const name of (process.env.BENCH_SB_PATHS ?? Object.keys(paths).join(',')).split(',')) {
    cpuMicros = 0;
    rows.push(await paths[name]());
  }
  if (namespace.peek(QUEUE, { maxMessages: 1 }).length) throw new Error('messages left over: a path lost count');

  console.log(
    `\nLocal Service Bus, ${N} small messages per path (send, receive in peek-lock, complete), namespace on a SQLite file, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}:`,
  );
  console.table(rows);
  await client.close();
  await listener.close();
  await served.close();
  namespace.close();
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

(isMainThread ? main() : workerMain()).catch((e) => {
  console.error(e);
  process.exit(1);
});
