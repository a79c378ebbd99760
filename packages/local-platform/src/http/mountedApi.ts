import type { IncomingHttpHeaders } from 'node:http';

/**
 * An emulated service's HTTP API mounted at a path prefix of the platform's host (the Durable HTTP API, Service
 * Bus REST, Step Functions, EventBridge, ...). The services only know this shape, never the Functions host, so each
 * can also be served on its own (see `testing/serveMountedApi.ts`).
 */
export interface MountedApi {
  prefix: string;
  /**
   * Who may call the mount: the Durable webhooks need the system key; the rpc base, which the durable client
   * calls without keys, answers only callers on this machine (the extension serves it on localhost only).
   */
  authLevel: 'loopback' | 'admin' | 'system';
  handle(req: MountRequest): Promise<MountResponse>;
}

/** What a mounted API receives: the request with the path below the mount prefix (no leading slash). */
export interface MountRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Header names as sent (Node lower-cases `headers`); Service Bus custom properties keep their case. */
  rawHeaders?: string[];
  body: Buffer;
  origin: string;
}

/** A JSON body, or a Buffer sent as it is (the mount then sets its content-type). */
export interface MountResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
