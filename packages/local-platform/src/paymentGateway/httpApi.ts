import type { MountRequest } from '../http/mountedApi';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ActivityTracker } from './activity';
import { ApiError, AuthenticationError, GatewayError, IdempotencyError, InvalidRequestError } from './errors';
import { failureModeOf } from './failureModes';
import type { GatewayState } from './gateway';
import { IdempotencyStore, requestFingerprint } from './idempotency';
import { parseChargeRequest, parseRefundRequest } from './validation';

/** What the platform's HTTP host hands a mounted API. */
export type GatewayRequest = MountRequest;

export interface GatewayResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GatewayHttpApiOptions {
  apiKey: string;
  latencyMs: number;
  slowMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * The commits an answer waits for (gatewayStore.ts): state changes are made in memory at once and written through,
 * and nothing is answered before they are on disk, so a client that heard of a charge finds it after a crash.
 */
export interface CommittedState {
  /** Resolves once every change made so far is committed; rejects with the store's failure. */
  durable(): Promise<void>;
  /** Set once a commit failed: the gateway then answers every request with it. */
  failed(): GatewayError | undefined;
}

/** A POST that goes through the idempotency store; `run` gets the attempt number for that key. */
interface Write {
  kind: 'write';
  key: string;
  fingerprint: string;
  run: (attempt: number) => GatewayResponse;
  /** Extra real-time delay before the answer of this attempt leaves (slow mode). */
  delayFor: (attempt: number) => number;
}

type Plan = { kind: 'respond'; response: GatewayResponse } | { kind: 'read'; run: () => GatewayResponse } | Write;

const MAX_KEY_LENGTH = 255;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** HTTP surface of the gateway: authentication, routing, idempotency, latency and transport failure modes. */
export class GatewayHttpApi {
  private readonly keyDigest: Buffer;
  /** Idempotency keys are scoped per API key; a digest, so the key itself is never kept as a map key. */
  private readonly scope: string;

  constructor(
    private readonly state: GatewayState,
    private readonly idempotency: IdempotencyStore,
    private readonly committed: CommittedState,
    private readonly tracker: ActivityTracker,
    private readonly options: GatewayHttpApiOptions,
  ) {
    this.keyDigest = digest(options.apiKey);
    this.scope = this.keyDigest.toString('hex').slice(0, 16);
  }

  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const { response, delayMs } = await this.tracker.track(this.process(req));
    // Slow mode holds the answer back after the work is done and saved, outside the in-flight count: the charge
    // already exists, and idle detection must not wait for a simulated network delay.
    if (delayMs > 0) await this.tracker.sleep(delayMs);
    return response;
  }

  private async process(req: GatewayRequest): Promise<{ response: GatewayResponse; delayMs: number }> {
    const failure = this.committed.failed();
    if (failure) return { response: this.errorResponse(failure), delayMs: 0 };
    let plan: Plan;
    try {
      plan = this.plan(req);
    } catch (e) {
      plan = { kind: 'respond', response: this.errorResponse(e) };
    }
    if (plan.kind === 'respond') {
      await this.tracker.sleep(this.options.latencyMs);
      return { response: plan.response, delayMs: 0 };
    }
    if (plan.kind === 'read') {
      await this.tracker.sleep(this.options.latencyMs);
      // A read may show a change whose commit is still queued; it waits for it, as the writer's answer does.
      return { response: await this.onceCommitted(this.safely(plan.run)), delayMs: 0 };
    }
    const admission = this.idempotency.admit(this.scope, plan.key, plan.fingerprint);
    if (admission.kind === 'execute') {
      // The key stays locked through the latency, so a concurrent request with it sees 409 as on a real gateway.
      try {
        await this.tracker.sleep(this.options.latencyMs);
        const response = this.safely(() => plan.run(admission.attempt));
        // Synchronously after run: the charge and the saved response share one commit, so after a crash the key
        // either replays this charge or has nothing saved and runs again, never a charge without its response.
        admission.ticket.finish(response, response.status < 500);
        // 5xx answers wait too: a flaky card's counted attempt must survive, or a restart would reset the count.
        return { response: await this.onceCommitted(response), delayMs: plan.delayFor(admission.attempt) };
      } finally {
        // Releases the key if anything above threw; a no-op after the finish above.
        admission.ticket.finish(undefined, false);
      }
    }
    await this.tracker.sleep(this.options.latencyMs);
    if (admission.kind === 'replay') {
      const stored = structuredClone(admission.response);
      const replay = { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } };
      // The first request may still be committing what this replays (and this attempt counts).
      return { response: await this.onceCommitted(replay), delayMs: plan.delayFor(admission.attempt) };
    }
    const error =
      admission.kind === 'inUse'
        ? new IdempotencyError(
            'idempotency_key_in_use',
            `A request with Idempotency-Key '${plan.key}' is still being processed; retry after it completes.`,
          )
        : new IdempotencyError(
            'idempotency_key_reused',
            `Idempotency-Key '${plan.key}' was already used for a different request; use a new key for different parameters.`,
          );
    return { response: this.errorResponse(error), delayMs: 0 };
  }

  /** Everything decided before execution: auth, route, key presence, parameter validation (never saved). */
  private plan(req: GatewayRequest): Plan {
    this.authenticate(req.headers);
    const method = req.method.toUpperCase();
    const path = `/${req.path.replace(/^\/+|\/+$/g, '')}`;
    const segments = path.split('/').slice(1);
    const [version, collection, rawId] = segments;
    if (version !== 'v1' || segments.length > 3 || (collection !== 'charges' && collection !== 'refunds'))
      throw new InvalidRequestError(
        'unrecognized_request_url',
        `Unrecognized request URL (${method} ${path}). The gateway serves /v1/charges and /v1/refunds.`,
        undefined,
        404,
      );
    const id = rawId === undefined ? undefined : safeDecode(rawId);
    const allowed = id === undefined ? 'GET, POST' : 'GET';
    if (method === 'GET') {
      if (collection === 'charges') {
        if (id !== undefined) return { kind: 'read', run: () => ({ status: 200, body: this.state.getCharge(id) }) };
        const orderId = req.query.get('orderId') ?? undefined;
        return { kind: 'read', run: () => ({ status: 200, body: list(this.state.listCharges(orderId)) }) };
      }
      if (id !== undefined) return { kind: 'read', run: () => ({ status: 200, body: this.state.getRefund(id) }) };
      const charge = req.query.get('charge') ?? undefined;
      return { kind: 'read', run: () => ({ status: 200, body: list(this.state.listRefunds(charge)) }) };
    }
    if (method !== 'POST' || id !== undefined)
      throw new InvalidRequestError(
        'method_not_allowed',
        `${method} is not allowed on ${path}; allowed: ${allowed}.`,
        undefined,
        405,
      );
    const key = this.idempotencyKey(req.headers);
    const fingerprint = requestFingerprint(method, path, req.body);
    if (collection === 'refunds') {
      const request = parseRefundRequest(req.body);
      return {
        kind: 'write',
        key,
        fingerprint,
        run: () => ({ status: 201, body: this.state.refund(request) }),
        delayFor: () => 0,
      };
    }
    const request = parseChargeRequest(req.body);
    const mode = failureModeOf(request.paymentMethod);
    return {
      kind: 'write',
      key,
      fingerprint,
      run: (attempt) => {
        if (mode.kind === 'flaky' && attempt <= mode.failures) {
          this.options.log(
            'info',
            `Payment gateway: ${request.paymentMethod} answers 503 to attempt ${attempt} of key '${key}'.`,
          );
          throw new ApiError(
            'gateway_unavailable',
            'The payment gateway is temporarily unavailable; retry with the same Idempotency-Key.',
            503,
          );
        }
        return { status: 201, body: this.state.createCharge(request) };
      },
      delayFor: (attempt) => (mode.kind === 'slow' && attempt <= mode.slowAttempts ? this.options.slowMs : 0),
    };
  }

  private authenticate(headers: IncomingHttpHeaders): void {
    const match = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization')?.trim() ?? '');
    // Comparing digests keeps the comparison constant-time whatever the lengths of the two keys.
    if (!match || !timingSafeEqual(digest(match[1].trim()), this.keyDigest))
      throw new AuthenticationError(
        `${match ? 'Invalid' : 'Missing'} API key: send 'Authorization: Bearer <key>'. The app setting ` +
          'PAYMENT_GATEWAY_API_KEY must match LOCAL_PAYMENT_GATEWAY_API_KEY, the key the local gateway was started with.',
      );
  }

  private idempotencyKey(headers: IncomingHttpHeaders): string {
    const key = header(headers, 'idempotency-key')?.trim();
    if (!key)
      throw new InvalidRequestError(
        'idempotency_key_missing',
        'POST requests need an Idempotency-Key header (derive it from the order id and the step, so retries reuse it).',
      );
    if (key.length > MAX_KEY_LENGTH)
      throw new InvalidRequestError(
        'idempotency_key_invalid',
        `The Idempotency-Key header is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed.`,
      );
    return key;
  }

  /** The answer once what it reveals is on disk, or the store's failure if the commit failed. */
  private async onceCommitted(response: GatewayResponse): Promise<GatewayResponse> {
    try {
      await this.committed.durable();
      return response;
    } catch (e) {
      return this.errorResponse(e);
    }
  }

  private safely(run: () => GatewayResponse): GatewayResponse {
    try {
      return run();
    } catch (e) {
      return this.errorResponse(e);
    }
  }

  private errorResponse(e: unknown): GatewayResponse {
    if (e instanceof GatewayError) return { status: e.status, body: e.toBody() };
    this.options.log('error', `Payment gateway: internal error: ${(e as Error).stack ?? String(e)}`);
    return {
      status: 500,
      body: new ApiError('internal_error', 'The local payment gateway failed; see the platform log.').toBody(),
    };
  }
}

const list = <T>(data: T[]): { object: 'list'; data: T[] } => ({ object: 'list', data });
