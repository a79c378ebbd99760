// The payment gateway and the e-mail service across a `kill -9` of the platform: a child process runs the platform
// on file stores, the test charges and sends e-mails through the platform's own URLs, kills it right after the
// answers (before any confirmation is due) and starts it again on the same files. Whatever was acknowledged must
// still be there, idempotent retries must replay it, and pending confirmations must go out from the next life.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, 'fixtures/services-crash-app');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'services-crash-'));
const API_KEY = 'services-crash-key';
/** Long enough that the kill lands before any confirmation is due (checked below), short for the test's sake. */
const CONFIRM_DELAY_MS = 3000;
const ORDERS = 20;

interface Life {
  child: ChildProcess;
  url: string;
  pid: number;
}

/** A folder of its own per test: the stores and the webhook log of the platform's successive lives. */
const newRun = (): string => fs.mkdtempSync(path.join(dir, 'run-'));

function startLife(run: string): Promise<Life> {
  const child = spawn(process.execPath, [path.join(fixture, 'run-platform.js')], {
    env: {
      ...process.env,
      SERVICES_CRASH_DURABLE_STORE: path.join(run, 'durable.sqlite'),
      SERVICES_CRASH_SERVICES_STORE: path.join(run, 'services.sqlite'),
      SERVICES_CRASH_WEBHOOKS_FILE: path.join(run, 'webhooks.log'),
      SERVICES_CRASH_CONFIRM_DELAY_MS: String(CONFIRM_DELAY_MS),
      WEBSITE_HOSTNAME: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], pid: child.pid! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
}

function kill(life: Life): Promise<void> {
  return new Promise((resolve) => {
    life.child.once('exit', () => resolve());
    life.child.kill('SIGKILL');
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function gateway(life: Life, method: string, target: string, key?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${life.url}/payment-gateway/v1${target}`, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const chargeOrder = (life: Life, orderId: string, paymentMethod = 'pm_card_visa'): Promise<Answer> =>
  gateway(life, 'POST', '/charges', `${orderId}:charge`, { amount: 1999, currency: 'eur', paymentMethod, orderId });

async function sendEmail(life: Life, subject: string, repeatabilityId: string): Promise<Answer> {
  const res = await fetch(`${life.url}/email/emails:send?api-version=2023-03-31`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'repeatability-request-id': repeatabilityId },
    body: JSON.stringify({
      senderAddress: 'orders@shop.test',
      recipients: { to: [{ address: 'ada@example.test' }] },
      content: { subject, plainText: subject },
    }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Webhook deliveries the app received, as `{ eventId, type, chargeId, pid }`. */
function webhooks(run: string): { eventId: string; type: string; chargeId: string; pid: number }[] {
  const webhooksFile = path.join(run, 'webhooks.log');
  if (!fs.existsSync(webhooksFile)) return [];
  return fs
    .readFileSync(webhooksFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [eventId, type, chargeId, pid] = line.split('|');
      return { eventId, type, chargeId, pid: Number(pid) };
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('payment gateway and e-mail service across a SIGKILL of the platform', () => {
  let life: Life | undefined;
  afterEach(async () => {
    if (life && life.child.exitCode === null && life.child.signalCode === null) await kill(life);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged charge, key, attempt count and e-mail, and sends pending confirmations after restart', async () => {
    const run = newRun();
    life = await startLife(run);
    const first = life;
    const orders = Array.from({ length: ORDERS }, (_, i) => `order-${i}`);
    const charged = await Promise.all(orders.map((orderId) => chargeOrder(first, orderId)));
    expect(charged.map((a) => a.status)).toEqual(orders.map(() => 201));
    // pm_card_flaky_2: the first two attempts of a key fail, so the third (after the restart) must charge.
    expect((await chargeOrder(first, 'order-flaky', 'pm_card_flaky_2')).status).toBe(503);
    expect((await chargeOrder(first, 'order-flaky', 'pm_card_flaky_2')).status).toBe(503);
    const email = await sendEmail(first, 'Order 0 confirmed', 'rid-order-0');
    expect(email.status).toBe(202);
    const startedAt = Date.now();
    await kill(first);
    expect(Date.now() - startedAt, 'killed before any confirmation was due').toBeLessThan(CONFIRM_DELAY_MS);
    expect(webhooks(run), 'no confirmation went out before the kill').toEqual([]);

    life = await startLife(run);
    const second = life;
    // Every acknowledged charge is there, and a retry with its key replays it.
    for (const [i, answer] of charged.entries()) {
      const id = answer.body.id as string;
      expect((await gateway(second, 'GET', `/charges/${id}`)).body).toMatchObject({ id, orderId: orders[i] });
      const retry = await chargeOrder(second, orders[i]);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body.id, `${orders[i]} kept its charge`).toBe(id);
    }
    const flaky = await chargeOrder(second, 'order-flaky', 'pm_card_flaky_2');
    expect(flaky.status, 'the flaky card counted its attempts across the kill').toBe(201);
    // A repeated repeatability id gets the first answer and no second e-mail.
    const repeat = await sendEmail(second, 'Order 0 confirmed', 'rid-order-0');
    expect(repeat.body).toEqual(email.body);
    expect(repeat.headers.get('repeatability-result')).toBe('accepted');
    const sent = (await (await fetch(`${second.url}/email/emails`)).json()) as { value: unknown[] };
    expect(sent.value).toHaveLength(1);

    // The confirmations pending at the kill go out from the second life, one per charge.
    const chargeIds = new Set(charged.map((a) => a.body.id as string));
    for (let i = 0; i < 100 && new Set(webhooks(run).map((w) => w.chargeId)).size < chargeIds.size + 1; i++)
      await sleep(100);
    const received = webhooks(run);
    expect(new Set(received.map((w) => w.chargeId))).toEqual(new Set([...chargeIds, flaky.body.id as string]));
    expect(received.every((w) => w.pid === second.pid && w.type === 'charge.succeeded')).toBe(true);
    const listed = (await gateway(second, 'GET', '/charges')).body.data as { id: string; status: string }[];
    expect(listed).toHaveLength(ORDERS + 1);
    expect(listed.every((c) => c.status === 'succeeded')).toBe(true);

    // Deliveries recorded as delivered are not sent again by a third life.
    await sleep(200);
    await kill(second);
    life = await startLife(run);
    await sleep(1000);
    expect(webhooks(run)).toEqual(received);
  }, 60_000);

  it('a kill amid charges in flight: acknowledged charges stay, and every key ends with exactly one charge', async () => {
    const run = newRun();
    life = await startLife(run);
    const first = life;
    // Workers keep charges streaming until the kill cuts them off, so some are always in flight at that moment.
    const orders: string[] = [];
    const acknowledged = new Map<string, string>();
    let killed: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      for (;;) {
        const orderId = `burst-${orders.length}`;
        orders.push(orderId);
        let answer: Answer;
        try {
          answer = await chargeOrder(first, orderId);
        } catch {
          return; // cut off by the kill (or refused after it): the client never learnt of a charge
        }
        // Answered is acknowledged, even if the kill is already on its way.
        if (answer.status === 201) acknowledged.set(orderId, answer.body.id as string);
        if (acknowledged.size >= 200) killed ??= kill(first);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await killed;
    expect(acknowledged.size, 'the kill must cut requests off, or this proves nothing').toBeLessThan(orders.length);

    life = await startLife(run);
    const second = life;
    for (const orderId of orders) {
      const retry = await chargeOrder(second, orderId);
      expect(retry.status).toBe(201);
      const known = acknowledged.get(orderId);
      // One in flight at the kill either committed whole (replayed now) or left nothing (charged now).
      if (known) expect(retry.body.id, `${orderId} kept its acknowledged charge`).toBe(known);
      const listed = (await gateway(second, 'GET', `/charges?orderId=${orderId}`)).body.data as { id: string }[];
      expect(
        listed.map((c) => c.id),
        `${orderId} has one charge`,
      ).toEqual([retry.body.id]);
    }
  }, 60_000);
});
