// The app's outbound HTTP calls (payment gateway, e-mail service) against a real local HTTP server.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEndpoint, OutboundCallFailedError } from '../../adapters/outboundHttp';

let server: http.Server;
let base = '';
let connections = 0;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === '/silent') return; // never answers
      if (req.url === '/huge') {
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        for (let i = 0; i < 5; i++) res.write(chunk);
        return res.end();
      }
      res.writeHead(req.url === '/missing' ? 404 : 201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('callEndpoint', () => {
  it('sends the method, headers and body, and answers the status and text whatever the status', async () => {
    const answer = await callEndpoint(`${base}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body: JSON.stringify({ amount: 450 }),
      timeoutMs: 2000,
    });
    expect(answer).toEqual({ status: 201, text: JSON.stringify({ echoed: '{"amount":450}' }) });
    const request = seen[seen.length - 1];
    expect(request).toMatchObject({ method: 'POST', url: '/v1/charges', body: '{"amount":450}' });
    expect(request.headers).toMatchObject({ 'idempotency-key': 'k-1', 'content-length': '14' });
    expect((await callEndpoint(`${base}/missing`, { method: 'GET', headers: {}, timeoutMs: 2000 })).status).toBe(404);
  });

  it('keeps the connection for the next call', async () => {
    const before = connections;
    for (let i = 0; i < 5; i++) await callEndpoint(`${base}/again`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('gives up at the deadline with a timed-out error', async () => {
    const call = callEndpoint(`${base}/silent`, { method: 'GET', headers: {}, timeoutMs: 100 });
    await expect(call).rejects.toBeInstanceOf(OutboundCallFailedError);
    await expect(call).rejects.toMatchObject({ timedOut: true, message: 'no answer within 100 ms' });
  });

  it('refuses an answer too large to be the JSON it expects, and a scheme it cannot call', async () => {
    await expect(callEndpoint(`${base}/huge`, { method: 'GET', headers: {}, timeoutMs: 5000 })).rejects.toMatchObject({
      timedOut: false,
      message: expect.stringMatching(/larger than 4194304 bytes/),
    });
    await expect(
      callEndpoint('ftp://127.0.0.1/x', { method: 'GET', headers: {}, timeoutMs: 100 }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/only http: and https:/) });
  });

  it('reports a refused connection as no answer, not as a timeout', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(
      callEndpoint(`http://127.0.0.1:${port}/`, { method: 'GET', headers: {}, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ timedOut: false, message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
