import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';

/** Header carrying the signature, in Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Gateway-Signature';

export interface WebhookEvent {
  id: string;
  type: 'charge.succeeded' | 'charge.failed';
  /** Unix seconds on the gateway's clock. */
  created: number;
  data: {
    chargeId: string;
    orderId: string;
    amount: number;
    currency: string;
    status: string;
    metadata?: Record<string, string>;
  };
}

/**
 * A registered endpoint: a URL, or a URL that takes only the events of charges whose metadata has every given
 * value (`{ url, metadata: { engine: 'stepfunctions' } }`), so a charge's events reach the receiver that is
 * waiting for them and no other.
 */
export type WebhookEndpoint = string | { url: string; metadata?: Record<string, string> };

const endpointUrl = (e: WebhookEndpoint | undefined): string => (typeof e === 'string' ? e : (e?.url ?? ''));

function takes(endpoint: WebhookEndpoint, event: WebhookEvent): boolean {
  if (typeof endpoint === 'string' || !endpoint.metadata) return true;
  return Object.entries(endpoint.metadata).every(([k, v]) => event.data.metadata?.[k] === v);
}

const hmac = (secret: string, timestampSeconds: number, body: string | Buffer): string =>
  createHmac('sha256', secret)
    .update(`${timestampSeconds}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');

/** The Gateway-Signature header value for a raw body: `t=<ts>,v1=<hex HMAC-SHA256(secret, ts + '.' + body)>`. */
export function signWebhook(secret: string, body: string | Buffer, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

/**
 * Checks a Gateway-Signature header against the raw body: any `v1` entry must match (several may be present,
 * as during a secret rotation) and `t` must be within `toleranceSeconds` of `nowSeconds`, which limits replays.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

export interface WebhookAttempt {
  /** Clock time of the attempt, epoch ms. */
  at: number;
  status?: number;
  error?: string;
}

export interface WebhookDelivery {
  event: WebhookEvent;
  /** The endpoint this delivery goes to (as last resolved); each registered endpoint gets its own delivery, as in Stripe. */
  url: string;
  /** Which registered endpoint: the URL is resolved again at every attempt, as it may only be known later. */
  endpoint: number;
  state: 'delivering' | 'retrying' | 'delivered' | 'failed' | 'cancelled';
  attempts: WebhookAttempt[];
  lastStatus?: number;
  lastError?: string;
  /** Clock time of the next retry while `retrying`. */
  nextAttemptAt?: number;
}

/**
 * Where the dispatcher writes deliveries through (gatewayStore.ts): a delivery is recorded when its event is
 * dispatched and after every attempt's outcome, never while an attempt is under way, so one that was in progress
 * when the process died is simply due again after the restart.
 */
export interface DeliveryRecorder {
  deliveryChanged(delivery: WebhookDelivery): void;
  /** Resolves once every change recorded so far is committed; rejects when the store has failed. */
  durable(): Promise<void>;
}

export interface WebhookDispatcherOptions {
  clock: Clock;
  recorder: DeliveryRecorder;
  /** Deliveries a previous run committed, in dispatch order; those not yet finished resume on `resume()`. */
  loaded?: WebhookDelivery[];
  secret: string;
  /** Registered endpoints (read at each event); each receives every event its metadata filter takes. */
  url: WebhookEndpoint | WebhookEndpoint[] | (() => WebhookEndpoint | WebhookEndpoint[]);
  maxAttempts: number;
  /** Real-time limit for one delivery, so a receiver that never answers cannot keep the gateway busy. */
  timeoutMs: number;
  /** Wall time (epoch ms) for the signature timestamp; see PaymentGatewayOptions.signatureNow. */
  signatureNow: () => number;
  /** Counts a delivery as in-flight work for idle detection. */
  track: <T>(work: Promise<T>) => Promise<T>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Backoff before retry n (1-based): 1 s, 2 s, 4 s … capped at an hour. */
export const webhookBackoffMs = (retry: number): number => Math.min(1000 * 2 ** (retry - 1), 3_600_000);

/**
 * Delivers webhook events with signatures and retries on the clock; keeps a record of every delivery. Delivery is
 * at least once: a delivery is recorded as delivered only after the receiver answered 2xx, so a crash between that
 * answer and the commit sends the same event (same id) again after the restart; receivers dedupe.
 */
export class WebhookDispatcher {
  private readonly records: WebhookDelivery[];
  private readonly wakes = new Set<ScheduledWake>();
  private readonly aborts = new Set<AbortController>();
  /** Deliveries a previous run left unfinished, until `resume` takes them up. */
  private unresumed: WebhookDelivery[];
  private stopped = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.records = options.loaded ?? [];
    this.unresumed = this.records.filter((r) => r.state === 'delivering' || r.state === 'retrying');
  }

  dispatch(event: WebhookEvent): void {
    if (this.stopped) return;
    const registered = this.endpoints();
    const taking = registered.flatMap((e, i) => (takes(e, event) ? [i] : []));
    const records: WebhookDelivery[] = [];
    // No endpoint is still a delivery, one that fails and says why.
    for (const endpoint of taking.length ? taking : [0]) {
      const url = endpointUrl(registered[endpoint]);
      const record: WebhookDelivery = { event, url, endpoint, state: 'delivering', attempts: [] };
      this.records.push(record);
      this.options.recorder.deliveryChanged(record);
      records.push(record);
    }
    // The first attempt waits for the commit: a receiver must never hear of an event a crash could take back, and
    // a redelivery after a crash then carries the same event id. Tracked from now, so idle detection waits for it.
    void this.options.track(
      this.options.recorder.durable().then(
        () => records.forEach((r) => this.attempt(r)),
        (e: unknown) =>
          this.options.log(
            'error',
            `Payment gateway: ${event.type} ${event.id} not delivered: ${(e as Error).message}`,
          ),
      ),
    );
  }

  /**
   * Takes up the deliveries a previous run left unfinished: each at its next attempt's clock time, at once when
   * that is past or when an attempt was under way at the crash. Call once the endpoints resolve.
   */
  resume(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const unresumed = this.unresumed;
    this.unresumed = [];
    for (const record of unresumed) {
      const due = record.nextAttemptAt ?? now;
      if (due <= now) this.attempt(record);
      else this.retryAt(record, due);
    }
  }

  private endpoints(): WebhookEndpoint[] {
    const configured = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    return Array.isArray(configured) ? configured : [configured];
  }

  deliveries(): WebhookDelivery[] {
    return structuredClone(this.records);
  }

  /** Cancels scheduled retries and aborts deliveries in progress; the store keeps them due for the next start. */
  stop(): void {
    this.stopped = true;
    for (const w of this.wakes) w.cancel();
    this.wakes.clear();
    for (const a of this.aborts) a.abort();
    for (const r of this.records) if (r.state === 'retrying') r.state = 'cancelled';
  }

  /** Starts synchronously (inside a clock callback) so idle detection sees the delivery before it settles. */
  private attempt(record: WebhookDelivery): void {
    // A stop while the dispatch was committing: the next start delivers it.
    if (this.stopped) {
      record.state = 'cancelled';
      return;
    }
    record.state = 'delivering';
    record.nextAttemptAt = undefined;
    void this.options.track(this.send(record));
  }

  private async send(record: WebhookDelivery): Promise<void> {
    const { clock, secret, log } = this.options;
    const attempt: WebhookAttempt = { at: clock.now() };
    record.attempts.push(attempt);
    const body = JSON.stringify(record.event);
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      const url = (record.url = endpointUrl(this.endpoints()[record.endpoint]));
      if (!url) throw new Error('no webhook URL is configured');
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(this.options.signatureNow() / 1000)),
        },
        body,
        // Like Stripe, a redirect is a failed delivery rather than something to follow.
        redirect: 'manual',
        signal: abort.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      attempt.status = record.lastStatus = res.status;
      if (res.status >= 200 && res.status < 300) {
        record.state = 'delivered';
        this.record(record);
        log('info', `Payment gateway: delivered ${record.event.type} ${record.event.id} to ${url}.`);
        return;
      }
      attempt.error = record.lastError =
        res.status === 401 || res.status === 403
          ? `receiver answered ${res.status} (is the app's webhook secret, PAYMENT_WEBHOOK_SECRET, the gateway's?)`
          : `receiver answered ${res.status}`;
    } catch (e) {
      const err = e as Error;
      attempt.error = record.lastError = this.stopped
        ? 'gateway stopped'
        : abort.signal.aborted
          ? `no answer within ${this.options.timeoutMs} ms`
          : `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`;
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
    this.retryOrGiveUp(record);
  }

  private retryOrGiveUp(record: WebhookDelivery): void {
    const { clock, log, maxAttempts } = this.options;
    const what = `${record.event.type} ${record.event.id} (charge ${record.event.data.chargeId})`;
    if (this.stopped) {
      // Only in memory: on disk the delivery stays due, and the next start delivers it.
      record.state = 'cancelled';
      return;
    }
    if (record.attempts.length >= maxAttempts) {
      record.state = 'failed';
      this.record(record);
      log(
        'error',
        `Payment gateway: gave up delivering ${what} after ${record.attempts.length} attempts; last: ${record.lastError}. ` +
          'Check that the app serves its payment webhook route at the configured URL and answers 2xx.',
      );
      return;
    }
    const delay = webhookBackoffMs(record.attempts.length);
    log('warn', `Payment gateway: delivering ${what} failed (${record.lastError}); retrying in ${delay} ms.`);
    this.retryAt(record, clock.now() + delay);
    this.record(record);
  }

  private retryAt(record: WebhookDelivery, at: number): void {
    record.state = 'retrying';
    record.nextAttemptAt = at;
    const wake = this.options.clock.schedule(at, () => {
      this.wakes.delete(wake);
      this.attempt(record);
    });
    this.wakes.add(wake);
  }

  /** Writes the delivery through; the commit counts as work in progress, so `whenIdle` means "on disk too". */
  private record(record: WebhookDelivery): void {
    this.options.recorder.deliveryChanged(record);
    void this.options.track(this.options.recorder.durable().catch(() => undefined));
  }
}
