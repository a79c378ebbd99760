import { errorBody } from '../http/errorBody';
import { managementUrls, DurableUrlOptions } from './clientBinding';
import type { DurableEngine } from './engine';
import {
  DurableEngineError,
  InstanceAlreadyExistsError,
  InstanceNotFailedError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  OrchestratorNotFoundError,
} from './errors';
import { PayloadTooLargeError } from './limits';
import type { InstanceStatus } from './instanceStatus';
import { RuntimeStatus, TERMINAL_STATUSES } from './instanceStore';

export interface ApiRequest {
  method: string;
  /** Path below the API base, without leading slash: `instances/abc/raiseEvent/Approval`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Origin the caller used, for the URLs put in responses. */
  origin: string;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const STATUSES: RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Terminated',
  'Suspended',
];
const DEFAULT_PAGE_SIZE = 100;

class BadRequest extends Error {}

/** What each status means for the caller, in the platform's one error shape. */
const ERRORS: Record<number, { code: string; fix: string }> = {
  400: { code: 'BadRequest', fix: 'Correct the request as the message says.' },
  404: { code: 'NotFound', fix: 'Check the instance ID or orchestrator name (names are case-insensitive).' },
  409: { code: 'Conflict', fix: 'Use another instance ID, or wait until the instance has finished.' },
  410: { code: 'InstanceNotRunning', fix: 'The instance has finished; events and controls apply to running ones.' },
  412: { code: 'InstanceNotFailed', fix: 'Only a failed instance can be rewound.' },
  413: { code: 'PayloadTooLarge', fix: 'Send a smaller payload.' },
  501: { code: 'NotImplemented', fix: 'Run under Azure Functions Core Tools (npm run start:func) for this feature.' },
};

const error = (status: number, message: string, where = 'request'): ApiResponse => ({
  status,
  body: errorBody({ message, where, ...(ERRORS[status] ?? { code: 'Error', fix: 'See the message.' }) }),
});

/** JSON text of a request body, or null for an empty one; malformed JSON is a 400 naming the parse error. */
function bodyJson(req: ApiRequest, what: string): string | null {
  const text = req.body.toString('utf8').trim();
  if (text === '') return null;
  try {
    JSON.parse(text);
  } catch (e) {
    throw new BadRequest(
      `The ${what} in the request body is not valid JSON: ${(e as Error).message}. Send a JSON value (e.g. {"orderId":"42"} or "text" in quotes), or an empty body for none.`,
    );
  }
  return text;
}

function parseTime(value: string | null, name: string): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new BadRequest(
      `Query parameter ${name}="${value}" is not an ISO-8601 date-time (e.g. 2026-11-22T10:00:00Z).`,
    );
  return t;
}

function parseStatuses(value: string | null): RuntimeStatus[] | undefined {
  if (!value) return undefined;
  return value.split(',').map((s) => {
    const match = STATUSES.find((k) => k.toLowerCase() === s.trim().toLowerCase());
    if (!match) throw new BadRequest(`runtimeStatus "${s}" is not a status. Use any of: ${STATUSES.join(', ')}.`);
    return match;
  });
}

const flag = (q: URLSearchParams, name: string): boolean => (q.get(name) ?? '').toLowerCase() === 'true';

/**
 * The Durable Functions HTTP API (durable-host-contract §8), served both at the extension's rpc base URL and
 * under /runtime/webhooks/durabletask on the public origin.
 */
export class DurableHttpApi {
  constructor(
    private readonly engine: DurableEngine,
    private readonly urls: Omit<DurableUrlOptions, 'origin'>,
  ) {}

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      return await this.route(req);
    } catch (e) {
      if (e instanceof BadRequest) return error(400, e.message);
      if (e instanceof OrchestratorNotFoundError || e instanceof InstanceNotFoundError) return error(404, e.message);
      if (e instanceof InstanceAlreadyExistsError) return error(409, e.message);
      if (e instanceof InstanceNotFailedError) return error(412, e.message);
      if (e instanceof PayloadTooLargeError) return error(413, e.message);
      if (e instanceof InstanceNotRunningError) return error(410, e.message);
      if (e instanceof DurableEngineError) return error(400, e.message);
      throw e;
    }
  }

  private checkStatusPayload(req: ApiRequest, instanceId: string): Record<string, string> {
    return managementUrls({ ...this.urls, origin: req.origin }, instanceId);
  }

  private accepted(req: ApiRequest, instanceId: string): ApiResponse {
    const payload = this.checkStatusPayload(req, instanceId);
    return { status: 202, headers: { Location: payload.statusQueryGetUri, 'Retry-After': '10' }, body: payload };
  }

  private async route(req: ApiRequest): Promise<ApiResponse> {
    const segs = req.path
      .split('/')
      .filter((s, i, all) => s !== '' || i < all.length - 1)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s; // a malformed escape is part of the name; it will simply not be found
        }
      });
    const [head, a, b, c] = segs;
    const method = req.method.toUpperCase();

    if (head === 'orchestrators' && a && method === 'POST' && segs.length <= 3) {
      const input = bodyJson(req, 'orchestration input');
      const instanceId = await this.engine.startNew(a, { instanceId: b, input });
      const wait = req.query.get('timeout');
      if (wait !== null) return this.waitForCompletion(req, instanceId, Number(wait) * 1000);
      return this.accepted(req, instanceId);
    }

    if (head === 'instances' && (a === undefined || a === '') && segs.length <= 2) {
      if (method === 'GET') return this.list(req);
      if (method === 'DELETE') return this.purgeBy(req);
    }

    if (head === 'instances' && a) {
      if (segs.length === 2 && method === 'GET') return this.status(req, a);
      if (segs.length === 2 && method === 'DELETE') {
        const n = await this.engine.purge(a);
        return n ? { status: 200, body: { instancesDeleted: n } } : error(404, new InstanceNotFoundError(a).message);
      }
      if (method === 'POST' && b === 'raiseEvent' && c && segs.length === 4) {
        await this.engine.raiseEvent(a, c, bodyJson(req, `data of event "${c}"`));
        return { status: 202 };
      }
      const reason = req.query.get('reason') ?? '';
      if (method === 'POST' && segs.length === 3) {
        switch (b) {
          case 'terminate':
            await this.engine.terminate(a, reason);
            return { status: 202 };
          case 'suspend':
            await this.engine.suspend(a, reason);
            return { status: 202 };
          case 'resume':
            await this.engine.resume(a, reason);
            return { status: 202 };
          case 'restart': {
            const fresh = flag(req.query, 'restartWithNewInstanceId');
            const id = await this.engine.restart(a, { newInstanceId: fresh });
            return this.accepted(req, id);
          }
          case 'rewind':
            await this.engine.rewind(a, reason);
            return { status: 202 };
        }
      }
    }

    if (head === 'entities') {
      return error(
        501,
        'Durable entities are not supported by the embedded durable engine. Run under Azure Functions Core Tools (npm run start:func) to use them.',
      );
    }
    return error(
      404,
      `No Durable HTTP API route matches ${method} ${req.path}. See https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api for the routes.`,
      'path',
    );
  }

  private status(req: ApiRequest, instanceId: string): ApiResponse {
    const status = this.engine.getStatus(instanceId, {
      showHistory: flag(req.query, 'showHistory'),
      showHistoryOutput: flag(req.query, 'showHistoryOutput'),
      showInput: req.query.get('showInput') === null ? true : flag(req.query, 'showInput'),
    });
    if (!status) return error(404, new InstanceNotFoundError(instanceId).message);
    return {
      status: statusCode(status),
      body: status,
      ...(statusCode(status) === 202
        ? { headers: { 'Retry-After': '10', Location: this.checkStatusPayload(req, instanceId).statusQueryGetUri } }
        : {}),
    };
  }

  private filters(req: ApiRequest) {
    return {
      createdTimeFrom: parseTime(req.query.get('createdTimeFrom'), 'createdTimeFrom'),
      createdTimeTo: parseTime(req.query.get('createdTimeTo'), 'createdTimeTo'),
      statuses: parseStatuses(req.query.get('runtimeStatus')),
      instanceIdPrefix: req.query.get('instanceIdPrefix') ?? undefined,
    };
  }

  private list(req: ApiRequest): ApiResponse {
    const topText = req.query.get('top');
    const top = topText === null ? DEFAULT_PAGE_SIZE : Number(topText);
    if (!Number.isInteger(top) || top < 1)
      throw new BadRequest(`top="${topText}" must be a positive integer page size.`);
    const tokenHeader = req.headers['x-ms-continuation-token'];
    const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
    let after: { createdTime: number; instanceId: string } | undefined;
    if (token) {
      try {
        after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      } catch {
        throw new BadRequest('x-ms-continuation-token is not a token this API issued; start again without it.');
      }
    }
    const showInput = req.query.get('showInput') === null ? false : flag(req.query, 'showInput');
    const { statuses, rows } = this.engine.listInstances({ ...this.filters(req), after, limit: top + 1 }, showInput);
    const page = statuses.slice(0, top);
    const headers: Record<string, string> = {};
    if (rows.length > top) {
      const last = rows[top - 1];
      headers['x-ms-continuation-token'] = Buffer.from(
        JSON.stringify({ createdTime: last.createdTime, instanceId: last.instanceId }),
      ).toString('base64url');
    }
    return { status: 200, headers, body: page };
  }

  private async purgeBy(req: ApiRequest): Promise<ApiResponse> {
    const filters = this.filters(req);
    if (filters.createdTimeFrom === undefined && !filters.statuses && !filters.instanceIdPrefix) {
      throw new BadRequest(
        'Purging by filter needs createdTimeFrom (and optionally createdTimeTo, runtimeStatus); refusing to purge everything.',
      );
    }
    const n = await this.engine.purgeBy(filters);
    return n ? { status: 200, body: { instancesDeleted: n } } : error(404, 'No instances matched the filter.');
  }

  private async waitForCompletion(req: ApiRequest, instanceId: string, timeoutMs: number): Promise<ApiResponse> {
    const deadline = Date.now() + (Number.isFinite(timeoutMs) ? timeoutMs : 10_000);
    for (;;) {
      const status = this.engine.getStatus(instanceId);
      if (status && TERMINAL_STATUSES.has(status.runtimeStatus)) return { status: 200, body: status.output };
      if (Date.now() >= deadline) return this.accepted(req, instanceId);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** As the extension answers: 200 once finished (failed too, unless asked for 500), 202 while in progress. */
function statusCode(s: InstanceStatus): number {
  return TERMINAL_STATUSES.has(s.runtimeStatus) ? 200 : 202;
}
