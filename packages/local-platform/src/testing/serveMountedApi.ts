import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MountRequest, MountResponse } from '../http/mountedApi';

export interface ServedApi {
  /** `http://127.0.0.1:<port><prefix>`: what an SDK client takes as its endpoint. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Serves one emulated service's API on 127.0.0.1 at a free port under `prefix`, as the platform's HTTP host mounts
 * it, without the rest of the platform: for tests of a single service through its real SDK.
 */
export async function serveMountedApi(
  prefix: string,
  handle: (req: MountRequest) => Promise<MountResponse>,
): Promise<ServedApi> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (!url.pathname.startsWith(prefix)) {
        res.writeHead(404).end();
        return;
      }
      handle({
        method: req.method ?? 'GET',
        path: url.pathname.slice(prefix.length).replace(/^\//, ''),
        query: url.searchParams,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        origin: `http://${req.headers.host}`,
      }).then(
        (answer) => {
          if (Buffer.isBuffer(answer.body)) return void res.writeHead(answer.status, answer.headers).end(answer.body);
          const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
          res.writeHead(answer.status, answer.headers).end(text);
        },
        (e: Error) => res.writeHead(500).end(JSON.stringify({ message: e.stack })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
