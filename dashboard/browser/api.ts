import type {
  AuditPage,
  ErrorBody,
  OrderView,
  Overview,
  PlanItemsPage,
  ReplayMode,
  ReplayPlan,
  Engine,
  ReplayResults,
  SagaPage,
  Session,
  StepCallView,
} from './apiTypes.js';

const KEY_STORAGE = 'ops-dashboard-key';

/** Dispatched on window when the API no longer accepts the key. */
export const KEY_REFUSED = 'ops-key-refused';

/** The key lives in this tab's sessionStorage only: never in the URL, a cookie or localStorage. */
export const storedKey = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(KEY_STORAGE),
};

/** An answer other than 2xx, with the API's own message (what went wrong and how to fix it). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a replay asks for: named orders, or every saga a filter selects. */
export type ReplayTarget = { orderIds: string[] } | { where: Record<string, string> };

/** The ops HTTP API, called with the key in the x-ops-key header. */
export class OpsApi {
  /** `base` is the ops API's root, e.g. https://app/api/ops/ (the dashboard is served at base + "ui/"). */
  constructor(
    private readonly base: URL,
    private readonly key: string,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: {
        'x-ops-key': this.key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (!res.ok) {
      const text = await res.text();
      let error: ErrorBody['error'] | undefined;
      try {
        error = (JSON.parse(text) as ErrorBody).error;
      } catch {
        error = undefined;
      }
      const failure = new ApiError(res.status, error?.code ?? 'HttpError', error?.message ?? `HTTP ${res.status}`);
      // The key was removed from the app settings (rotated out) while the page was open: sign in again.
      if (res.status === 401) window.dispatchEvent(new CustomEvent(KEY_REFUSED, { detail: failure.message }));
      throw failure;
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.call(method, path, body)).json()) as T;
  }

  session(): Promise<Session> {
    return this.json('GET', 'session');
  }

  /** One engine's overview (the page asks each engine apart, so the fast one is drawn first), or both. */
  overview(engine?: Engine): Promise<Overview> {
    return this.json('GET', engine ? `overview?engine=${engine}` : 'overview');
  }

  list(filters: URLSearchParams): Promise<SagaPage> {
    return this.json('GET', `sagas?${filters.toString()}`);
  }

  show(orderId: string): Promise<OrderView> {
    return this.json('GET', `sagas/${encodeURIComponent(orderId)}`);
  }

  /** One activity call's input, output and error, each cut to maxChars (the API's default when absent). */
  stepCall(orderId: string, engine: Engine, run: string, call: number, maxChars?: number): Promise<StepCallView> {
    const q = new URLSearchParams({ engine, run, call: String(call) });
    if (maxChars) q.set('maxChars', String(maxChars));
    return this.json('GET', `sagas/${encodeURIComponent(orderId)}/calls?${q.toString()}`);
  }

  dryRun(target: ReplayTarget, mode: ReplayMode, reason: string): Promise<ReplayPlan> {
    return this.json('POST', 'replays', { ...target, mode, reason, dryRun: true });
  }

  /** A page of a dry run's items beyond the first (the dry run answers the first and the next page's token). */
  planItems(planHash: string, continuationToken: string): Promise<PlanItemsPage> {
    const q = new URLSearchParams({ continuationToken });
    return this.json('GET', `replays/${encodeURIComponent(planHash)}/items?${q.toString()}`);
  }

  apply(target: ReplayTarget, mode: ReplayMode, reason: string, planHash: string): Promise<ReplayResults> {
    return this.json('POST', 'replays', { ...target, mode, reason, dryRun: false, planHash });
  }

  /** Applies only `part` (order ids of the approved plan): one step of an apply that shows its progress. */
  applyPart(
    target: ReplayTarget,
    mode: ReplayMode,
    reason: string,
    planHash: string,
    part: string[],
  ): Promise<ReplayResults> {
    return this.json('POST', 'replays', { ...target, mode, reason, dryRun: false, planHash, part });
  }

  decide(orderId: string, action: 'retryCompensation' | 'markResolved', note: string): Promise<unknown> {
    return this.json('POST', `sagas/${encodeURIComponent(orderId)}/decision`, { action, note });
  }

  terminate(orderId: string, reason: string): Promise<{ outcomes: { result: string; detail: string }[] }> {
    return this.json('POST', `sagas/${encodeURIComponent(orderId)}/terminate`, { reason });
  }

  audit(filters: URLSearchParams): Promise<AuditPage> {
    return this.json('GET', `audit?${filters.toString()}`);
  }

  /** The audit as JSON Lines, every page of the filter, for a download. */
  async auditExport(filters: URLSearchParams): Promise<string> {
    let text = '';
    let token: string | null = null;
    do {
      const q = new URLSearchParams(filters);
      q.set('format', 'jsonl');
      q.set('pageSize', '1000');
      if (token) q.set('continuationToken', token);
      const res = await this.call('GET', `audit?${q.toString()}`);
      text += await res.text();
      token = res.headers.get('x-continuation-token');
    } while (token);
    return text;
  }
}
