import type { Clock } from '../clock';
import type { DeliveryStreamConfig } from './deliveryStream';

/** Firehose gives an HTTP endpoint 3 minutes to answer a request. */
export const HTTP_ENDPOINT_TIMEOUT_MS = 3 * 60_000;
/** Firehose reads at most 1 MiB of a response; a longer one is a failed delivery. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type HttpEndpointOutcome =
  | { ok: true }
  | {
      ok: false;
      /** As Firehose names the failure in its error logs and beside a backed-up record. */
      errorCode:
        | 'HttpEndpoint.ResponseErrorCode'
        | 'HttpEndpoint.InvalidResponseFromDestination'
        | 'HttpEndpoint.RequestTimeout'
        | 'HttpEndpoint.ConnectionFailed'
        | 'HttpEndpoint.Stopped';
      errorMessage: string;
      statusCode?: number;
    };

export interface HttpEndpointRequest {
  stream: DeliveryStreamConfig;
  requestId: string;
  records: readonly Buffer[];
}

/**
 * One delivery attempt to an HTTP endpoint, as Firehose makes it: `POST` of
 * `{"requestId", "timestamp", "records": [{"data": <base64>}]}` with the X-Amz-Firehose-* headers (protocol
 * version, request id, source ARN, access key, common attributes). It succeeded only if the endpoint answered 200
 * with a JSON body whose `requestId` is the request's; anything else (another status, a body that is not the
 * response format, no answer within 3 minutes on the platform clock) is a failed attempt, whose message quotes the
 * endpoint's `errorMessage`. Messages never include the access key or the URL's query.
 */
export async function postToHttpEndpoint(
  deps: { clock: Clock; fetch: typeof fetch },
  request: HttpEndpointRequest,
  signal: AbortSignal,
): Promise<HttpEndpointOutcome> {
  const { stream, requestId } = request;
  const url = new URL(stream.url);
  const where = `POST ${url.origin}${url.pathname}`;
  const body = JSON.stringify({
    requestId,
    timestamp: deps.clock.now(),
    records: request.records.map((r) => ({ data: r.toString('base64') })),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'Amazon Kinesis Data Firehose Agent/1.0',
    'X-Amz-Firehose-Protocol-Version': '1.0',
    'X-Amz-Firehose-Request-Id': requestId,
    'X-Amz-Firehose-Source-Arn': stream.arn,
  };
  if (stream.accessKey !== undefined) headers['X-Amz-Firehose-Access-Key'] = stream.accessKey;
  if (Object.keys(stream.commonAttributes).length)
    headers['X-Amz-Firehose-Common-Attributes'] = JSON.stringify({ commonAttributes: stream.commonAttributes });

  const controller = new AbortController();
  const onStop = (): void => controller.abort();
  signal.addEventListener('abort', onStop, { once: true });
  let timedOut = false;
  const timer = deps.clock.schedule(deps.clock.now() + HTTP_ENDPOINT_TIMEOUT_MS, () => {
    timedOut = true;
    controller.abort();
  });
  try {
    const response = await deps.fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await response.text();
    const answer = parseAnswer(text);
    if (response.status === 200) {
      if (answer?.requestId === requestId) return { ok: true };
      return {
        ok: false,
        errorCode: 'HttpEndpoint.InvalidResponseFromDestination',
        errorMessage:
          `${where} answered 200 but not in the Firehose response format: the body must be JSON with ` +
          `"requestId": "${requestId}" (got ${excerpt(text) || 'an empty body'}).`,
        statusCode: 200,
      };
    }
    const why = answer?.errorMessage ?? excerpt(text);
    return {
      ok: false,
      errorCode: 'HttpEndpoint.ResponseErrorCode',
      errorMessage: `${where} answered HTTP ${response.status}${why ? `: ${why}` : ''}`,
      statusCode: response.status,
    };
  } catch (e) {
    if (timedOut)
      return {
        ok: false,
        errorCode: 'HttpEndpoint.RequestTimeout',
        errorMessage: `${where} did not answer within ${HTTP_ENDPOINT_TIMEOUT_MS / 1000} seconds.`,
      };
    if (signal.aborted)
      return {
        ok: false,
        errorCode: 'HttpEndpoint.Stopped',
        errorMessage: 'The local platform stopped during the call.',
      };
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      errorCode: 'HttpEndpoint.ConnectionFailed',
      errorMessage: `${where} could not be reached: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    };
  } finally {
    timer.cancel();
    signal.removeEventListener('abort', onStop);
  }
}

function parseAnswer(text: string): { requestId?: unknown; errorMessage?: string } | undefined {
  if (text.length > MAX_RESPONSE_BYTES) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    return { requestId: o.requestId, ...(typeof o.errorMessage === 'string' ? { errorMessage: o.errorMessage } : {}) };
  } catch {
    return undefined;
  }
}

const excerpt = (text: string): string => (text.length > 256 ? `${text.slice(0, 256)}...` : text);
