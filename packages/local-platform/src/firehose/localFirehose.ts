import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock';
import type { MountRequest } from '../http/mountedApi';
import type { ServiceDatabase } from '../persistence/serviceDatabase';
import {
  type Body,
  errorResponse,
  type FirehoseResponse,
  okResponse,
  PUT_RECORD_BATCH_MAX_BYTES,
  PUT_RECORD_BATCH_MAX_RECORDS,
  readFirehoseRequest,
  recordData,
} from './api';
import type { DeliveryStreamConfig } from './deliveryStream';
import {
  FirehoseApiError,
  InvalidArgumentException,
  ResourceInUseException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  UnknownOperationException,
} from './errors';
import { postToHttpEndpoint } from './httpEndpointRequest';
import { type FailedDelivery, FirehoseStore } from './persistence/firehoseStore';
import { defaultFirehoseRetryDelayMs, StreamDelivery } from './streamDelivery';

export interface LocalFirehoseOptions {
  /** Buffering intervals, retry backoff and request timeouts run on it: a VirtualClock skips them in tests. */
  clock: Clock;
  /** Where accepted records wait until delivered, and failed deliveries are kept (':memory:' keeps nothing). */
  database: ServiceDatabase;
  /** Calls the HTTP endpoints (default: the global fetch). */
  fetch?: typeof fetch;
  /** Delay before retry number `retry` (1 for the first); default: exponential backoff with jitter, 1 s to 1 min. */
  retryDelayMs?: (retry: number) => number;
  /** Requests to one stream's endpoint at once (default 8). */
  maxConcurrentRequests?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * A local Amazon Data Firehose with HTTP endpoint destinations: DirectPut delivery streams (from the SAM template)
 * that take records from PutRecord/PutRecordBatch (AWS JSON 1.1, so `@aws-sdk/client-firehose` works against
 * `handle`) and from EventBridge rule targets, buffer them durably, and POST them to the endpoint in batches as
 * Firehose's HTTP endpoint delivery specifies, retrying for the retry duration and keeping what still failed (the
 * S3 backup of failed data) with the reason. A put is answered only once its records are committed.
 */
export class LocalFirehose {
  private readonly streamsByName = new Map<string, StreamDelivery>();
  private readonly store: FirehoseStore;
  private readonly stopping = new AbortController();

  constructor(private readonly options: LocalFirehoseOptions) {
    this.store = new FirehoseStore(options.database);
    setMaxListeners(0, this.stopping.signal);
  }

  createDeliveryStream(config: DeliveryStreamConfig): void {
    if (this.streamsByName.has(config.name))
      throw new ResourceInUseException(`Firehose stream ${config.name} under account already exists.`);
    const { clock } = this.options;
    const fetchFn = this.options.fetch ?? fetch;
    this.streamsByName.set(
      config.name,
      new StreamDelivery(config, {
        clock,
        store: this.store,
        post: (request, signal) => postToHttpEndpoint({ clock, fetch: fetchFn }, request, signal),
        retryDelayMs: this.options.retryDelayMs ?? ((retry) => defaultFirehoseRetryDelayMs(retry)),
        maxConcurrentRequests: this.options.maxConcurrentRequests ?? 8,
        signal: this.stopping.signal,
        log: this.options.log,
      }),
    );
  }

  /** The streams, for the start-up banner and tests. */
  streams(): DeliveryStreamConfig[] {
    return [...this.streamsByName.values()].map((s) => s.config);
  }

  /**
   * Delivers the records the last run accepted and did not deliver, at once (they have waited long enough). Called
   * once the template's streams exist again; records of a stream that no longer exists stay in the store.
   */
  resume(): void {
    for (const [name, records] of this.store.buffered()) {
      const stream = this.streamsByName.get(name);
      if (!stream) {
        this.options.log(
          'warn',
          `Firehose: ${records.length} record(s) of delivery stream ${name}, accepted by an earlier run, wait in the ` +
            'store: the stream is no longer in the template.',
        );
        continue;
      }
      this.options.log('info', `Firehose: delivering ${records.length} record(s) of ${name} left by the last run.`);
      stream.add(records);
      stream.flush();
    }
  }

  /**
   * Accepts records for a stream (by name or ARN); resolves once they are durable. Throws ResourceNotFoundException
   * for an unknown stream, ServiceUnavailableException when the commit failed (nothing was accepted).
   */
  async putRecords(streamNameOrArn: string, data: readonly Buffer[]): Promise<void> {
    const stream = this.stream(streamNameOrArn);
    if (this.stopping.signal.aborted)
      throw new ServiceUnavailableException('The local platform is stopping; put the records again after it restarts.');
    const { records, durable } = this.store.accept(stream.config.name, data);
    try {
      await durable;
    } catch (e) {
      throw new ServiceUnavailableException(`The records were not stored: ${(e as Error).message}`);
    }
    stream.add(records);
  }

  /** What could not be delivered within the retry duration (the S3 backup), oldest first. */
  failedDeliveries(stream?: string): FailedDelivery[] {
    return this.store.failed(stream);
  }

  /** Records accepted and not yet delivered, over all streams (buffered, waiting for a retry, or in flight). */
  pending(): number {
    let n = 0;
    for (const s of this.streamsByName.values()) n += s.pending();
    return n;
  }

  /** Requests due or running (buffered records and waits for a retry are not counted). */
  inFlight(): number {
    let n = 0;
    for (const s of this.streamsByName.values()) n += s.inFlight();
    return n;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.streamsByName.values()].map((s) => s.stop()));
  }

  /** Serves the AWS JSON 1.1 protocol (PutRecord, PutRecordBatch, ListDeliveryStreams); signatures are not checked. */
  async handle(req: MountRequest): Promise<FirehoseResponse> {
    try {
      const { operation, body } = readFirehoseRequest(req);
      return okResponse(await this.run(operation, body));
    } catch (e) {
      if (e instanceof FirehoseApiError) return errorResponse(e);
      throw e;
    }
  }

  private async run(operation: string, body: Body): Promise<unknown> {
    switch (operation) {
      case 'PutRecord': {
        const name = this.streamName(body);
        await this.putRecords(name, [recordData(body.Record, 'Record')]);
        return { RecordId: this.recordId(), Encrypted: false };
      }
      case 'PutRecordBatch': {
        const name = this.streamName(body);
        const records = body.Records;
        if (!Array.isArray(records) || records.length === 0 || records.length > PUT_RECORD_BATCH_MAX_RECORDS)
          throw new InvalidArgumentException(
            `Records must be a list of 1 to ${PUT_RECORD_BATCH_MAX_RECORDS} records (got ${Array.isArray(records) ? records.length : typeof records}).`,
          );
        const data = records.map((r, i) => recordData(r, `Records[${i}]`));
        const total = data.reduce((n, d) => n + d.length, 0);
        if (total > PUT_RECORD_BATCH_MAX_BYTES)
          throw new InvalidArgumentException(
            `The records total ${total} bytes; a PutRecordBatch call takes at most ${PUT_RECORD_BATCH_MAX_BYTES} bytes (4 MiB).`,
          );
        await this.putRecords(name, data);
        return {
          FailedPutCount: 0,
          Encrypted: false,
          RequestResponses: data.map(() => ({ RecordId: this.recordId() })),
        };
      }
      case 'ListDeliveryStreams':
        return { DeliveryStreamNames: [...this.streamsByName.keys()].sort(), HasMoreDeliveryStreams: false };
      default:
        throw new UnknownOperationException(
          `Firehose operation ${operation} is not emulated locally (PutRecord, PutRecordBatch and ListDeliveryStreams are; delivery streams come from the SAM template).`,
        );
    }
  }

  private streamName(body: Body): string {
    const name = body.DeliveryStreamName;
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentException('DeliveryStreamName is required.');
    return name;
  }

  private stream(nameOrArn: string): StreamDelivery {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    const stream = this.streamsByName.get(name);
    if (!stream || (nameOrArn.startsWith('arn:') && stream.config.arn !== nameOrArn))
      throw new ResourceNotFoundException(
        `Firehose stream ${nameOrArn} not found (streams: ${[...this.streamsByName.keys()].join(', ') || 'none'}).`,
      );
    return stream;
  }

  /** An opaque id per record, like Firehose's 224-character ones (nothing reads it back). */
  private recordId(): string {
    return Buffer.from(`${this.options.clock.now()}-${Math.random()}`).toString('base64');
  }
}
