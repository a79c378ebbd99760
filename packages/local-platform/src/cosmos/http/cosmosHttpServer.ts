import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { MasterKeyAuth } from '../auth/masterKey';
import { CosmosError, RequestTooLargeError } from '../errors';
import type { CosmosContext, CosmosRequest, CosmosResponse } from './cosmosRequest';
import { parseResourceAddress } from './resourceAddress';
import { operationName, route } from './routes';
import { selfSignedCertificate } from './selfSignedCertificate';

export interface CosmosHttpServerOptions {
  protocol: 'https' | 'http';
  host: string;
  port: number;
  auth: MasterKeyAuth;
  context: CosmosContext;
  /** Largest body read (a 2 MB document or batch, with room for JSON escaping); larger is answered 413. */
  maxBodyBytes?: number;
  /** Unexpected failures (a bug, a broken store), with the request they happened on. */
  onInternalError?: (error: unknown, method: string, url: string) => void;
}

export interface CosmosHttpServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests received so far by operation (see `operationName`), for tests and benchmarks counting calls. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

const SERVICE_SUFFIX = 'Microsoft.Azure.Documents.Common/2.14.0';

function errorResponse(error: unknown, activityId: string): CosmosResponse {
  const known = error instanceof CosmosError;
  const status = known ? error.status : 500;
  const message = known ? error.message : `The local Cosmos DB failed: ${(error as Error)?.message ?? String(error)}`;
  return {
    status,
    headers: {
      'x-ms-substatus': String(known ? error.substatus : 0),
      'x-ms-request-charge': '0',
    },
    body: JSON.stringify({
      code: known ? error.code : 'InternalServerError',
      message: `${message}\r\nActivityId: ${activityId}, ${SERVICE_SUFFIX}`,
    }),
  };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | RequestTooLargeError> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the connection stays usable for the 413.
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        size > limit
          ? new RequestTooLargeError(
              `Request size is too large: the body is ${size.toLocaleString('en-US')} bytes; Cosmos DB allows 2 MB per item and per batch.`,
            )
          : chunks.length === 1
            ? chunks[0]
            : Buffer.concat(chunks),
      ),
    );
    req.on('error', reject);
  });
}

/**
 * The HTTP front of the local Cosmos DB: reads the request, checks its master-key signature, routes it by method and
 * address to a handler and writes the handler's answer (or Cosmos' error body) with the headers the SDK reads.
 * Connections are kept alive (the SDK's agents pool them); `close` ends them.
 */
export async function listenCosmosHttp(options: CosmosHttpServerOptions): Promise<CosmosHttpServer> {
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  let origin = '';
  const counts = new Map<string, number>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const activityId = randomUUID();
    void (async (): Promise<CosmosResponse> => {
      const body = await readBody(req, maxBody);
      if (body instanceof RequestTooLargeError) throw body;
      const address = parseResourceAddress(req.url ?? '/');
      const authorization = req.headers.authorization;
      const date = (req.headers['x-ms-date'] as string | undefined) ?? req.headers.date;
      options.auth.verify({
        verb: req.method ?? 'GET',
        resourceType: address.resourceType,
        resourceLink: address.resourceLink,
        authorization,
        date,
      });
      const reached = req.headers.host ? `${options.protocol}://${req.headers.host}` : origin;
      const request: CosmosRequest = {
        method: req.method ?? 'GET',
        address,
        headers: req.headers,
        body,
        origin: reached,
      };
      const operation = operationName(request);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return route(request.method, address)(request, options.context);
    })()
      .catch((error: unknown) => {
        if (!(error instanceof CosmosError)) options.onInternalError?.(error, req.method ?? '', req.url ?? '');
        return errorResponse(error, activityId);
      })
      .then((response) => {
        const text = response.body ?? '';
        res.writeHead(response.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-ms-activity-id': activityId,
          'x-ms-gatewayversion': '2.0.0',
          ...response.headers,
        });
        res.end(text);
      })
      .catch(() => res.destroy());
  };
  const server =
    options.protocol === 'https'
      ? https.createServer({ ...selfSignedCertificate(), keepAlive: true }, onRequest)
      : http.createServer({ keepAlive: true }, onRequest);
  // Idle connections stay open well beyond the SDK's reuse, so a request never races the server closing its socket.
  server.keepAliveTimeout = 5 * 60_000;
  server.headersTimeout = 5 * 60_000 + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  origin = `${options.protocol}://${host}:${port}`;
  return {
    origin,
    requestCounts: () => Object.fromEntries(counts),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
