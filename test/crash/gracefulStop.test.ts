// SIGTERM with sagas in flight: `local-platform` (the command `npm start` runs) with every store on files, real
// time, a burst of orders from 10 clients and SIGTERM in the middle of it. The process must exit within a few
// seconds; requests it no longer takes are refused (503) or never connect, not half-done; after a restart on the
// same files every order it acknowledged (202) completes, charged once, with its confirmation e-mail.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/orderApp';

const GATEWAY_KEY = 'local-dev-gateway-key';
const ORDERS = 120;
const CLIENTS = 10;
/** The platform's own grace (LOCAL_STOP_GRACE_MS, 3 s) plus closing the stores, with room for a busy machine. */
const EXIT_WITHIN_MS = 8_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graceful-stop-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ process: ChildProcess; url: string; exited: Promise<number | null> }> {
  const p = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'packages/local-platform/bin/local-platform.js'),
      '--app',
      repoRoot,
      '--port',
      '0',
      '--store',
      path.join(dir, 'durable.sqlite'),
      '--quiet',
    ],
    {
      env: {
        ...process.env,
        LOCAL_SERVICES_STORE: path.join(dir, 'services.sqlite'),
        LOCAL_COSMOS_STORE: path.join(dir, 'cosmos.sqlite'),
        LOCAL_STEPFUNCTIONS_STORE: path.join(dir, 'stepfunctions.sqlite'),
        LOCAL_FUNCTION_KEY: '',
        LOCAL_DURABLE_SYSTEM_KEY: '',
        LOCAL_PAYMENT_CONFIRM_DELAY_MS: '300',
        WEBSITE_HOSTNAME: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = p;
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Durable HTTP API: (http:\/\/[^/\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`local-platform exited (${code}) before it listened:\n${err}`)));
  });
  return { process: p, url, exited };
}

function order(id: string): Record<string, unknown> {
  return {
    orderId: id,
    customer: { id: `c-${id}`, email: `${id}@example.com` },
    lines: [
      { sku: 'SKU-TEA', qty: 1, unitPrice: 7.5 },
      { sku: 'SKU-MUG', qty: 1, unitPrice: 11 },
    ],
    currency: 'EUR',
    total: 18.5,
    paymentMethod: 'pm_card_visa',
  };
}

describe('graceful stop (SIGTERM) of local-platform', () => {
  it('exits within seconds during a burst of orders, and after a restart every acknowledged order completes', async () => {
    const first = await start();
    const acknowledged: string[] = [];
    const refused: Record<string, number> = {};
    let next = 0;
    let signalledAt = 0;
    const client = async (): Promise<void> => {
      while (next < ORDERS) {
        const id = `ord-stop-${next++}`;
        if (next === ORDERS / 3) {
          signalledAt = performance.now();
          first.process.kill('SIGTERM');
        }
        try {
          const res = await fetch(`${first.url}/api/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(order(id)),
          });
          await res.arrayBuffer();
          if (res.status === 202) acknowledged.push(id);
          else refused[res.status] = (refused[res.status] ?? 0) + 1;
        } catch {
          refused.unreachable = (refused.unreachable ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const code = await first.exited;
    const stopMs = performance.now() - signalledAt;
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(EXIT_WITHIN_MS);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Nothing but 202, 503 (stopping) or no connection at all (stopped).
    expect(Object.keys(refused).filter((k) => k !== '503' && k !== 'unreachable')).toEqual([]);

    const second = await start();
    const sagaOf = async (id: string): Promise<{ runtimeStatus?: string; output?: { outcome?: string } }> => {
      const res = await fetch(`${second.url}/api/orders/${id}`);
      return ((await res.json()) as { saga?: { runtimeStatus?: string; output?: { outcome?: string } } }).saga ?? {};
    };
    const deadline = Date.now() + 60_000;
    let pending = acknowledged;
    while (pending.length && Date.now() < deadline) {
      const states = await Promise.all(pending.map(async (id) => [id, await sagaOf(id)] as const));
      pending = states
        .filter(([, s]) => !['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus ?? ''))
        .map(([id]) => id);
      if (pending.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pending, 'sagas still running a minute after the restart').toEqual([]);
    const emails = ((await (await fetch(`${second.url}/email/emails`)).json()) as { value: { subject: string }[] })
      .value;
    const problems: string[] = [];
    for (const id of acknowledged) {
      const outcome = (await sagaOf(id)).output?.outcome;
      const res = await fetch(`${second.url}/payment-gateway/v1/charges?orderId=${id}`, {
        headers: { authorization: `Bearer ${GATEWAY_KEY}` },
      });
      const charges = ((await res.json()) as { data: { status: string; amountRefunded: number }[] }).data;
      const paid = charges.filter((c) => c.status !== 'failed' && c.amountRefunded === 0).length;
      const mails = emails.filter((e) => new RegExp(`\\b${id}\\b`).test(e.subject)).length;
      if (outcome !== 'Completed' || paid !== 1 || mails !== 1)
        problems.push(`${id}: outcome ${outcome}, ${paid} kept charges, ${mails} e-mails`);
    }
    expect(problems).toEqual([]);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
