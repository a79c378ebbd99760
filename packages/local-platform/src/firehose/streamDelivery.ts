import { randomUUID } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';
import type { DeliveryStreamConfig } from './deliveryStream';
import type { HttpEndpointOutcome, HttpEndpointRequest } from './httpEndpointRequest';
import type { BufferedRecord, FirehoseStore } from './persistence/firehoseStore';

/** The longest single wait between two attempts of a batch. */
const MAX_BACKOFF_MS = 60_000;

/**
 * Firehose retries a failed request "with back off" until the retry duration is over; the schedule is not
 * published. This doubles from 1 s up to a minute and waits a random time in the upper half ("equal jitter").
 */
export function defaultFirehoseRetryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(1000 * 2 ** Math.min(retry - 1, 30), MAX_BACKOFF_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface StreamDeliveryDeps {
  clock: Clock;
  store: FirehoseStore;
  post: (request: HttpEndpointRequest, signal: AbortSignal) => Promise<HttpEndpointOutcome>;
  retryDelayMs: (retry: number) => number;
  /** Requests to the endpoint at once; more batches wait their turn (their records are durable meanwhile). */
  maxConcurrentRequests: number;
  signal: AbortSignal;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Batch {
  /** The same on every attempt, as Firehose keeps it (the endpoint may deduplicate on it). */
  requestId: string;
  records: BufferedRecord[];
  attempts: number;
  firstAttemptAt?: number;
}

/**
 * One delivery stream's buffer and deliveries: records wait in the buffer until it holds `bufferSizeBytes` or the
 * oldest has waited `bufferIntervalMs`, whichever comes first; then they go to the endpoint as one request (at
 * most the buffer size each), a bounded number at a time. A failed request is retried with backoff on the platform
 * clock until the retry duration after its first attempt is over; its records then move to the failed-delivery
 * store with the last error. Records leave the store only once the endpoint acknowledged them, so whatever was
 * buffered or in flight when the process stopped is delivered after the restart (at least once).
 */
export class StreamDelivery {
  private buffer: BufferedRecord[] = [];
  private bufferedBytes = 0;
  private flushWake: ScheduledWake | undefined;
  private readonly ready: Batch[] = [];
  private active = 0;
  private readonly retryWakes = new Set<ScheduledWake>();
  private readonly running = new Set<Promise<void>>();
  /** Batches due or running: what the platform waits for before it calls itself idle. */
  private due = 0;

  constructor(
    readonly config: DeliveryStreamConfig,
    private readonly deps: StreamDeliveryDeps,
  ) {}

  /**
   * Records buffered and not yet sent, and batches due or running. A batch waiting for its retry time is not
   * counted: it is a timer, not work, so `whenIdle` does not wait for it (advance the clock to let it run).
   */
  pending(): number {
    return this.buffer.length + this.due;
  }

  inFlight(): number {
    return this.due;
  }

  /** Buffers accepted records; sends a batch as soon as the buffer is full, else when the interval is over. */
  add(records: readonly BufferedRecord[]): void {
    if (this.deps.signal.aborted) return;
    for (const r of records) {
      this.buffer.push(r);
      this.bufferedBytes += r.data.length;
    }
    if (this.bufferedBytes >= this.config.bufferSizeBytes) this.cut(false);
    if (!this.buffer.length) return this.cancelFlushWake();
    if (this.config.bufferIntervalMs === 0) return this.cut(true);
    if (!this.flushWake)
      this.flushWake = this.deps.clock.schedule(this.deps.clock.now() + this.config.bufferIntervalMs, () => {
        this.flushWake = undefined;
        this.cut(true);
      });
  }

  /** Sends everything buffered now (records a previous run left behind have waited long enough). */
  flush(): void {
    this.cancelFlushWake();
    this.cut(true);
  }

  /** Cancels the timers and waits for running requests to end (their records stay in the store). */
  async stop(): Promise<void> {
    this.cancelFlushWake();
    for (const w of this.retryWakes) w.cancel();
    this.retryWakes.clear();
    await Promise.allSettled([...this.running]);
  }

  private cancelFlushWake(): void {
    this.flushWake?.cancel();
    this.flushWake = undefined;
  }

  /** Cuts the buffer into batches of at most the buffer size: all of it, or only full batches. */
  private cut(all: boolean): void {
    while (this.buffer.length && (all || this.bufferedBytes >= this.config.bufferSizeBytes)) {
      let bytes = 0;
      let n = 0;
      // At least one record per batch, even one larger than the buffer.
      while (n < this.buffer.length && (n === 0 || bytes + this.buffer[n].data.length <= this.config.bufferSizeBytes))
        bytes += this.buffer[n++].data.length;
      const records = this.buffer.slice(0, n);
      this.buffer = this.buffer.slice(n);
      this.bufferedBytes -= bytes;
      this.due++;
      this.ready.push({ requestId: randomUUID(), records, attempts: 0 });
    }
    if (!this.buffer.length) this.cancelFlushWake();
    this.pump();
  }

  private pump(): void {
    while (this.active < this.deps.maxConcurrentRequests && this.ready.length && !this.deps.signal.aborted) {
      const batch = this.ready.shift()!;
      this.active++;
      const run = this.send(batch).finally(() => {
        this.active--;
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async send(batch: Batch): Promise<void> {
    const { clock, store, log } = this.deps;
    batch.attempts++;
    batch.firstAttemptAt ??= clock.now();
    let outcome: HttpEndpointOutcome;
    try {
      outcome = await this.deps.post(
        { stream: this.config, requestId: batch.requestId, records: batch.records.map((r) => r.data) },
        this.deps.signal,
      );
    } catch (e) {
      outcome = { ok: false, errorCode: 'HttpEndpoint.ConnectionFailed', errorMessage: (e as Error).message };
    }
    if (this.deps.signal.aborted) return;
    if (outcome.ok) {
      await store
        .delivered(batch.records)
        .catch((e: Error) => log('error', `Firehose ${this.config.name}: ${e.message}`));
      this.due--;
      return;
    }
    const dueAt = clock.now() + this.deps.retryDelayMs(batch.attempts);
    if (dueAt - batch.firstAttemptAt <= this.config.retryDurationMs) {
      log(
        'warn',
        `Firehose ${this.config.name}: request ${batch.requestId} (${batch.records.length} records) to ` +
          `${this.config.endpointName} failed (attempt ${batch.attempts}): ${outcome.errorCode}: ${outcome.errorMessage}; ` +
          `retrying at ${new Date(dueAt).toISOString()}.`,
      );
      this.due--;
      const wake = clock.schedule(dueAt, () => {
        this.retryWakes.delete(wake);
        this.due++;
        this.ready.push(batch);
        this.pump();
      });
      this.retryWakes.add(wake);
      return;
    }
    log(
      'warn',
      `Firehose ${this.config.name}: request ${batch.requestId} (${batch.records.length} records) to ` +
        `${this.config.endpointName} failed ${batch.attempts} time(s) within the retry duration of ` +
        `${this.config.retryDurationMs / 1000} s; its records go to the failed-delivery store. Last error: ` +
        `${outcome.errorCode}: ${outcome.errorMessage}`,
    );
    await store
      .failedDelivery(this.config.name, batch.records, {
        requestId: batch.requestId,
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
        attempts: batch.attempts,
        time: new Date(clock.now()).toISOString(),
      })
      .catch((e: Error) => log('error', `Firehose ${this.config.name}: ${e.message}`));
    this.due--;
  }
}
