import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';

/** Header carrying the signature, in Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Gateway-Signature';

export interface WebhookEvent {
  id: string;
  type: 'charge.succeeded' | 'charge.failed';
  /** Unix seconds on the gateway's clock. */
  created: number;
  data: { chargeId: string; orderId: string; amount: number; currency: string; status: string };
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

export interface WebhookDispatcherOptions {
  clock: Clock;
  secret: string;
  /** Registered endpoints (read at each event); every one of them receives every event. */
  url: string | string[] | (() => string | string[]);
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

/** Delivers webhook events with signatures and retries on the clock; keeps a record of every delivery. */
export class WebhookDispatcher {
  private readonly records: WebhookDelivery[] = [];
  private readonly wakes = new Set<ScheduledWake>();
  private readonly aborts = new Set<AbortController>();
  private stopped = false;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  dispatch(event: WebhookEvent): void {
    if (this.stopped) return;
    const urls = this.endpoints();
    // No endpoint is still a delivery, one that fails and says why.
    for (let endpoint = 0; endpoint < Math.max(urls.length, 1); endpoint++) {
      const record: WebhookDelivery = { event, url: urls[endpoint] ?? '', endpoint, state: 'delivering', attempts: [] };
      this.records.push(record);
      this.attempt(record);
    }
  }

  private endpoints(): string[] {
    const configured = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    return Array.isArray(configured) ? configured : [configured];
  }

  deliveries(): WebhookDelivery[] {
    return structuredClone(this.records);
  }

  /** Cancels scheduled retries and aborts deliveries in progress. */
  stop(): void {
    this.stopped = true;
    for (const w of this.wakes) w.cancel();
    this.wakes.clear();
    for (const a of this.aborts) a.abort();
    for (const r of this.records) if (r.state === 'retrying') r.state = 'cancelled';
  }

  /** Starts synchronously (inside a clock callback) so idle detection sees the delivery before it settles. */
  private attempt(record: WebhookDelivery): void {
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
      const url = (record.url = this.endpoints()[record.endpoint] ?? '');
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
      record.state = 'cancelled';
      return;
    }
    if (record.attempts.length >= maxAttempts) {
      record.state = 'failed';
      log(
        'error',
        `Payment gateway: gave up delivering ${what} after ${record.attempts.length} attempts; last: ${record.lastError}. ` +
          'Check that the app serves its payment webhook route at the configured URL and answers 2xx.',
      );
      return;
    }
    const delay = webhookBackoffMs(record.attempts.length);
    record.state = 'retrying';
    record.nextAttemptAt = clock.now() + delay;
    log('warn', `Payment gateway: delivering ${what} failed (${record.lastError}); retrying in ${delay} ms.`);
    const wake = clock.schedule(record.nextAttemptAt, () => {
      this.wakes.delete(wake);
      this.attempt(record);
    });
    this.wakes.add(wake);
  }
}
