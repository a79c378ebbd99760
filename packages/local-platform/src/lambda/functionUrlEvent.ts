import { createHash } from 'node:crypto';
import type { MountRequest } from '../http/mountedApi';
import type { LambdaInvokeResult } from './invoke';

/** The event a function URL sends its function (API Gateway payload format 2.0). */
export interface FunctionUrlEvent {
  version: '2.0';
  routeKey: '$default';
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authentication: null;
    authorizer?: unknown;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: '$default';
    stage: '$default';
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/** What the mount answers; `set-cookie` may carry several values (one header line each). */
export interface FunctionUrlResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface UrlTarget {
  /** `arn:aws:lambda:<region>:<account>:function:<name>`. */
  arn: string;
  authType: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `07/Sep/2021:22:50:22 +0000`, the format of `requestContext.time`. */
function requestTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * Bodies of these types reach the function as text; every other body (and one without a content type) is
 * base64-encoded with `isBase64Encoded: true`. Form posts are encoded too, as function URLs do.
 */
function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/graphql'
  );
}

/** Header name/value pairs as received: from `rawHeaders` when the host kept them, else Node's parsed map. */
function headerPairs(req: MountRequest): [string, string][] {
  if (req.rawHeaders && req.rawHeaders.length > 0) {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    return pairs;
  }
  return Object.entries(req.headers).flatMap(([k, v]) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]],
  );
}

/** A stable stand-in for the 32-character url-id AWS generates for each function URL. */
export function urlId(arn: string): string {
  return createHash('sha256').update(arn).digest('hex').slice(0, 32);
}

/**
 * Builds the function URL event for a request. `rawPath` is the path below `/{functionName}` (at least `/`).
 * Header names are lower-cased and repeated headers comma-joined; cookies move from the `cookie` header to
 * `cookies`, as function URLs do.
 */
export function toFunctionUrlEvent(
  req: MountRequest,
  rawPath: string,
  target: UrlTarget,
  requestId: string,
  nowMs: number,
): FunctionUrlEvent {
  const [, , , region, accountId] = target.arn.split(':');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of headerPairs(req)) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  const origin = new URL(req.origin);
  const sourceIp = headers['x-forwarded-for']?.split(',')[0].trim() || '127.0.0.1';
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= origin.protocol.replace(/:$/, '');
  headers['x-forwarded-port'] ??= origin.port || (origin.protocol === 'https:' ? '443' : '80');
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(nowMs / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`;

  const query: Record<string, string> = {};
  for (const [key, value] of req.query) query[key] = key in query ? `${query[key]},${value}` : value;

  const id = urlId(target.arn);
  const event: FunctionUrlEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: req.query.toString(),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId,
      apiId: id,
      authentication: null,
      // IAM callers would appear here; the local URL does not sign or check callers, so there is none.
      ...(target.authType === 'AWS_IAM' ? { authorizer: { iam: null } } : {}),
      domainName: `${id}.lambda-url.${region}.on.aws`,
      domainPrefix: id,
      http: {
        method: req.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(nowMs),
      timeEpoch: nowMs,
    },
    isBase64Encoded: false,
  };
  if (req.body.length > 0) {
    const text = isTextContent(headers['content-type']);
    event.body = req.body.toString(text ? 'utf8' : 'base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

const BAD_GATEWAY = (requestId: string): FunctionUrlResponse => ({
  status: 502,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
  body: Buffer.from('Internal Server Error'),
});

/**
 * Maps an invocation result to the HTTP response, as function URLs do: an object with `statusCode` is the
 * response (headers, body, `isBase64Encoded`, `cookies` as `set-cookie`); any other result is sent as JSON with
 * status 200; a failed invocation is a 502.
 */
export function fromFunctionUrlResult(result: LambdaInvokeResult, requestId: string): FunctionUrlResponse {
  if (!result.ok) {
    if (result.errorType === 'Lambda.RequestEntityTooLargeException') {
      return { status: 413, headers: { 'x-amzn-requestid': requestId }, body: Buffer.from('Request Entity Too Large') };
    }
    return BAD_GATEWAY(requestId);
  }
  const payload = result.payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !('statusCode' in payload)) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: Buffer.from(JSON.stringify(payload)),
    };
  }
  const response = payload as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: unknown;
  };
  const status = Number(response.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return BAD_GATEWAY(requestId);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(response.cookies) && response.cookies.length > 0) {
    headers['set-cookie'] = response.cookies.map(String);
  }
  headers['x-amzn-requestid'] = requestId;
  const body = response.body;
  let bytes: Buffer;
  if (body === undefined || body === null) bytes = Buffer.alloc(0);
  else if (typeof body === 'string') bytes = Buffer.from(body, response.isBase64Encoded === true ? 'base64' : 'utf8');
  else bytes = Buffer.from(JSON.stringify(body));
  return { status, headers, body: bytes };
}
