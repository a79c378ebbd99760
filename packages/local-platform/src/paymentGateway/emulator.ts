import type { Clock } from '../clock';
import { ServiceDatabase } from '../persistence/serviceDatabase';
import { ActivityTracker } from './activity';
import { GatewayConfigError } from './errors';
import { Charge, GatewayState, Refund } from './gateway';
import { GatewayStore } from './gatewayStore';
import { GatewayHttpApi, GatewayRequest, GatewayResponse } from './httpApi';
import { IdempotencyStore } from './idempotency';
import { WebhookDelivery, WebhookDispatcher, type WebhookEndpoint } from './webhook';

/** Where the platform is expected to mount the gateway on its HTTP host. */
export const PAYMENT_GATEWAY_PREFIX = '/payment-gateway';

export interface PaymentGatewayOptions {
  clock: Clock;
  /**
   * Where charges, refunds, idempotency keys and webhook deliveries are kept (tables `gateway_*`); a gateway on a
   * file that holds them carries on from there. Default: a private in-memory database, closed by stop().
   */
  database?: ServiceDatabase;
  /** The key callers must send as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** HMAC key of the webhook signatures. */
  webhookSecret: string;
  /**
   * Where confirmations are POSTed, each endpoint optionally only for charges with given metadata; a function when
   * the URL is known only after the platform listens.
   */
  webhookUrl: WebhookEndpoint | WebhookEndpoint[] | (() => WebhookEndpoint | WebhookEndpoint[]);
  /** Clock time from charge creation to its confirmation webhook. Default 2000. */
  confirmDelayMs?: number;
  /** Real-time latency added to every API call. Default 0. */
  latencyMs?: number;
  /** Real-time delay of the slow attempts of pm_card_slow_<N>. Default 30000. */
  slowMs?: number;
  /** Delivery attempts per webhook event before giving up. Default 8. */
  webhookMaxAttempts?: number;
  /** Real-time limit for one webhook delivery attempt. Default 10000. */
  webhookTimeoutMs?: number;
  /**
   * Wall time (epoch ms) put in the signature's `t`. Default Date.now, not the clock: the receiver checks `t`
   * against its own wall clock, which a virtual platform clock does not move. Event `created` uses the clock.
   */
  signatureNow?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface PaymentGatewayLedger {
  charges: Charge[];
  refunds: Refund[];
  webhookDeliveries: WebhookDelivery[];
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v >= 0))
    throw new GatewayConfigError(`Payment gateway option ${name} must be a number >= 0, got ${value}.`);
  return v;
}

/**
 * The local payment gateway: a Stripe-flavoured charges/refunds API with idempotency keys, failure modes
 * chosen by payment method, and signed webhooks confirming charges on the platform clock.
 */
export class PaymentGatewayEmulator {
  private readonly tracker = new ActivityTracker();
  private readonly database: ServiceDatabase;
  private readonly ownsDatabase: boolean;
  private readonly state: GatewayState;
  private readonly webhooks: WebhookDispatcher;
  private readonly api: GatewayHttpApi;

  constructor(options: PaymentGatewayOptions) {
    if (!options.apiKey)
      throw new GatewayConfigError('The payment gateway needs an apiKey (LOCAL_PAYMENT_GATEWAY_API_KEY).');
    if (!options.webhookSecret) throw new GatewayConfigError('The payment gateway needs a webhookSecret.');
    const maxAttempts = nonNegative('webhookMaxAttempts', options.webhookMaxAttempts, 8);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new GatewayConfigError(
        `Payment gateway option webhookMaxAttempts must be an integer >= 1, got ${maxAttempts}.`,
      );
    const log = options.log ?? (() => undefined);
    this.ownsDatabase = !options.database;
    this.database = options.database ?? new ServiceDatabase({ location: ':memory:' });
    const store = new GatewayStore(this.database, log);
    const loaded = store.load();
    this.webhooks = new WebhookDispatcher({
      clock: options.clock,
      recorder: store,
      loaded: loaded.deliveries,
      secret: options.webhookSecret,
      url: options.webhookUrl,
      maxAttempts,
      timeoutMs: nonNegative('webhookTimeoutMs', options.webhookTimeoutMs, 10_000),
      signatureNow: options.signatureNow ?? Date.now,
      track: (work) => this.tracker.track(work),
      log,
    });
    this.state = new GatewayState({
      clock: options.clock,
      confirmDelayMs: nonNegative('confirmDelayMs', options.confirmDelayMs, 2000),
      recorder: store,
      loaded,
      onSettled: (event) => this.webhooks.dispatch(event),
      log,
    });
    this.api = new GatewayHttpApi(
      this.state,
      new IdempotencyStore(options.clock, store, loaded.keys),
      store,
      this.tracker,
      {
        apiKey: options.apiKey,
        latencyMs: nonNegative('latencyMs', options.latencyMs, 0),
        slowMs: nonNegative('slowMs', options.slowMs, 30_000),
        log,
      },
    );
  }

  /**
   * Takes up what a previous run on the same database left pending: confirmations at their due time on the clock
   * and unfinished webhook deliveries at their next attempt, each at once if that time has passed. Call once the
   * webhook URL resolves (the platform does when it listens); new charges need no call.
   */
  resumePending(): void {
    this.state.resumeConfirmations();
    this.webhooks.resume();
  }

  /** The MountedApi handler: `path` is what follows the mount prefix, e.g. `/v1/charges`. */
  handle(req: GatewayRequest): Promise<GatewayResponse> {
    return this.api.handle(req);
  }

  /** Copies of every charge, refund and webhook delivery, in creation order. */
  ledger(): PaymentGatewayLedger {
    return {
      charges: this.state.listCharges(),
      refunds: this.state.listRefunds(),
      webhookDeliveries: this.webhooks.deliveries(),
    };
  }

  chargesFor(orderId: string): Charge[] {
    return this.state.listCharges(orderId);
  }

  /**
   * API calls and webhook deliveries in progress. Not counted: confirmations and retries waiting on the clock
   * (the clock knows them) and the simulated delay of slow-mode answers (their work is already done).
   */
  inFlight(): number {
    return this.tracker.inFlight();
  }

  whenIdle(): Promise<void> {
    return this.tracker.whenIdle();
  }

  /**
   * Cancels pending confirmations and webhook retries, aborts deliveries and ends simulated delays. On the
   * database they stay pending, for the next gateway on it to resume.
   */
  async stop(): Promise<void> {
    this.state.stop();
    this.webhooks.stop();
    this.tracker.wakeSleepers();
    await this.tracker.whenIdle();
    if (this.ownsDatabase) await this.database.close();
  }
}
