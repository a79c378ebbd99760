import type { Clock } from '../../clock';
import type { ApiDestinations } from '../apiDestinations';
import type { ConnectionRow, Connections, HttpParameter } from '../connections';
import { evaluateJsonPath, parseJsonPath } from '../jsonPath';
import { API_DESTINATION_TIMEOUT_MS } from '../limits';
import type { AttemptOutcome, DeliveryJob } from './types';

export interface ApiDestinationDeps {
  clock: Clock;
  destinations: ApiDestinations;
  connections: Connections;
  fetch: typeof fetch;
}

/** Statuses EventBridge retries for API destinations; other non-2xx answers go to the DLQ without retry. */
function retryableStatus(status: number): boolean {
  return status === 401 || status === 407 || status === 409 || status === 429 || status >= 500;
}

/**
 * Header, query and path values may be JSON paths into the original event (dynamic parameters); a string value
 * is used as is, anything else as JSON.
 */
function dynamicValue(value: string, event: unknown): string {
  if (!value.startsWith('$.')) return value;
  const v = evaluateJsonPath(event, parseJsonPath(value));
  return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** Sets a header, replacing one of the same name in any case. */
function setHeader(headers: Map<string, [string, string]>, name: string, value: string): void {
  headers.set(name.toLowerCase(), [name, value]);
}

/** Seconds or an HTTP date; a negative value means "stop retrying" (returned as -1). */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^-?\d+$/.test(text)) return Number(text) < 0 ? -1 : Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function authHeader(connection: ConnectionRow): [string, string] {
  if (connection.apiKey) return [connection.apiKey.name, connection.apiKey.value];
  const basic = connection.basic as { username: string; password: string };
  return ['Authorization', `Basic ${Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64')}`];
}

function failure(
  retryable: boolean,
  errorCode: string,
  errorMessage: string,
  extra: Partial<AttemptOutcome & { ok: false }> = {},
): AttemptOutcome {
  return { ok: false, retryable, errorCode, errorMessage, ...extra };
}

/** Resolves the URL, headers and body of one call (connection values win over the target's on conflicts). */
function buildRequest(
  job: DeliveryJob,
  input: string,
  endpoint: string,
  method: string,
  connection: ConnectionRow,
): { url: URL; headers: Map<string, [string, string]>; body?: string } | string {
  const http = job.target.HttpParameters ?? {};
  const stars = endpoint.split('*').length - 1;
  const pathValues = http.PathParameterValues ?? [];
  if (pathValues.length !== stars)
    return `The endpoint ${endpoint} has ${stars} path wildcard(s) but the target gives ${pathValues.length} PathParameterValues.`;
  let i = 0;
  const url = new URL(endpoint.replace(/\*/g, () => encodeURIComponent(dynamicValue(pathValues[i++], job.event))));
  const inv = connection.invocationHttpParameters;
  const query: [string, string][] = [
    ...Object.entries(http.QueryStringParameters ?? {}).map(
      ([k, v]) => [k, dynamicValue(v, job.event)] as [string, string],
    ),
    ...(inv?.QueryStringParameters ?? []).map((p: HttpParameter) => [p.Key, p.Value] as [string, string]),
  ];
  for (const [k, v] of query) url.searchParams.set(k, v);

  const headers = new Map<string, [string, string]>();
  setHeader(headers, 'User-Agent', 'Amazon/EventBridge/ApiDestinations');
  setHeader(headers, 'Content-Type', 'application/json; charset=utf-8');
  setHeader(headers, 'Range', 'bytes=0-1048575');
  setHeader(headers, 'Accept-Encoding', 'gzip,deflate');
  for (const [k, v] of Object.entries(http.HeaderParameters ?? {})) setHeader(headers, k, dynamicValue(v, job.event));
  for (const p of inv?.HeaderParameters ?? []) setHeader(headers, p.Key, p.Value);
  const [authName, authValue] = authHeader(connection);
  setHeader(headers, authName, authValue);

  if (method === 'GET' || method === 'HEAD') return { url, headers };
  let body = input;
  const bodyParameters = inv?.BodyParameters ?? [];
  if (bodyParameters.length) {
    try {
      const parsed: unknown = JSON.parse(input);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const p of bodyParameters) (parsed as Record<string, unknown>)[p.Key] = p.Value;
        body = JSON.stringify(parsed);
      }
    } catch {
      // A non-JSON body (a plain-text template) cannot carry body parameters; it is sent as rendered.
    }
  }
  return { url, headers, body };
}

/**
 * Calls an API destination: its endpoint and method, the event (or the shaped input) as the body, the
 * connection's authorization and invocation parameters and the target's HttpParameters. A call that has not
 * answered within 5 s on the platform clock times out. Messages never include secrets or query strings.
 */
export async function invokeApiDestination(
  deps: ApiDestinationDeps,
  job: DeliveryJob,
  input: string,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const destination = deps.destinations.byArn(job.target.Arn);
  if (!destination) return failure(false, 'NO_RESOURCE', `API destination ${job.target.Arn} does not exist.`);
  const connection = deps.connections.byArn(destination.connectionArn);
  if (!connection)
    return failure(
      false,
      'NO_RESOURCE',
      `Connection ${destination.connectionArn} of API destination ${destination.name} does not exist.`,
    );
  let request: ReturnType<typeof buildRequest>;
  try {
    request = buildRequest(job, input, destination.invocationEndpoint, destination.httpMethod, connection);
  } catch (e) {
    return failure(false, 'INVALID_PARAMETER', `Cannot build the request: ${(e as Error).message}`);
  }
  if (typeof request === 'string') return failure(false, 'INVALID_PARAMETER', request);
  const where = `${destination.httpMethod} ${request.url.origin}${request.url.pathname}`;

  const controller = new AbortController();
  const onStop = (): void => controller.abort();
  signal.addEventListener('abort', onStop, { once: true });
  let timedOut = false;
  const timer = deps.clock.schedule(deps.clock.now() + API_DESTINATION_TIMEOUT_MS, () => {
    timedOut = true;
    controller.abort();
  });
  try {
    const response = await deps.fetch(request.url, {
      method: destination.httpMethod,
      headers: [...request.headers.values()],
      body: request.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await response.text();
    if (response.status >= 200 && response.status < 300)
      return { ok: true, statusCode: response.status, detail: `${where} answered ${response.status}` };
    const excerpt = text.length > 256 ? `${text.slice(0, 256)}...` : text;
    const message = `${where} answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`;
    if (!retryableStatus(response.status))
      return failure(false, 'ERROR_FROM_TARGET', message, { statusCode: response.status });
    const after = retryAfterMs(response.headers.get('retry-after'), deps.clock.now());
    // A negative Retry-After tells EventBridge to stop retrying the event.
    if (after === -1)
      return failure(false, 'ERROR_FROM_TARGET', `${message} (negative Retry-After: not retried)`, {
        statusCode: response.status,
      });
    return failure(true, response.status === 429 ? 'THROTTLING' : 'ERROR_FROM_TARGET', message, {
      statusCode: response.status,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  } catch (e) {
    if (timedOut)
      return failure(true, 'TIMEOUT', `${where} did not answer within ${API_DESTINATION_TIMEOUT_MS / 1000} seconds.`);
    if (signal.aborted) return failure(false, 'UNKNOWN', 'The local platform stopped during the call.');
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return failure(
      true,
      'CONNECTION_FAILURE',
      `${where} could not be reached: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    );
  } finally {
    timer.cancel();
    signal.removeEventListener('abort', onStop);
  }
}
