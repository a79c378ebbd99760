import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError } from '../errors';
import type { QueryResultCache } from '../queryExecution/queryResultCache';
import type { CosmosStore } from '../storage/cosmosStore';
import type { ResourceAddress } from './resourceAddress';

/** A request as the handlers see it: authenticated, addressed, with its whole body. */
export interface CosmosRequest {
  readonly method: string;
  readonly address: ResourceAddress;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `https://127.0.0.1:8081`: the endpoint as this client reached it (the account lists it as its location). */
  readonly origin: string;
}

/** A response body is JSON text, built once (documents go out exactly as stored). */
export interface CosmosResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What handlers work with. */
export interface CosmosContext {
  readonly store: CosmosStore;
  readonly queryResults: QueryResultCache;
  readonly now: () => number;
}

export type CosmosHandler = (
  request: CosmosRequest,
  context: CosmosContext,
) => CosmosResponse | Promise<CosmosResponse>;

export function header(request: CosmosRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Cosmos' boolean headers: `true`/`True`. */
export function flag(request: CosmosRequest, name: string): boolean {
  return header(request, name)?.toLowerCase() === 'true';
}

export function jsonBody(request: CosmosRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch (e) {
    throw new BadRequestError(`The request body is not valid JSON: ${(e as Error).message}.`);
  }
}

/** The body as a JSON object, the shape every resource is sent in. */
export function jsonObjectBody(request: CosmosRequest, what: string): Record<string, unknown> {
  const body = jsonBody(request);
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequestError(`The request body must be a JSON object (the ${what}).`);
  return body as Record<string, unknown>;
}

/** `x-ms-max-item-count`: absent or -1 leaves the page size to the service. */
export function maxItemCount(request: CosmosRequest, serviceDefault: number): number {
  const raw = header(request, 'x-ms-max-item-count');
  if (raw === undefined || raw.trim() === '-1') return serviceDefault;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new BadRequestError(`x-ms-max-item-count must be a positive integer or -1, not '${raw}'.`);
  return n;
}
