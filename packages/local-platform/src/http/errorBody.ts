/**
 * The one error body the platform's own HTTP surface answers with (the Functions host and the Durable HTTP API),
 * the same shape the app's functions use: what went wrong (`code`, `message`), `where` (the part of the request,
 * or the endpoint) and how to fix it. The emulated clouds' APIs (Service Bus, Cosmos DB, AWS, the gateway) keep
 * their services' own error formats, because their SDKs parse them.
 */
export interface ErrorDetail {
  code: string;
  message: string;
  where: string;
  fix: string;
}

export interface ErrorBody {
  error: ErrorDetail & Record<string, unknown>;
}

export function errorBody(detail: ErrorDetail, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { ...detail, ...extra } };
}
