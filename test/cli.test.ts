import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, describe, expect, it } from 'vitest';
import { orderPlacedMessage } from './fixtures/orderMessages';

const root = path.join(__dirname, '..');
const GATEWAY_KEY = 'cli-test-gateway-key';

/** `npm start` runs the platform's command in the app's folder after the build; here on a free port and an in-memory store. */
function startCli(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/.bin/local-platform'), '--port', '0', '--store', 'memory'],
    {
      cwd: root,
      env: {
        ...process.env,
        WEBSITE_HOSTNAME: '',
        LOCAL_PAYMENT_CONFIRM_DELAY_MS: '100',
        LOCAL_PAYMENT_GATEWAY_API_KEY: GATEWAY_KEY,
        PAYMENT_GATEWAY_API_KEY: GATEWAY_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start in time:\n${out}`)), 20_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Durable HTTP API: (http:\/\/[^/]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${out}`)));
  });
}

describe('npm start (the CLI on the project app)', () => {
  let cli: Awaited<ReturnType<typeof startCli>> | undefined;
  afterAll(() => {
    cli?.child.kill('SIGTERM');
  });

  it('lists the functions like func start and completes an order placed over HTTP', async () => {
    cli = await startCli();
    const out = cli.output();
    expect(out).toContain('Functions:');
    expect(out).toMatch(/placeOrder: \[POST\] http:\/\/127\.0\.0\.1:\d+\/api\/orders/);
    expect(out).toContain('orderSaga: orchestrationTrigger');
    expect(out).toContain('chargePayment: activityTrigger');
    expect(out).not.toContain('startOrchestration');
    // As `func start` runs the Node.js worker apart from the host: the app's work on its own thread.
    expect(out).toContain("The app's functions run in a worker thread of their own");

    const order = {
      orderId: 'ord-cli-1',
      customer: { id: 'c-1', email: 'ada@example.com' },
      lines: [{ sku: 'SKU-TEA', qty: 2, unitPrice: 7.5 }],
      currency: 'EUR',
      total: 15,
      paymentMethod: 'pm_card_visa',
    };
    const placed = await fetch(`${cli.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(placed.status).toBe(202);
    const links = (await placed.json()) as { orderUri: string };
    expect(placed.headers.get('location')).toBe(links.orderUri);

    let view: { saga?: { runtimeStatus: string; output?: { outcome: string } } } | undefined;
    for (let i = 0; i < 200; i++) {
      view = (await (await fetch(links.orderUri)).json()) as typeof view;
      if (view!.saga?.runtimeStatus === 'Completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(view?.saga).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'Completed' } });
    // The side effects, from the services themselves: one charge for the order's total, one confirmation.
    const charges = (await (
      await fetch(`${cli.url}/payment-gateway/v1/charges?orderId=ord-cli-1`, {
        headers: { authorization: `Bearer ${GATEWAY_KEY}` },
      })
    ).json()) as { data: { amount: number; currency: string; status: string }[] };
    expect(charges.data).toEqual([expect.objectContaining({ amount: 1500, currency: 'eur' })]);
    const emails = (await (await fetch(`${cli.url}/email/emails`)).json()) as { value: { to?: unknown }[] };
    expect(JSON.stringify(emails.value.filter((e) => JSON.stringify(e).includes('ord-cli-1')))).toContain(
      'ada@example.com',
    );
  });
});

describe('npm start: the printed Service Bus connection string', () => {
  let cli: Awaited<ReturnType<typeof startCli>> | undefined;
  afterAll(async () => {
    cli?.child.kill('SIGTERM');
  });

  it('takes a script with @azure/service-bus: an OrderPlaced it publishes runs the saga, whose outcome it receives', async () => {
    cli = await startCli();
    const connection = /AMQP \(SDKs\):\s+(Endpoint=sb:\/\/\S+UseDevelopmentEmulator=true)/.exec(cli.output())?.[1];
    expect(connection, cli.output()).toMatch(
      /^Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=RootManageSharedAccessKey;/,
    );
    const client = new ServiceBusClient(connection!);
    try {
      const order = {
        orderId: 'ord-cli-amqp',
        customer: { id: 'c-2', email: 'grace@example.com' },
        lines: [{ sku: 'SKU-TEA', qty: 1, unitPrice: 7.5 }],
        currency: 'EUR',
        total: 7.5,
        paymentMethod: 'pm_card_visa',
      };
      const m = orderPlacedMessage(order);
      await client.createSender('orders').sendMessages({ ...m, body: Buffer.from(m.body) });
      const outcomes = client.createReceiver('orders', 'order-outcomes', { receiveMode: 'receiveAndDelete' });
      const seen: { type: string; subject?: string }[] = [];
      for (let i = 0; i < 40 && !seen.some((e) => e.type === 'OrderCompleted'); i++)
        for (const r of await outcomes.receiveMessages(10, { maxWaitTimeInMs: 500 }))
          seen.push(r.body as { type: string; subject?: string });
      expect(seen.filter((e) => e.subject === 'ord-cli-amqp').map((e) => e.type)).toContain('OrderCompleted');
    } finally {
      await client.close();
    }
  });
});

describe('npm run start:func without Azure Functions Core Tools', () => {
  it('says what is missing and that npm start runs the same app, and exits 1', () => {
    // PATH holds only node itself, so no `func` can be found.
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/startFunc.mjs')], {
      cwd: root,
      env: { ...process.env, PATH: path.dirname(process.execPath) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/needs Azure Functions Core Tools 4 \(the `func` command\), which is not on PATH/);
    expect(run.stderr).toMatch(/npm install -g azure-functions-core-tools@4/);
    expect(run.stderr).toMatch(/`npm start`: the same app/);
  });
});
