import * as http from 'node:http';
import * as https from 'node:https';

/** The endpoint gave no answer: refused, reset, too large, or nothing within the deadline. */
export class OutboundCallFailedError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'OutboundCallFailedError';
  }
}

export interface OutboundCall {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The whole call, connection to the answer's last byte. */
  timeoutMs: number;
}

export interface OutboundAnswer {
  status: number;
  text: string;
}

/** An answer this large is not the small JSON the gateway or the e-mail service sends: refuse it, don't buffer it. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * Kept-alive connections, most recently used first (an idle socket the server is about to close is used last).
 * Every order calls the payment gateway and the e-mail service, so a call must cost little: Node's `fetch` (undici,
 * WHATWG streams and abort signals) costs ~0.5 ms of CPU per call here against ~0.1 ms for `node:http`
 * (`npm run bench:floor`), on the thread that runs the app's functions.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** One HTTP call with a deadline; the answer's status and body text, whatever the status. */
export function callEndpoint(url: string, call: OutboundCall): Promise<OutboundAnswer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!transport)
    return Promise.reject(new OutboundCallFailedError(`${url}: only http: and https: endpoints can be called`, false));
  const body = call.body === undefined ? undefined : Buffer.from(call.body);
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (message: string, timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(new OutboundCallFailedError(message, timedOut));
    };
    const request = transport.request(
      target,
      {
        method: call.method,
        agent: agents[target.protocol as keyof typeof agents],
        headers: body ? { ...call.headers, 'content-length': String(body.length) } : call.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy();
            fail(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`, false);
          } else chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (e) => fail(e.message, false));
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      fail(`no answer within ${call.timeoutMs} ms`, true);
    }, call.timeoutMs);
    request.on('error', (e) => fail(e.message, false));
    request.end(body);
  });
}
