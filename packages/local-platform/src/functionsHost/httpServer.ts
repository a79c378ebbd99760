import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody } from '../http/errorBody';
import type { MountedApi } from '../http/mountedApi';
import type { RpcTypedData } from './coreApi';
import { authorize, KeySettings } from './functionKeys';
import { fromRpcHttpResponse, HttpRoute, matchRoute, toRpcHttpRequest } from './httpTriggers';
import type { HttpThrottle } from './httpThrottle';
import type { AppInvoker } from './appInvoker';
import type { RegisteredFunction } from './registry';

export interface HttpHostOptions {
  host: string;
  port: number;
  routePrefix: string;
  routes: HttpRoute[];
  mounts: MountedApi[];
  keys: KeySettings & { systemKey?: string };
  invoker: AppInvoker;
  /** Extra input bindings (e.g. durableClient) for a function, given the origin the caller used. */
  extraInputs(fn: RegisteredFunction, origin: string): Record<string, RpcTypedData>;
  maxBodyBytes: number;
  /** host.json `extensions.http` throttles of HTTP functions; none: every request runs at once. */
  throttle?: HttpThrottle;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Percent-decoding that leaves malformed escapes as written (as Kestrel does) instead of throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

class BodyTooLarge extends Error {}

function notFound(method: string, path: string) {
  return errorBody({
    code: 'NotFound',
    message: `Nothing answers ${method} ${path}.`,
    where: 'path',
    fix: "Check the URL against the API you mean to call (the app's README lists its endpoints).",
  });
}

function unauthorized(message: string) {
  return errorBody({
    code: 'Unauthorized',
    message,
    where: 'query code / header x-functions-key',
    fix: "Present a key valid for this function's authLevel.",
  });
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Serves HTTP triggers under the route prefix and the mounted APIs, as the Functions host does on :7071. */
export class HttpHost {
  private server?: http.Server;
  private draining = false;
  private closed?: Promise<void>;
  url = '';

  constructor(private readonly options: HttpHostOptions) {}

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        // The path only: the query may carry a key (?code=...), which never goes to a log.
        const path = (req.url ?? '/').split('?')[0];
        this.options.log('error', `HTTP ${req.method} ${path} failed inside the platform: ${(e as Error).stack ?? e}`);
        if (!res.headersSent)
          json(
            res,
            500,
            errorBody({
              code: 'PlatformError',
              message: 'The local platform failed to handle this request.',
              where: `${req.method} ${path}`,
              fix: "The platform's log has the stack trace; please report it with the request that caused it.",
            }),
          );
        else res.end();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new Error(
                `Port ${this.options.port} on ${this.options.host} is in use. Stop the other process or set LOCAL_HTTP_PORT (0 picks a free port).`,
              )
            : e,
        ),
      );
      server.listen(this.options.port, this.options.host, resolve);
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `http://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${port}`;
    return this.url;
  }

  /**
   * The first step of a graceful stop: HTTP functions answer 503 from now on, while the listener stays open for
   * the mounted local services (Cosmos DB, the payment gateway, the Durable HTTP API): the invocations still
   * running call them on this same port, and cutting them off would turn a clean stop into failed activities.
   */
  drain(): void {
    this.draining = true;
  }

  async close(): Promise<void> {
    this.draining = true;
    const closed = this.stopListening();
    this.server?.closeAllConnections();
    await closed;
  }

  /** Closes the listener once; resolves when the last connection has ended. */
  private stopListening(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return this.closed;
  }

  private presentedKey(req: http.IncomingMessage, url: URL): string | undefined {
    const header = req.headers['x-functions-key'];
    return url.searchParams.get('code') ?? (Array.isArray(header) ? header[0] : header);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const origin = `http://${req.headers.host ?? new URL(this.url).host}`;
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();
    let body: Buffer;
    try {
      body = await readBody(req, this.options.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        json(
          res,
          413,
          errorBody({
            code: 'BodyTooLarge',
            message: `The request body exceeds ${this.options.maxBodyBytes} bytes.`,
            where: 'body',
            fix: 'Send a smaller body (the Functions host limit is 100 MB; LOCAL_HTTP_MAX_BODY_BYTES sets it here).',
          }),
        );
        return;
      }
      throw e;
    }
    const path = safeDecode(url.pathname);

    if (path === '/admin/host/status') {
      json(res, 200, { state: 'Running', version: 'embedded', processUptime: Math.round(process.uptime() * 1000) });
      return;
    }

    for (const mount of this.options.mounts) {
      if (
        path === mount.prefix.replace(/\/$/, '') ||
        path.startsWith(mount.prefix.endsWith('/') ? mount.prefix : `${mount.prefix}/`)
      ) {
        if (mount.authLevel === 'loopback') {
          const remote = req.socket.remoteAddress ?? '';
          if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) {
            return json(
              res,
              403,
              errorBody({
                code: 'Forbidden',
                message: `${mount.prefix} answers only callers on this machine.`,
                where: 'caller address',
                fix: 'Call it from the machine the platform runs on.',
              }),
            );
          }
        } else if (mount.authLevel === 'system') {
          const systemKey = this.options.keys.systemKey;
          const keys = { functionKeys: systemKey ? [systemKey] : [], masterKey: this.options.keys.masterKey };
          if (!authorize('function', keys, this.presentedKey(req, url)).ok) {
            return json(
              res,
              401,
              errorBody({
                code: 'Unauthorized',
                message: 'The Durable HTTP API needs the system key.',
                where: 'query code / header x-functions-key',
                fix: "Pass ?code=<LOCAL_DURABLE_SYSTEM_KEY>; this API is the platform's own, never handed to customers.",
              }),
            );
          }
        } else {
          const auth = authorize('admin', this.options.keys, this.presentedKey(req, url));
          if (!auth.ok) return json(res, 401, unauthorized(auth.message));
        }
        const sub = url.pathname.slice(mount.prefix.replace(/\/$/, '').length).replace(/^\//, '');
        const answer = await mount.handle({
          method,
          path: sub,
          query: url.searchParams,
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body,
          origin,
        });
        if (Buffer.isBuffer(answer.body)) {
          // A raw body (a Service Bus message as received): the mount set its content-type.
          res.writeHead(answer.status, answer.headers);
          return void res.end(answer.body);
        }
        return json(res, answer.status, answer.body, answer.headers);
      }
    }

    const prefix = this.options.routePrefix ? `/${this.options.routePrefix}/` : '/';
    // Routing ignores case, the route prefix included, as ASP.NET Core's does.
    const lowerPath = url.pathname.toLowerCase();
    if (!lowerPath.startsWith(prefix.toLowerCase()) && lowerPath !== prefix.replace(/\/$/, '').toLowerCase()) {
      return json(res, 404, notFound(method, url.pathname));
    }
    const relative = url.pathname.slice(prefix.length);
    const match = matchRoute(this.options.routes, method, relative);
    // The same answer as for any other unknown path: a 404 never lists what else is served.
    if (!match) return json(res, 404, notFound(method, url.pathname));
    if ('methodNotAllowed' in match) {
      return json(
        res,
        405,
        errorBody({
          code: 'MethodNotAllowed',
          message: `${method} is not allowed on ${url.pathname}.`,
          where: 'method',
          fix: `Use ${match.methodNotAllowed.join(' or ')} (the Allow header lists them).`,
        }),
        { allow: match.methodNotAllowed.join(', ') },
      );
    }
    const auth = authorize(match.route.authLevel, this.options.keys, this.presentedKey(req, url));
    if (!auth.ok) return json(res, 401, unauthorized(auth.message));

    const fn = match.route.fn;
    if (this.draining) {
      return json(
        res,
        503,
        { error: 'The host is stopping; this request was not run. Retry against the restarted host.' },
        { 'retry-after': '5', connection: 'close' },
      );
    }
    const refused = this.options.throttle?.refusal(method);
    if (refused) {
      return json(
        res,
        429,
        { error: `Too busy: ${refused.reason}. Retry after ${refused.retryAfterSeconds} s.` },
        { 'retry-after': String(refused.retryAfterSeconds) },
      );
    }
    const invoke = (): ReturnType<AppInvoker['invoke']> =>
      this.options.invoker.invoke(fn, {
        trigger: toRpcHttpRequest(req, url, body, match.params),
        inputs: this.options.extraInputs(fn, origin),
      });
    try {
      const result = await (this.options.throttle ? this.options.throttle.run(invoke) : invoke());
      const answer = fromRpcHttpResponse(result.returnValue);
      res.statusCode = answer.status;
      for (const [k, v] of answer.headers) res.appendHeader(k, v);
      res.end(answer.body);
    } catch (e) {
      // The stack is in the host's execution log; this line ties the failure to the request.
      const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.options.log('error', `HTTP ${method} ${url.pathname} answered 500: function '${fn.name}' failed (${why}).`);
      json(
        res,
        500,
        errorBody({
          code: 'FunctionFailed',
          message: `Function '${fn.name}' threw an error.`,
          where: `${method} ${url.pathname}`,
          fix: "The platform's log has the exception and its stack trace.",
        }),
      );
    }
  }
}
