// The Service Bus REST protocol over real HTTP (the handler wrapped in a tiny node:http server mounted at
// /servicebus, as the platform's HTTP host mounts it): send with BrokerProperties and custom-property headers,
// batch send, peek-lock / complete / unlock / renew, receive-and-delete, errors, and SAS authorization.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { parseServiceBusConfig } from '../../src/serviceBus/config';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import { ServiceBusNamespace } from '../../src/serviceBus/namespace';
import { ServiceBusRestApi, ServiceBusRestApiOptions } from '../../src/serviceBus/restApi';
import { createSasToken } from '../../src/serviceBus/sasAuth';

const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const PREFIX = '/servicebus';
const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [{ Name: 'orders', Properties: { MaxDeliveryCount: 2, LockDuration: 'PT30S' } }, { Name: 'other' }],
        Topics: [
          {
            Name: 'events',
            Subscriptions: [
              {
                Name: 'placed',
                Rules: [
                  {
                    Name: 'r',
                    Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "type = 'OrderPlaced'" } },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

let clock: VirtualClock;
let ns: ServiceBusNamespace;
let server: http.Server | undefined;
let base = '';

/** Mounts the handler like the platform's HTTP host: path after the prefix without its '/', raw bodies written as is. */
async function serve(options: ServiceBusRestApiOptions = {}): Promise<void> {
  const api = new ServiceBusRestApi(ns, { mountPrefix: PREFIX, ...options });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const answer = await api.handle({
        method: req.method ?? 'GET',
        path: url.pathname.slice(PREFIX.length).replace(/^\//, ''),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
        origin: `http://${req.headers.host}`,
      });
      if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      } else {
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, { ...(text ? { 'content-type': 'application/json' } : {}), ...answer.headers });
        res.end(text);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}${PREFIX}`;
}

const brokerProps = (res: Response): Record<string, unknown> =>
  JSON.parse(res.headers.get('brokerproperties') ?? '{}') as Record<string, unknown>;

beforeEach(() => {
  clock = new VirtualClock(START);
  ns = new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'test'), clock);
});

afterEach(async () => {
  ns.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('send and receive', () => {
  beforeEach(() => serve());

  it('send with BrokerProperties and custom headers, peek-lock it, complete it through its Location', async () => {
    const sent = await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        brokerproperties: JSON.stringify({
          MessageId: 'order-1',
          CorrelationId: 'c-1',
          Label: 'OrderPlaced',
          TimeToLive: 600,
        }),
        priority: '"High"',
        customer: '12345',
        urgent: 'true',
        region: 'eu-west',
      },
      body: JSON.stringify({ orderId: 'o-1' }),
    });
    expect(sent.status).toBe(201);

    const res = await fetch(`${base}/orders/messages/head?timeout=0`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ orderId: 'o-1' });
    const props = brokerProps(res);
    expect(props).toMatchObject({
      MessageId: 'order-1',
      CorrelationId: 'c-1',
      Label: 'OrderPlaced',
      DeliveryCount: 1,
      SequenceNumber: 1,
      State: 'Active',
      TimeToLive: 600,
      EnqueuedTimeUtc: 'Mon, 02 Mar 2026 10:00:00 GMT',
      LockedUntilUtc: 'Mon, 02 Mar 2026 10:00:30 GMT',
    });
    expect(props.LockToken).toMatch(/^[0-9a-f-]{36}$/);
    // Custom properties come back as headers: strings quoted, numbers and booleans bare.
    expect(res.headers.get('priority')).toBe('"High"');
    expect(res.headers.get('customer')).toBe('12345');
    expect(res.headers.get('urgent')).toBe('true');
    expect(res.headers.get('region')).toBe('"eu-west"');
    expect(ns.peek('orders')[0].applicationProperties).toEqual({
      priority: 'High',
      customer: 12345,
      urgent: true,
      region: 'eu-west',
    });
    const location = res.headers.get('location')!;
    expect(location).toBe(`${base}/orders/messages/1/${String(props.LockToken)}`);

    expect((await fetch(location, { method: 'DELETE' })).status).toBe(200);
    expect(ns.counts('orders').active).toBe(0);
    const again = await fetch(location, { method: 'DELETE' });
    expect(again.status).toBe(410);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('MessageLockLost');
  });

  it('unlock (PUT) redelivers with a higher DeliveryCount; renew (POST) extends the lock; MaxDeliveryCount dead-letters', async () => {
    await fetch(`${base}/orders/messages`, { method: 'POST', body: 'text body' });
    let res = await fetch(`${base}/orders/messages/head`, { method: 'POST' });
    expect(await res.text()).toBe('text body');
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8'); // as fetch sent it
    await clock.advance(10_000, async () => undefined);
    const renew = await fetch(res.headers.get('location')!, { method: 'POST' });
    expect(renew.status).toBe(200);
    expect(brokerProps(renew).LockedUntilUtc).toBe('Mon, 02 Mar 2026 10:00:40 GMT');
    expect((await fetch(res.headers.get('location')!, { method: 'PUT' })).status).toBe(200);

    res = await fetch(`${base}/orders/messages/head`, { method: 'POST' });
    expect(brokerProps(res).DeliveryCount).toBe(2);
    await fetch(res.headers.get('location')!, { method: 'PUT' });
    expect((await fetch(`${base}/orders/messages/head`, { method: 'POST' })).status).toBe(204);

    // Dead-letter queues are addressed like any queue; '$' may arrive percent-encoded.
    const dl = await fetch(`${base}/orders/%24DeadLetterQueue/messages/head`, { method: 'DELETE' });
    expect(dl.status).toBe(200);
    expect(await dl.text()).toBe('text body');
    expect(brokerProps(dl).DeadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dl.headers.get('deadletterreason')).toBe('"MaxDeliveryCountExceeded"');
    expect(dl.headers.get('deadlettererrordescription')).toBe(
      '"Message could not be consumed after 2 delivery attempts."',
    );
  });

  it('receive-and-delete (DELETE head) answers 200 with the message, then 204 when empty', async () => {
    ns.send('orders', { body: Buffer.from('one') });
    const res = await fetch(`${base}/orders/messages/head?timeout=1`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream'); // no content type was set
    expect(await res.text()).toBe('one');
    expect(brokerProps(res).LockToken).toBeUndefined();
    expect(res.headers.get('location')).toBeNull();
    expect((await fetch(`${base}/orders/messages/head?timeout=1`, { method: 'DELETE' })).status).toBe(204);
  });

  it('batch send (application/vnd.microsoft.servicebus.json) to a topic, received from its subscription', async () => {
    const res = await fetch(`${base}/events/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' },
      body: JSON.stringify([
        {
          Body: '{"n":1}',
          BrokerProperties: { MessageId: 'm1', Label: 'L1' },
          UserProperties: { type: 'OrderPlaced', qty: 2 },
        },
        { Body: 'skip', UserProperties: { type: 'Other' } },
        {
          Body: 'three',
          BrokerProperties: { ContentType: 'text/plain' },
          UserProperties: { type: 'OrderPlaced', ok: true },
        },
      ]),
    });
    expect(res.status).toBe(201);
    const first = await fetch(`${base}/events/Subscriptions/placed/messages/head`, { method: 'DELETE' });
    expect(await first.text()).toBe('{"n":1}');
    expect(brokerProps(first)).toMatchObject({ MessageId: 'm1', Label: 'L1' });
    expect(first.headers.get('qty')).toBe('2');
    const second = await fetch(`${base}/events/subscriptions/placed/messages/head`, { method: 'DELETE' });
    expect(await second.text()).toBe('three');
    expect(second.headers.get('content-type')).toBe('text/plain');
    expect(second.headers.get('ok')).toBe('true');
  });

  it('ScheduledEnqueueTimeUtc (RFC 1123) holds the message until that time on the platform clock', async () => {
    await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: { brokerproperties: JSON.stringify({ ScheduledEnqueueTimeUtc: 'Mon, 02 Mar 2026 11:00:00 GMT' }) },
      body: 'later',
    });
    expect((await fetch(`${base}/orders/messages/head`, { method: 'POST' })).status).toBe(204);
    await clock.advance(3_600_000, async () => undefined);
    expect((await fetch(`${base}/orders/messages/head`, { method: 'DELETE' })).status).toBe(200);
  });

  it('GET $entities lists entities with counts; GET {entity}/messages?peek=N browses without locking', async () => {
    await fetch(`${base}/orders/messages`, { method: 'POST', body: 'a', headers: { kind: '"x"' } });
    await fetch(`${base}/orders/messages`, { method: 'POST', body: Buffer.from([0xff, 0x00]) });
    const list = (await (await fetch(`${base}/$entities`)).json()) as {
      namespace: string;
      entities: { path: string; counts: { active: number } }[];
    };
    expect(list.namespace).toBe('sbemulatorns');
    expect(list.entities.find((e) => e.path === 'orders')!.counts.active).toBe(2);
    const peek = (await (await fetch(`${base}/orders/messages?peek=5`)).json()) as {
      messages: {
        body: string;
        bodyEncoding: string;
        userProperties: Record<string, unknown>;
        brokerProperties: Record<string, unknown>;
      }[];
    };
    expect(peek.messages.map((m) => [m.body, m.bodyEncoding])).toEqual([
      ['a', 'utf8'],
      ['/wA=', 'base64'],
    ]);
    expect(peek.messages[0].userProperties).toEqual({ kind: 'x' });
    expect(peek.messages[0].brokerProperties.DeliveryCount).toBe(0);
    expect(ns.counts('orders').locked).toBe(0);
  });
});

describe('errors', () => {
  beforeEach(() => serve());

  const error = async (res: Response): Promise<{ code: string; message: string }> =>
    ((await res.json()) as { error: { code: string; message: string } }).error;

  it('404 for an unknown entity names it and the known ones', async () => {
    const res = await fetch(`${base}/ordres/messages`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
    const e = await error(res);
    expect(e.code).toBe('EntityNotFound');
    expect(e.message).toMatch(/'ordres' does not exist.*Known entities: orders, other, events/);
    expect((await fetch(`${base}/nope/messages/head`, { method: 'POST' })).status).toBe(404);
  });

  it('400 for malformed BrokerProperties or batch items, naming the header or field', async () => {
    let res = await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: { brokerproperties: '{oops' },
      body: 'x',
    });
    expect(res.status).toBe(400);
    expect((await error(res)).message).toMatch(/BrokerProperties header is not valid JSON/);
    res = await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: { brokerproperties: '{"TimeToLive":"soon"}' },
      body: 'x',
    });
    expect((await error(res)).message).toMatch(
      /BrokerProperties header\.TimeToLive must be a positive number of seconds/,
    );
    res = await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: { brokerproperties: '{"Lable":"x"}' },
      body: 'x',
    });
    expect((await error(res)).message).toMatch(/Lable is not a broker property/);
    res = await fetch(`${base}/orders/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' },
      body: JSON.stringify([{ Body: 'ok' }, { Body: 'x', UserProperties: { bad: { nested: 1 } } }]),
    });
    expect(res.status).toBe(400);
    expect((await error(res)).message).toMatch(/Batch item \[1\]\.UserProperties\.bad must be a string/);
    expect(ns.counts('orders').active).toBe(0);
  });

  it('413 for a message over 256 KB, 400 for sending to a subscription, 404/405 for unknown operations', async () => {
    let res = await fetch(`${base}/orders/messages`, { method: 'POST', body: Buffer.alloc(300 * 1024) });
    expect(res.status).toBe(413);
    expect((await error(res)).message).toMatch(
      /\(body 307200 bytes \+ properties 32 bytes\) is 307232 bytes; Service Bus \(Standard tier\) allows 262144/,
    );
    res = await fetch(`${base}/events/Subscriptions/placed/messages`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect((await error(res)).message).toMatch(/send to its topic 'events'/);
    expect((await fetch(`${base}/orders`, { method: 'GET' })).status).toBe(404);
    expect((await fetch(`${base}/orders/messages`, { method: 'PUT' })).status).toBe(405);
  });
});

/** Resolves once a REST receive is parked waiting for messages (it listens for `available`). */
async function receiverWaiting(): Promise<void> {
  while (ns.listenerCount('available') === 0) await new Promise((r) => setTimeout(r, 5));
}

describe('long-poll receive', () => {
  it('waits (up to maxReceiveWaitMs on the clock) for a message to arrive, then answers 204 at the deadline', async () => {
    await serve({ maxReceiveWaitMs: 5_000 });
    const waiting = fetch(`${base}/orders/messages/head?timeout=60`, { method: 'POST' });
    await receiverWaiting();
    ns.send('orders', { body: 'arrived' });
    const res = await waiting;
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('arrived');

    const empty = fetch(`${base}/orders/messages/head?timeout=60`, { method: 'POST' });
    await receiverWaiting();
    await clock.advance(5_000, async () => undefined);
    expect((await empty).status).toBe(204);
  });
});

describe('custom property names keep their case when the host passes rawHeaders', () => {
  it('uses rawHeaders over the lower-cased header map', async () => {
    const api = new ServiceBusRestApi(ns);
    const res = await api.handle({
      method: 'POST',
      path: '/events/messages',
      query: new URLSearchParams(),
      headers: { type: '"OrderPlaced"', 'content-type': 'text/plain' },
      rawHeaders: ['Type', '"OrderPlaced"', 'Content-Type', 'text/plain', 'X-Ms-Client', 'sdk'],
      body: Buffer.from('x'),
      origin: 'http://local',
    });
    expect(res.status).toBe(201);
    expect(ns.peek('events/Subscriptions/placed')[0].applicationProperties).toEqual({ Type: 'OrderPlaced' });
  });
});

describe('SAS authorization', () => {
  const KEY_NAME = 'RootManageSharedAccessKey';
  const KEY = 'local-test-key';
  beforeEach(() => serve({ sasKeyName: KEY_NAME, sasKey: KEY }));

  const send = (authorization?: string, entity = 'orders'): Promise<Response> =>
    fetch(`${base}/${entity}/messages`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
      body: 'x',
    });
  const message = async (res: Response): Promise<string> =>
    ((await res.json()) as { error: { message: string } }).error.message;

  it('accepts a token for the entity, its /messages URL, or the whole namespace', async () => {
    expect((await send(createSasToken(`${base}/orders`, KEY_NAME, KEY, START + 3_600_000))).status).toBe(201);
    expect((await send(createSasToken(`${base}/orders/messages`, KEY_NAME, KEY, START + 3_600_000))).status).toBe(201);
    expect((await send(createSasToken(`sb://sbemulatorns.localhost/`, KEY_NAME, KEY, START + 3_600_000))).status).toBe(
      201,
    );
    const listing = await fetch(`${base}/$entities`, {
      headers: { authorization: createSasToken(base, KEY_NAME, KEY, START + 60_000) },
    });
    expect(listing.status).toBe(200);
  });

  it('rejects with 401 and a precise reason', async () => {
    let res = await send();
    expect(res.status).toBe(401);
    expect(await message(res)).toMatch(/requires a SAS token/);
    res = await send('Bearer abc');
    expect(await message(res)).toMatch(/not a SharedAccessSignature token \(it starts with 'Bearer'\)/);
    res = await send(createSasToken(`${base}/orders`, KEY_NAME, 'wrong-key', START + 3_600_000));
    expect(await message(res)).toMatch(/signature does not match/);
    res = await send(createSasToken(`${base}/orders`, 'SendOnly', KEY, START + 3_600_000));
    expect(await message(res)).toMatch(/signed with key 'SendOnly'/);
    res = await send(createSasToken(`${base}/other`, KEY_NAME, KEY, START + 3_600_000));
    expect(await message(res)).toMatch(/is for '.*\/servicebus\/other', which does not cover 'orders\/messages'/);
    res = await send('SharedAccessSignature sr=x&sig=y');
    expect(await message(res)).toMatch(/lacks se, skn/);
    expect(ns.counts('orders').active).toBe(0);
  });

  it('checks expiry on the platform clock', async () => {
    const token = createSasToken(`${base}/orders`, KEY_NAME, KEY, START + 60_000);
    expect((await send(token)).status).toBe(201);
    await clock.advance(60_000, async () => undefined);
    const res = await send(token);
    expect(res.status).toBe(401);
    expect(await message(res)).toMatch(/expired at 2026-03-02T10:01:00.000Z/);
  });
});

describe('answers only after the commit', () => {
  let db: ServiceDatabase;
  const api = (): ServiceBusRestApi => new ServiceBusRestApi(ns, { mountPrefix: PREFIX });
  const request = (method: string, url: string, body = ''): Parameters<ServiceBusRestApi['handle']>[0] => ({
    method,
    path: url.split('?')[0],
    query: new URLSearchParams(url.split('?')[1] ?? ''),
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from(body),
    origin: 'http://local',
  });
  const rows = (): { entity: string; delivery_count: number }[] =>
    db.db.prepare('SELECT entity, delivery_count FROM sb_messages ORDER BY sequence_number').all() as {
      entity: string;
      delivery_count: number;
    }[];

  beforeEach(() => {
    ns.close();
    db = new ServiceDatabase({ location: ':memory:' });
    ns = new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'test'), clock, { database: db });
  });
  afterEach(() => db.close());

  it('a 201 for a send, a received message, and a 200 for a completion are each answered once they are durable', async () => {
    // Handled directly, not over HTTP: the check runs the moment the answer is ready, before any later turn commits.
    expect((await api().handle(request('POST', 'orders/messages', 'one'))).status).toBe(201);
    expect(rows()).toEqual([{ entity: 'orders', delivery_count: 0 }]);
    const received = await api().handle(request('POST', 'orders/messages/head?timeout=0'));
    expect(received.status).toBe(201);
    expect(rows()).toEqual([{ entity: 'orders', delivery_count: 1 }]);
    const lockPath = new URL(received.headers!.location).pathname.slice(PREFIX.length + 1);
    expect((await api().handle(request('DELETE', lockPath))).status).toBe(200);
    expect(rows()).toEqual([]);
  });

  it('a commit that fails answers 500 InternalServerError saying the operation would not survive a restart', async () => {
    await db.close();
    const answer = await api().handle(request('POST', 'orders/messages', 'lost'));
    expect(answer).toMatchObject({
      status: 500,
      body: { error: { code: 'InternalServerError', message: expect.stringMatching(/would not survive a restart/) } },
    });
  });
});
