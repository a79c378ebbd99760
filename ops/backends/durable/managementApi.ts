import { EngineError } from '../../errors';

/** An instance as the Durable HTTP API lists and shows it. */
export interface DurableInstance {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input?: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export interface DurableListFilter {
  runtimeStatus?: string[];
  instanceIdPrefix?: string;
  createdTimeFrom?: string;
  createdTimeTo?: string;
  /** Each instance's input too (a plan's restart needs it; a listing does not). */
  showInput?: boolean;
}

/** Where the Durable HTTP API is and the query parameters it requires (task hub, connection, system key). */
export interface DurableEndpoint {
  /** e.g. https://<app>.azurewebsites.net/runtime/webhooks/durabletask */
  baseUrl: string;
  /** `taskHub=…&connection=…&code=<system key>` */
  requiredQuery: string;
}

/**
 * The Durable Functions management HTTP API (the one the durable client itself uses), which serves both the
 * embedded platform and a deployed Function App. Unlike the client's getStatusBy, it pages with continuation
 * tokens, so listing never loads every instance. Errors never repeat the URL: it carries the system key.
 */
export class DurableManagementApi {
  constructor(private readonly endpoint: DurableEndpoint) {}

  private url(path: string, query: Record<string, string | undefined> = {}): string {
    const extra = Object.entries(query)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    const q = [this.endpoint.requiredQuery, ...extra].filter(Boolean).join('&');
    return `${this.endpoint.baseUrl.replace(/\/$/, '')}/${path}${q ? `?${q}` : ''}`;
  }

  private async call(what: string, method: string, url: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { method, ...init });
    } catch (e) {
      throw new EngineError(
        `The Durable HTTP API is unreachable (${what}): ${(e as Error).message}. Check DURABLE_BASE_URL.`,
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new EngineError(
        `The Durable HTTP API refused the system key (${what}, HTTP ${res.status}). Check DURABLE_SYSTEM_KEY.`,
      );
    return res;
  }

  private async fail(what: string, res: Response): Promise<never> {
    const body = (await res.text()).slice(0, 500);
    throw new EngineError(`The Durable HTTP API answered ${res.status} to ${what}: ${body}`);
  }

  async list(
    filter: DurableListFilter,
    top: number,
    token?: string,
  ): Promise<{ instances: DurableInstance[]; next?: string }> {
    const url = this.url('instances', {
      top: String(top),
      runtimeStatus: filter.runtimeStatus?.join(','),
      instanceIdPrefix: filter.instanceIdPrefix,
      createdTimeFrom: filter.createdTimeFrom,
      createdTimeTo: filter.createdTimeTo,
      showInput: filter.showInput ? 'true' : 'false',
    });
    const res = await this.call('listing instances', 'GET', url, {
      headers: token ? { 'x-ms-continuation-token': token } : {},
    });
    if (!res.ok) await this.fail('listing instances', res);
    const next = res.headers.get('x-ms-continuation-token') || undefined;
    return { instances: (await res.json()) as DurableInstance[], next };
  }

  async get(instanceId: string, history: boolean): Promise<DurableInstance | undefined> {
    const url = this.url(`instances/${encodeURIComponent(instanceId)}`, {
      showInput: 'true',
      ...(history ? { showHistory: 'true', showHistoryOutput: 'true' } : {}),
    });
    const res = await this.call(`reading ${instanceId}`, 'GET', url);
    if (res.status === 404) return undefined;
    if (!res.ok) await this.fail(`reading ${instanceId}`, res);
    return (await res.json()) as DurableInstance;
  }

  async post(instanceId: string, action: 'rewind' | 'terminate', reason: string): Promise<void> {
    const url = this.url(`instances/${encodeURIComponent(instanceId)}/${action}`, { reason });
    const res = await this.call(`${action} of ${instanceId}`, 'POST', url);
    if (!res.ok) await this.fail(`${action} of ${instanceId}`, res);
  }

  async raiseEvent(instanceId: string, event: string, data: unknown): Promise<void> {
    const url = this.url(`instances/${encodeURIComponent(instanceId)}/raiseEvent/${encodeURIComponent(event)}`);
    const res = await this.call(`raising ${event} on ${instanceId}`, 'POST', url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    if (!res.ok) await this.fail(`raising ${event} on ${instanceId}`, res);
  }

  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    const url = this.url(`orchestrators/${encodeURIComponent(orchestrator)}/${encodeURIComponent(instanceId)}`);
    const res = await this.call(`starting ${instanceId}`, 'POST', url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    if (!res.ok) await this.fail(`starting ${instanceId}`, res);
  }

  async purge(instanceId: string): Promise<void> {
    const url = this.url(`instances/${encodeURIComponent(instanceId)}`);
    const res = await this.call(`purging ${instanceId}`, 'DELETE', url);
    if (!res.ok && res.status !== 404) await this.fail(`purging ${instanceId}`, res);
  }
}
