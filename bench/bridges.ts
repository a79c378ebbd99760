import {
  CreateArchiveCommand,
  DescribeArchiveCommand,
  EventBridgeClient,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPlatform, type Platform } from '@cross-cloud-sagas/local-platform';
import { cloudEvent } from './bridgeEvents';
import { produce } from './bridgeProducer';
import { ProducerProcess } from './bridgeProducerProcess';

/**
 * `npm run bench` (second part): integration events through each bridge on the embedded platform, with the real
 * app's functions, the local Service Bus and the local EventBridge (real time, in-memory stores):
 *   - Azure → AWS: CloudEvents sent to the `orders` topic until EventBridge has accepted every one (the `to-aws`
 *     trigger, PutEvents). Batched: the trigger takes up to 1,000 messages per call and puts 10 per PutEvents;
 *     unbatched: one message per trigger call and per PutEvents (maxMessageBatchSize 1).
 *   - AWS → Azure through Firehose (the template's default): PutEvents until every event reached the topic through
 *     the rule, the Firehose stream (1 MB / 1 s buffer), the `bridgeFromFirehose` HTTP function (one request per
 *     batch) and Service Bus batches. The time includes the last partial buffer's wait (up to 1 s).
 *   - AWS → Azure through the API destination (AzureBridgeDelivery=ApiDestination): one HTTP call per event.
 *     Batched: 10 entries per PutEvents; unbatched: one.
 * Peers for scale: the Service Bus send alone and PutEvents alone (no bridge) on the same endpoints.
 * The AWS → Azure cases' producer (the EventBridge SDK client putting the events) is the load generator, not the
 * system under test: it runs in a process of its own, so its CPU is neither counted nor taken from the platform's
 * main thread (BENCH_BRIDGE_PRODUCER=inline puts it back in the bench's process, the method before).
 * Environment: BENCH_BRIDGE_EVENTS (default 2000), BENCH_BRIDGE_FIREHOSE_EVENTS (default 10000, the unbatched
 * Firehose case: a Firehose batch holds ~1,700 of these events, so 2,000 would measure mostly the buffer interval),
 * BENCH_BRIDGE_BATCHED_EVENTS (default 30000, the two batched bridges: at 4,000–5,000 events/s, 10,000 events last
 * about two seconds, of which the first half-second is warm-up (JIT, connections, the first function calls) and the
 * last up to one second the Firehose interval's wait for the last partial buffer; 30,000 shows the steady rate).
 */

const appRoot = path.join(__dirname, '..', '..');
const total = Number(process.env.BENCH_BRIDGE_EVENTS ?? 2000);
const firehoseTotal = Number(process.env.BENCH_BRIDGE_FIREHOSE_EVENTS ?? 10_000);
const batchedTotal = Number(process.env.BENCH_BRIDGE_BATCHED_EVENTS ?? 30_000);
const producerInline = process.env.BENCH_BRIDGE_PRODUCER === 'inline';

interface Row {
  direction: string;
  mode: string;
  events: number;
  'events/s': number;
  seconds: string;
  /** CPU time of the whole process (all threads) per event: steadier than events/s on a machine others share. */
  'CPU ms/event': string;
  /** The producer process's CPU time per event, when it runs apart (not part of the column before). */
  'producer CPU ms/event'?: string;
}

/** When a case started, in wall time and in the process's CPU time. */
interface Started {
  wall: number;
  cpu: NodeJS.CpuUsage;
}

const start = (): Started => ({ wall: performance.now(), cpu: process.cpuUsage() });

/** Polls `done` every `pollMs`; an SDK call per poll costs CPU the bench measures, so remote checks poll less often. */
async function until(
  done: () => Promise<boolean> | boolean,
  label: string,
  pollMs = 5,
  timeoutMs = 300_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`bench: ${label} did not finish in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function withPlatform<T>(
  batchSize: number | undefined,
  run: (p: Platform) => Promise<T>,
  settings: Record<string, string> = {},
): Promise<T> {
  const platform = await startPlatform({
    appRoot,
    port: 0,
    store: 'memory',
    // As `npm start` runs the app: its functions and SDK clients in a thread of their own.
    functionsWorker: (process.env.LOCAL_FUNCTIONS_WORKER as 'thread' | 'inline' | undefined) || 'thread',
    serviceBusMaxMessageBatchSize: batchSize,
    settings: { LOCAL_STEPFUNCTIONS_STORE: 'memory', ...settings },
    logLevel: 'error',
    log: (level, message) => level === 'error' && console.error(message),
  });
  try {
    return await run(platform);
  } finally {
    await platform.stop();
  }
}

function client(p: Platform): EventBridgeClient {
  return new EventBridgeClient({
    region: 'us-east-1',
    endpoint: `${p.url}/eventbridge`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export async function azureToAws(mode: 'batched' | 'unbatched', total: number): Promise<Row> {
  return withPlatform(mode === 'batched' ? undefined : 1, async (p) => {
    const eb = client(p);
    const run = `a2w-${mode}`;
    const archive = await eb.send(
      new CreateArchiveCommand({
        ArchiveName: run,
        EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
        EventPattern: JSON.stringify({ source: ['/bench/bridges'] }),
      }),
    );
    const started = start();
    for (let i = 0; i < total; i += 100)
      p.serviceBus.send(
        'orders',
        Array.from({ length: Math.min(100, total - i) }, (_, k) => {
          const event = cloudEvent(i + k, run, 'BenchEvent');
          return {
            body: Buffer.from(JSON.stringify(event)),
            contentType: 'application/cloudevents+json; charset=utf-8',
            messageId: event.id,
            applicationProperties: { type: event.type, source: event.source },
          };
        }),
      );
    await until(
      async () => {
        const d = await eb.send(new DescribeArchiveCommand({ ArchiveName: run }));
        return (d.EventCount ?? 0) >= total;
      },
      `Azure → AWS (${mode}, archive ${archive.ArchiveArn})`,
      20,
    );
    const done = row('Azure → AWS (Service Bus → PutEvents)', mode, started, total);
    eb.destroy();
    return done;
  });
}

export async function awsToAzure(
  delivery: 'Firehose' | 'ApiDestination',
  mode: 'batched' | 'unbatched',
  total: number,
): Promise<Row> {
  return withPlatform(
    undefined,
    async (p) => {
      const run = `w2a-${delivery}-${mode}`;
      const perCall = mode === 'batched' ? 10 : 1;
      let arrived = 0;
      const drain = () => {
        arrived += p.serviceBus.receive('orders/Subscriptions/order-outcomes', {
          maxMessages: 5000,
          mode: 'receiveAndDelete',
        }).length;
        return arrived >= total;
      };
      const order = { url: p.url, run, total, perCall };
      const producer = producerInline ? undefined : new ProducerProcess();
      await producer?.start();
      try {
        const started = start();
        const producerCpuMs = producer ? await producer.produce(order) : await produce(order).then(() => undefined);
        await until(drain, `AWS → Azure (${delivery}, ${mode})`);
        const done = row(
          `AWS → Azure (rule → ${delivery === 'Firehose' ? 'Firehose' : 'API destination'} → Service Bus)`,
          `${mode} (${perCall}/PutEvents)`,
          started,
          total,
        );
        if (producerCpuMs !== undefined) done['producer CPU ms/event'] = (producerCpuMs / total).toFixed(3);
        return done;
      } finally {
        await producer?.stop();
      }
    },
    { AZURE_BRIDGE_DELIVERY: delivery },
  );
}

/** The endpoints alone, without the bridge: how fast the two local services take events at all. */
async function peers(): Promise<Row[]> {
  return withPlatform(undefined, async (p) => {
    const eb = client(p);
    let started = start();
    // As many as the batched bridges put, so the ratio compares steady rates.
    for (let i = 0; i < batchedTotal; i += 10)
      await eb.send(
        new PutEventsCommand({
          // Not a CloudEvent, so no rule matches: PutEvents alone.
          Entries: Array.from({ length: 10 }, (_, k) => ({
            Source: '/bench/peer',
            DetailType: 'Peer',
            Detail: JSON.stringify({ n: i + k, data: cloudEvent(i + k, 'peer', 'Peer').data }),
          })),
        }),
      );
    const putEvents = row('peer: PutEvents alone', 'batched (10/PutEvents)', started, batchedTotal);
    started = start();
    for (let i = 0; i < total; i++)
      p.serviceBus.send('orders', {
        body: Buffer.from(JSON.stringify(cloudEvent(i, 'peer', 'Peer'))),
        messageId: `peer-${i}`,
        applicationProperties: { type: 'Peer', bridgeorigin: 'aws' },
      });
    // A send counts once it would be acknowledged: committed (to memory here, as the bench's stores are).
    await p.serviceBus.whenCommitted();
    const send = row('peer: Service Bus send alone (in process)', 'unbatched', started);
    eb.destroy();
    return [putEvents, send];
  });
}

function row(direction: string, mode: string, started: Started, events = total): Row {
  const seconds = (performance.now() - started.wall) / 1000;
  const cpu = process.cpuUsage(started.cpu);
  return {
    direction,
    mode,
    events,
    'events/s': Math.round(events / seconds),
    seconds: seconds.toFixed(2),
    'CPU ms/event': ((cpu.user + cpu.system) / 1000 / events).toFixed(3),
  };
}

export async function benchBridges(): Promise<void> {
  const cpu = os.cpus();
  console.log(
    `\nBridges: CloudEvents through the app's bridge functions on the embedded platform (${batchedTotal} per ` +
      `batched bridge, ${firehoseTotal} Firehose unbatched, ${total} otherwise); ` +
      `${cpu.length} x ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}\n`,
  );
  const rows: Row[] = [];
  rows.push(await azureToAws('batched', batchedTotal));
  rows.push(await azureToAws('unbatched', total));
  rows.push(await awsToAzure('Firehose', 'batched', batchedTotal));
  rows.push(await awsToAzure('Firehose', 'unbatched', firehoseTotal));
  for (const mode of ['batched', 'unbatched'] as const) rows.push(await awsToAzure('ApiDestination', mode, total));
  rows.push(...(await peers()));
  console.table(rows);
  const rate = (d: string, m: string) =>
    rows.find((r) => r.direction.startsWith(d) && r.mode.startsWith(m))!['events/s'];
  console.log('Ratios:');
  console.table([
    {
      ratio: 'Azure → AWS, batched / unbatched',
      value: (rate('Azure', 'batched') / rate('Azure', 'unbatched')).toFixed(2),
    },
    {
      ratio: 'AWS → Azure batched, Firehose / API destination',
      value: (rate('AWS → Azure (rule → Firehose', 'batched') / rate('AWS → Azure (rule → API', 'batched')).toFixed(2),
    },
    {
      ratio: 'Azure → AWS batched / PutEvents alone',
      value: (rate('Azure', 'batched') / rate('peer: PutEvents', 'batched')).toFixed(3),
    },
  ]);
}

if (require.main === module)
  benchBridges().catch((e) => {
    console.error(e);
    process.exit(1);
  });
