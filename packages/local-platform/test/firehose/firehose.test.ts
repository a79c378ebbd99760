// The local Firehose through the real @aws-sdk/client-firehose: durable buffering, delivery to a real HTTP endpoint
// in Firehose's request format, retries for the retry duration on a virtual clock, the failed-delivery store, and
// records accepted before a restart delivered after it.
import {
  FirehoseClient,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-firehose';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { deliveryStreamArn, LocalFirehose, readHttpEndpointStream } from '../../src/firehose';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import { serveMountedApi } from '../../src/testing/serveMountedApi';
import { settleWhenQuiet } from '../../src/testing/settle';

const ARN = deliveryStreamArn('us-east-1', '123456789012', 'to-endpoint');
const KEY = 'endpoint-access-key-1';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: { requestId: string; timestamp: number; records: { data: string }[] };
}

/** A real HTTP endpoint that answers each request as `answer` says (default: Firehose's success format). */
class Endpoint {
  readonly received: Received[] = [];
  answer: (r: Received) => { status: number; body: unknown } = (r) => ({
    status: 200,
    body: { requestId: r.body.requestId, timestamp: Date.now() },
  });
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) } as Received;
        this.received.push(r);
        const { status, body } = this.answer(r);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/bridge`;
    return this;
  }

  /** Every record delivered, decoded, in order. */
  records(): string[] {
    return this.received.flatMap((r) => r.body.records.map((x) => Buffer.from(x.data, 'base64').toString('utf8')));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let dir: string;
let endpoint: Endpoint;
const opened: { firehose: LocalFirehose; db: ServiceDatabase; close: () => Promise<void> }[] = [];

async function start(hints: { SizeInMBs?: number; IntervalInSeconds?: number; DurationInSeconds?: number } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9));
  const db = new ServiceDatabase({ location: path.join(dir, 'services.sqlite') });
  const logs: string[] = [];
  const firehose = new LocalFirehose({
    clock,
    database: db,
    retryDelayMs: () => 10_000,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  firehose.createDeliveryStream(
    readHttpEndpointStream('to-endpoint', ARN, {
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: { Url: endpoint.url, Name: 'test-endpoint', AccessKey: KEY },
        BufferingHints: { SizeInMBs: hints.SizeInMBs ?? 1, IntervalInSeconds: hints.IntervalInSeconds ?? 60 },
        RetryOptions: { DurationInSeconds: hints.DurationInSeconds ?? 60 },
        RequestConfiguration: { CommonAttributes: [{ AttributeName: 'env', AttributeValue: 'test' }] },
      },
    }),
  );
  const served = await serveMountedApi('/firehose', (r) => firehose.handle(r));
  const client = new FirehoseClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const settle = () => settleWhenQuiet(() => firehose.inFlight());
  const close = async () => {
    client.destroy();
    await firehose.stop();
    await served.close();
    await db.close();
  };
  opened.push({ firehose, db, close });
  return { clock, firehose, client, logs, settle, advance: (ms: number) => clock.advance(ms, settle), close };
}

const put = (client: FirehoseClient, texts: string[]) =>
  client.send(
    new PutRecordBatchCommand({
      DeliveryStreamName: 'to-endpoint',
      Records: texts.map((t) => ({ Data: Buffer.from(t, 'utf8') })),
    }),
  );

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'firehose-'));
  endpoint = await new Endpoint().start();
});
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close().catch(() => undefined);
  await endpoint.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the local Firehose (HTTP endpoint destination)', () => {
  it('buffers records until the interval is over, then POSTs them as one request in the Firehose format', async () => {
    const f = await start({ IntervalInSeconds: 60 });
    const out = await put(f.client, ['{"n":1}', '{"n":2}']);
    expect(out.FailedPutCount).toBe(0);
    expect(out.RequestResponses).toHaveLength(2);
    await f.client.send(
      new PutRecordCommand({ DeliveryStreamName: 'to-endpoint', Record: { Data: Buffer.from('{"n":3}') } }),
    );
    await f.advance(59_000);
    expect(endpoint.received).toHaveLength(0);
    await f.advance(1_000);

    expect(endpoint.records()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    const [request] = endpoint.received;
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-amz-firehose-protocol-version': '1.0',
      'x-amz-firehose-request-id': request.body.requestId,
      'x-amz-firehose-source-arn': ARN,
      'x-amz-firehose-access-key': KEY,
      'x-amz-firehose-common-attributes': JSON.stringify({ commonAttributes: { env: 'test' } }),
    });
    expect(request.body.timestamp).toBe(Date.UTC(2026, 0, 5, 9, 1));
    expect(f.firehose.pending()).toBe(0);
    expect((await f.client.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual(['to-endpoint']);
  });

  it('sends as soon as the buffer holds its size, in requests of at most that size', async () => {
    const f = await start({ SizeInMBs: 1, IntervalInSeconds: 900 });
    const record = 'x'.repeat(300 * 1024);
    await put(f.client, [record, record, record, record]); // 1.2 MB: one full request of 3 records now
    await f.settle();
    expect(endpoint.received.map((r) => r.body.records.length)).toEqual([3]);
    await f.advance(900_000);
    expect(endpoint.received.map((r) => r.body.records.length)).toEqual([3, 1]);
  });

  it('refuses an unknown stream and an oversize record with the AWS error', async () => {
    const f = await start();
    await expect(
      f.client.send(new PutRecordCommand({ DeliveryStreamName: 'nope', Record: { Data: Buffer.from('x') } })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      f.client.send(
        new PutRecordCommand({ DeliveryStreamName: 'to-endpoint', Record: { Data: Buffer.alloc(1000 * 1024 + 1) } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException', message: expect.stringMatching(/1,000 KiB/) });
  });

  it('retries a failed request with the same request id until the endpoint accepts it', async () => {
    const f = await start({ IntervalInSeconds: 1 });
    let calls = 0;
    endpoint.answer = (r) =>
      ++calls === 1
        ? { status: 503, body: { requestId: r.body.requestId, timestamp: 0, errorMessage: 'Service Bus is busy' } }
        : calls === 2
          ? { status: 200, body: { requestId: 'someone-else', timestamp: 0 } } // not the response format: a failure
          : { status: 200, body: { requestId: r.body.requestId, timestamp: 0 } };
    await put(f.client, ['{"n":1}']);
    await f.advance(1_000);
    await f.advance(20_000);
    expect(endpoint.received).toHaveLength(3);
    expect(new Set(endpoint.received.map((r) => r.body.requestId)).size).toBe(1);
    expect(f.logs.join('\n')).toMatch(/answered HTTP 503: Service Bus is busy/);
    expect(f.logs.join('\n')).toMatch(/not in the Firehose response format/);
    expect(f.firehose.pending()).toBe(0);
    expect(f.firehose.failedDeliveries()).toEqual([]);
  });

  it('keeps what failed for the whole retry duration in the failed-delivery store, with the last error, across a restart', async () => {
    const f = await start({ IntervalInSeconds: 1, DurationInSeconds: 30 });
    endpoint.answer = (r) => ({
      status: 500,
      body: { requestId: r.body.requestId, timestamp: 0, errorMessage: 'down' },
    });
    await put(f.client, ['{"n":1}', '{"n":2}']);
    await f.advance(1_000 + 60_000);
    // First attempt, then retries every 10 s while within 30 s of it.
    expect(endpoint.received).toHaveLength(4);
    const failed = f.firehose.failedDeliveries('to-endpoint');
    expect(failed.map((d) => d.data.toString())).toEqual(['{"n":1}', '{"n":2}']);
    expect(failed[0]).toMatchObject({
      errorCode: 'HttpEndpoint.ResponseErrorCode',
      errorMessage: expect.stringMatching(/answered HTTP 500: down/),
      attempts: 4,
      requestId: endpoint.received[0].body.requestId,
    });
    expect(JSON.stringify(failed)).not.toContain(KEY);
    expect(f.logs.join('\n')).not.toContain(KEY);
    await f.close();
    opened.length = 0;
    const again = await start();
    expect(again.firehose.failedDeliveries().map((d) => d.data.toString())).toEqual(['{"n":1}', '{"n":2}']);
    again.firehose.resume();
    await again.settle();
    expect(endpoint.received).toHaveLength(4); // nothing left to deliver
  });

  it('delivers after a restart the records it acknowledged before (buffered or in flight)', async () => {
    const f = await start({ IntervalInSeconds: 60 });
    await put(f.client, ['{"n":1}', '{"n":2}']);
    // The process stops before the interval is over: nothing was sent yet.
    await f.close();
    opened.length = 0;
    expect(endpoint.received).toHaveLength(0);

    const again = await start({ IntervalInSeconds: 60 });
    again.firehose.resume();
    await again.settle();
    expect(endpoint.records()).toEqual(['{"n":1}', '{"n":2}']);
    expect(again.firehose.pending()).toBe(0);
    // Delivered once: a third start has nothing to send.
    await again.close();
    opened.length = 0;
    const third = await start();
    third.firehose.resume();
    await third.settle();
    expect(endpoint.received).toHaveLength(1);
  });
});

describe('delivery streams from a template', () => {
  const read = (destination: unknown, type?: string) =>
    readHttpEndpointStream('s', ARN, { DeliveryStreamType: type, HttpEndpointDestinationConfiguration: destination });

  it("takes AWS's defaults: 5 MB, 300 s, retries for 300 s", () => {
    expect(read({ EndpointConfiguration: { Url: 'https://example.com/in' } })).toMatchObject({
      bufferSizeBytes: 5 * 1024 * 1024,
      bufferIntervalMs: 300_000,
      retryDurationMs: 300_000,
      endpointName: 'example.com',
    });
  });

  it('refuses what it cannot run, naming the property and the fix', () => {
    expect(() => read(undefined)).toThrow(/only HttpEndpointDestinationConfiguration is emulated/);
    expect(() => read({ EndpointConfiguration: { Url: 'https://x' } }, 'KinesisStreamAsSource')).toThrow(
      /DeliveryStreamType "KinesisStreamAsSource" is not emulated locally; use DirectPut/,
    );
    expect(() => read({ EndpointConfiguration: {} })).toThrow(/EndpointConfiguration\.Url is required/);
    expect(() => read({ EndpointConfiguration: { Url: 'https://x' }, BufferingHints: { SizeInMBs: 128 } })).toThrow(
      /BufferingHints\.SizeInMBs must be a whole number from 1 to 64 \(got 128\)/,
    );
    expect(() =>
      read({ EndpointConfiguration: { Url: 'https://x' }, RequestConfiguration: { ContentEncoding: 'GZIP' } }),
    ).toThrow(/ContentEncoding "GZIP" is not emulated locally; use NONE/);
  });
});
