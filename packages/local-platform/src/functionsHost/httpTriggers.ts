import type { IncomingMessage } from 'node:http';
import type { RpcTypedData } from './coreApi';
import type { AuthLevel } from './functionKeys';
import type { RegisteredFunction } from './registry';
import { compareRoutes, compileRoute, CompiledRoute } from './routeTemplate';

export interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: Set<string> | null;
  authLevel: AuthLevel;
}

/** HTTP-triggered functions with their routes, most specific first, as the host matches them. */
export function buildHttpRoutes(functions: RegisteredFunction[]): HttpRoute[] {
  const routes = functions.map((fn) => {
    const methods = fn.trigger.methods as string[] | undefined;
    return {
      fn,
      route: compileRoute((fn.trigger.route as string | undefined) ?? fn.name),
      methods: methods?.length ? new Set(methods.map((m) => m.toUpperCase())) : null,
      authLevel: ((fn.trigger.authLevel as string | undefined) ?? 'function').toLowerCase() as AuthLevel,
    };
  });
  return routes.sort((a, b) => compareRoutes(a.route, b.route));
}

export type RouteMatch =
  { route: HttpRoute; params: Record<string, string> } | { methodNotAllowed: string[] } | undefined;

export function matchRoute(routes: HttpRoute[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = route.route.match(path);
    if (!params) continue;
    if (route.methods && !route.methods.has(method)) {
      allowed.push(...route.methods);
      continue;
    }
    return { route, params };
  }
  return allowed.length ? { methodNotAllowed: [...new Set(allowed)] } : undefined;
}

/** The RPC shape of an HTTP request, which the app's programming model turns into an HttpRequest. */
export function toRpcHttpRequest(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  params: Record<string, string>,
): RpcTypedData {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const query: Record<string, string> = {};
  // The host joins repeated keys with commas (?tag=x&tag=y → 'x,y').
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  return {
    http: {
      method: req.method ?? 'GET',
      url: url.href,
      headers,
      query,
      params,
      body: body.length ? { bytes: body } : undefined,
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

interface RpcCookie {
  name: string;
  value: string;
  domain?: { value?: string } | string;
  path?: { value?: string } | string;
  expires?: { value?: { seconds?: number } } | Date | number;
  secure?: { value?: boolean } | boolean;
  httpOnly?: { value?: boolean } | boolean;
  sameSite?: string | number;
  maxAge?: { value?: number } | number;
}

const unwrap = <T>(v: { value?: T } | T | undefined): T | undefined =>
  v !== null && typeof v === 'object' && 'value' in (v as object) ? (v as { value?: T }).value : (v as T | undefined);

function cookieHeader(c: RpcCookie): string {
  const parts = [`${c.name}=${c.value}`];
  const domain = unwrap(c.domain);
  const path = unwrap(c.path);
  const maxAge = unwrap(c.maxAge);
  const expires = unwrap(c.expires as { value?: { seconds?: number } });
  if (domain) parts.push(`Domain=${domain}`);
  if (path) parts.push(`Path=${path}`);
  if (expires && typeof expires === 'object' && 'seconds' in expires && expires.seconds !== undefined) {
    parts.push(`Expires=${new Date(Number(expires.seconds) * 1000).toUTCString()}`);
  }
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (unwrap(c.secure)) parts.push('Secure');
  if (unwrap(c.httpOnly)) parts.push('HttpOnly');
  // @azure/functions sends 'none' for "not specified" and 'explicitNone' for SameSite=None.
  const sameSite = String(
    typeof c.sameSite === 'number' ? ['none', 'lax', 'strict', 'explicitNone'][c.sameSite] : (c.sameSite ?? 'none'),
  ).toLowerCase();
  if (sameSite === 'lax') parts.push('SameSite=Lax');
  else if (sameSite === 'strict') parts.push('SameSite=Strict');
  else if (sameSite === 'explicitnone') parts.push('SameSite=None');
  return parts.join('; ');
}

/** Turns the function's RPC HTTP response back into status, headers and body. */
export function fromRpcHttpResponse(data: RpcTypedData | null | undefined): HttpAnswer {
  const http = data?.http as
    { statusCode?: string; headers?: Record<string, string>; cookies?: RpcCookie[]; body?: RpcTypedData } | undefined;
  if (!http) return { status: 204, headers: [], body: Buffer.alloc(0) };
  const headers: [string, string][] = Object.entries(http.headers ?? {});
  for (const c of http.cookies ?? []) headers.push(['set-cookie', cookieHeader(c)]);
  const b = http.body;
  const body = b?.bytes
    ? Buffer.from(b.bytes)
    : b?.string != null
      ? Buffer.from(b.string)
      : b?.json != null
        ? Buffer.from(b.json)
        : Buffer.alloc(0);
  return { status: Number(http.statusCode ?? 200) || 200, headers, body };
}
