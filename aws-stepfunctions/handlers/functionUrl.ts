/** The parts of a Lambda function URL event (payload format 2.0) the HTTP handlers read. */
export interface FunctionUrlRequest {
  /** Lower-cased names (function URLs lower-case them); repeated headers arrive comma-joined. */
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

export interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The body as the client sent it. Function URLs base64-encode bodies whose content type is not text, so a
 * signature over the raw body can only be checked after decoding.
 */
export function rawBody(request: FunctionUrlRequest): string {
  const body = request.body ?? '';
  return request.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

export function header(request: FunctionUrlRequest, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {}))
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  return null;
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): FunctionUrlResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
