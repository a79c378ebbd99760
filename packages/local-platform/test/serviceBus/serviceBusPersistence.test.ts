// The namespace written through to its database: what a restart finds again (messages with their ids, sequence
// numbers, properties and counts; schedules; dead letters with their reasons; deferred messages; duplicate-detection
// history; sequence numbers), and what it does not (locks: a message locked at the crash is delivered again, counted,
// and MaxDeliveryCount still dead-letters it). Each test runs on an in-memory and on a file database; a "crash"
// reopens the namespace on the same data without closing anything, after the commits callers would have waited for.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import { parseServiceBusConfig } from '../../src/serviceBus/config';
import { MessageLockLostError, MessageStoreError } from '../../src/serviceBus/errors';
import { decodeBody, ReceivedMessage } from '../../src/serviceBus/message';
import { ServiceBusNamespace } from '../../src/serviceBus/namespace';

const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const queue = (name: string, properties: Record<string, unknown> = {}) => ({ Name: name, Properties: properties });
const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          queue('orders', { MaxDeliveryCount: 3, LockDuration: 'PT30S' }),
          queue('dedup', { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 'PT1M' }),
          queue('short-lived', { DefaultMessageTimeToLive: 'PT10S', DeadLetteringOnMessageExpiration: true }),
          queue('parking', { MaxDeliveryCount: 1, ForwardDeadLetteredMessagesTo: 'graveyard' }),
          queue('graveyard'),
        ],
        Topics: [
          {
            Name: 'events',
            Subscriptions: [
              { Name: 'all' },
              {
                Name: 'placed',
                Rules: [
                  {
                    Name: 'placed',
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
const WITHOUT_ORDERS = {
  UserConfig: {
    Namespaces: [{ ...CONFIG.UserConfig.Namespaces[0], Queues: CONFIG.UserConfig.Namespaces[0].Queues.slice(1) }],
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'servicebus-persistence-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** What a receiver sees of a message, without the lock (which a restart does not keep). */
const unlocked = (m: ReceivedMessage): ReceivedMessage => ({ ...m, lockToken: undefined, lockedUntilUtc: undefined });

describe.each([
  ['in memory', () => ':memory:'],
  ['on a file', () => path.join(dir, `services-${++files}.sqlite`)],
])('the Service Bus namespace %s', (_kind, newLocation) => {
  let location: string;
  let clock: VirtualClock;
  let databases: ServiceDatabase[];
  let ns: ServiceBusNamespace;
  let logs: string[];
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  const advance = (ms: number): Promise<void> => clock.advance(ms, settle);
  const open = (config: unknown = CONFIG): ServiceBusNamespace =>
    new ServiceBusNamespace(parseServiceBusConfig(config, 'test-config'), clock, {
      database: databases[databases.length - 1],
      log: (level, message) => logs.push(`${level}: ${message}`),
    });

  /**
   * The platform dies once what callers were answered is committed: nothing is closed or flushed, locks and clock
   * wakes are simply gone. A file is reopened by a new connection; an in-memory database can only be shared.
   */
  async function crash(options: { config?: unknown; clock?: VirtualClock } = {}): Promise<void> {
    await ns.whenCommitted();
    ns.close();
    if (location !== ':memory:') databases.push(new ServiceDatabase({ location }));
    if (options.clock) clock = options.clock;
    ns = open(options.config);
  }

  beforeEach(() => {
    location = newLocation();
    clock = new VirtualClock(START);
    databases = [new ServiceDatabase({ location })];
    logs = [];
    ns = open();
  });

  afterEach(async () => {
    ns.close();
    for (const db of databases) await db.close();
  });

  it('active messages come back with their ids, sequence numbers, bodies, properties, times and counts', async () => {
    ns.send('orders', [
      {
        body: { orderId: 'o-1' },
        messageId: 'm-1',
        correlationId: 'corr',
        subject: 'OrderPlaced',
        to: 'store',
        replyTo: 'replies',
        replyToSessionId: 'rs',
        sessionId: 's',
        partitionKey: 's',
        timeToLive: 3_600_000,
        applicationProperties: { text: 'x', n: 1.5, yes: true, none: null, at: new Date(START - 1000) },
      },
      { body: Buffer.from([0, 255, 7]), contentType: 'application/octet-stream', messageId: 'm-2' },
      { body: 'plain', messageId: 'm-3' },
    ]);
    ns.send('events', { body: 'e', applicationProperties: { type: 'OrderPlaced' } });
    await advance(5_000);
    const [first] = ns.receive('orders');
    ns.abandon('orders', first.lockToken!, { attempt: 1 });
    const before = {
      orders: ns.peek('orders'),
      all: ns.peek('events/Subscriptions/all'),
      placed: ns.peek('events/Subscriptions/placed'),
    };
    expect(before.orders[0]).toMatchObject({ deliveryCount: 1, applicationProperties: { attempt: 1 } });

    await crash();

    expect(ns.peek('orders')).toEqual(before.orders);
    expect(ns.peek('events/Subscriptions/all')).toEqual(before.all);
    expect(ns.peek('events/Subscriptions/placed')).toEqual(before.placed);
    const received = ns.receive('orders', { maxMessages: 3 });
    expect(received.map((m) => [m.messageId, m.sequenceNumber, m.deliveryCount])).toEqual([
      ['m-1', 1, 2],
      ['m-2', 2, 1],
      ['m-3', 3, 1],
    ]);
    expect(decodeBody(received[0])).toEqual({ orderId: 'o-1' });
    expect(received[0].applicationProperties.at).toEqual(new Date(START - 1000));
    expect(received[0].expiresAtUtc).toEqual(new Date(START + 3_600_000));
    expect(received[1].body).toEqual(Buffer.from([0, 255, 7]));
    expect(logs).toContain(`info: Service Bus: restored 5 messages from ${location}.`);
  });

  it('settled, received-and-deleted and expired messages stay gone, and sequence numbers are never reused', async () => {
    ns.send('orders', [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    ns.send('events', { body: 'e' });
    const [a] = ns.receive('orders');
    ns.complete('orders', a.lockToken!);
    ns.receive('orders', { mode: 'receiveAndDelete' });
    ns.receive('events/Subscriptions/all', { mode: 'receiveAndDelete' });
    ns.send('short-lived', { body: 'soon gone', timeToLive: 1_000 });
    await advance(2_000);
    expect(ns.counts('short-lived').active).toBe(0);

    await crash();

    expect(ns.peek('orders').map((m) => decodeBody(m))).toEqual(['c']);
    expect(ns.peek('events/Subscriptions/all')).toEqual([]);
    expect(ns.peek('short-lived')).toEqual([]);
    expect(ns.send('orders', { body: 'd' })[0].sequenceNumber).toBe(4);
    expect(ns.send('events', { body: 'f' })[0].sequenceNumber).toBe(2);
    await crash();
    expect(ns.send('orders', { body: 'e' })[0].sequenceNumber).toBe(5);
  });

  it('scheduled messages fire at their time after a restart, and a cancelled one stays cancelled', async () => {
    const due = START + 60_000;
    const [keep, cancel] = ns.scheduleMessages('orders', [{ body: 'keep' }, { body: 'cancel' }], due);
    ns.scheduleMessages('events', { body: 'to all' }, due);
    ns.cancelScheduled('orders', cancel);

    await crash();

    expect(ns.peek('orders')).toMatchObject([{ sequenceNumber: keep, state: 'scheduled' }]);
    expect(ns.counts('orders')).toMatchObject({ active: 0, scheduled: 1 });
    expect(ns.counts('events').scheduled).toBe(1);
    expect(() => ns.cancelScheduled('orders', cancel)).toThrow(/No scheduled message with sequence number 2/);
    await advance(59_999);
    expect(ns.receive('orders')).toEqual([]);
    await advance(1);
    const [m] = ns.receive('orders');
    expect(m).toMatchObject({ sequenceNumber: keep, enqueuedTimeUtc: new Date(due), deliveryCount: 1 });
    expect(ns.peek('events/Subscriptions/all').map((e) => decodeBody(e))).toEqual(['to all']);
    // Fired means enqueued: a further restart finds it in the queue, not scheduled again.
    await crash();
    expect(ns.peek('orders')).toMatchObject([{ sequenceNumber: keep, state: 'active', deliveryCount: 1 }]);
    expect(ns.counts('orders').scheduled).toBe(0);
  });

  it('a schedule that fell due while the platform was down fires as soon as it is back', async () => {
    ns.scheduleMessages('orders', { body: 'overdue' }, START + 60_000);
    await crash({ clock: new VirtualClock(START + 3_600_000) });
    await settle();
    expect(ns.receive('orders')).toMatchObject([{ state: 'active', enqueuedTimeUtc: new Date(START + 3_600_000) }]);
  });

  it('dead-lettered messages keep their reason, description and source', async () => {
    ns.send('orders', [
      { body: 'bad', messageId: 'bad' },
      { body: 'poison', messageId: 'poison' },
    ]);
    const [bad] = ns.receive('orders');
    ns.deadLetter('orders', bad.lockToken!, { reason: 'ValidationFailed', description: 'no customer' });
    for (let i = 0; i < 3; i++) ns.abandon('orders', ns.receive('orders')[0].lockToken!);
    ns.send('short-lived', { body: 'late', messageId: 'late' });
    ns.send('parking', { body: 'parked', messageId: 'parked' });
    ns.abandon('parking', ns.receive('parking')[0].lockToken!);
    await advance(10_000);
    const before = ns.peek('orders/$DeadLetterQueue');

    await crash();

    expect(ns.peek('orders/$DeadLetterQueue')).toEqual(before);
    expect(before.map((m) => [m.messageId, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['bad', 'ValidationFailed', 'no customer'],
      ['poison', 'MaxDeliveryCountExceeded', 'Message could not be consumed after 3 delivery attempts.'],
    ]);
    expect(ns.peek('short-lived/$DeadLetterQueue')).toMatchObject([
      { messageId: 'late', deadLetterReason: 'TTLExpiredException' },
    ]);
    expect(ns.peek('graveyard')).toMatchObject([
      { messageId: 'parked', deadLetterReason: 'MaxDeliveryCountExceeded', deadLetterSource: 'parking' },
    ]);
    const [dead] = ns.receive('orders/$DeadLetterQueue');
    ns.complete('orders/$DeadLetterQueue', dead.lockToken!);
    await crash();
    expect(ns.peek('orders/$DeadLetterQueue').map((m) => m.messageId)).toEqual(['poison']);
  });

  it('deferred messages stay deferred and are received by sequence number after a restart', async () => {
    ns.send('orders', [{ body: 'later' }, { body: 'now' }]);
    const [later] = ns.receive('orders');
    ns.defer('orders', later.lockToken!, { deferredBy: 'test' });

    await crash();

    expect(ns.counts('orders')).toMatchObject({ active: 1, deferred: 1 });
    expect(ns.receive('orders').map((m) => decodeBody(m))).toEqual(['now']);
    const [again] = ns.receiveDeferred('orders', [later.sequenceNumber]);
    expect(again).toMatchObject({ deliveryCount: 2, applicationProperties: { deferredBy: 'test' } });
  });

  it('duplicate detection drops a resend within the window after a restart, and accepts it once the window closed', async () => {
    ns.send('dedup', { body: 'first', messageId: 'order-1' });
    ns.send('dedup', { body: 'other', messageId: 'order-2' });
    await advance(30_000);

    await crash();

    expect(ns.send('dedup', { body: 'again', messageId: 'order-1' })).toEqual([
      { messageId: 'order-1', duplicate: true, scheduled: false },
    ]);
    expect(ns.peek('dedup').map((m) => decodeBody(m))).toEqual(['first', 'other']);
    await crash({ clock: new VirtualClock(START + 60_000) });
    expect(ns.send('dedup', { body: 'new window', messageId: 'order-2' })[0]).toMatchObject({
      duplicate: false,
      sequenceNumber: 3,
    });
    await crash();
    expect(ns.send('dedup', { body: 'still new', messageId: 'order-2' })[0].duplicate).toBe(true);
  });

  it('a message locked at the crash is receivable again with its delivery count; its old lock is gone', async () => {
    ns.send('orders', { body: 'work' });
    const [locked] = ns.receive('orders');
    expect(locked.deliveryCount).toBe(1);

    await crash();

    expect(ns.counts('orders')).toMatchObject({ active: 1, locked: 0 });
    expect(() => ns.complete('orders', locked.lockToken!)).toThrow(MessageLockLostError);
    const [again] = ns.receive('orders');
    expect(unlocked(again)).toEqual({ ...unlocked(locked), deliveryCount: 2 });
    ns.complete('orders', again.lockToken!);
    await crash();
    expect(ns.peek('orders')).toEqual([]);
  });

  it('MaxDeliveryCount still dead-letters a message that takes the platform down on every delivery', async () => {
    ns.send('orders', { body: 'crashes its consumer', messageId: 'poison' });
    for (let delivery = 1; delivery <= 3; delivery++) {
      expect(ns.receive('orders')).toMatchObject([{ messageId: 'poison', deliveryCount: delivery }]);
      await crash();
    }
    expect(ns.receive('orders')).toEqual([]);
    expect(logs.at(-1)).toBe(
      `info: Service Bus: restored 1 message, 1 of them dead-lettered (the delivery the restart interrupted was their last) from ${location}.`,
    );
    expect(ns.peek('orders/$DeadLetterQueue')).toMatchObject([
      { messageId: 'poison', deliveryCount: 3, deadLetterReason: 'MaxDeliveryCountExceeded' },
    ]);
    await crash();
    expect(ns.counts('orders')).toMatchObject({ active: 0, deadLetter: 1 });
  });

  it('messages of an entity the config no longer has are kept for when it comes back', async () => {
    ns.send('orders', { body: 'kept', messageId: 'kept' });
    await crash({ config: WITHOUT_ORDERS });
    expect(logs.at(-1)).toMatch(/kept the messages of orders, which the config no longer has/);
    expect(ns.send('dedup', { body: 'x' })).toHaveLength(1);
    await crash();
    expect(ns.peek('orders')).toMatchObject([{ messageId: 'kept', sequenceNumber: 1 }]);
  });

  it('a failed commit is reported to the waiting caller and the log, and its changes go with the next commit', async () => {
    const db = databases[0];
    ns.send('orders', { body: 'a', messageId: 'a' });
    // Another service's write in the same group commit fails: the whole transaction, the bus's rows too, is undone.
    const other = db.commit(() => {
      throw new Error('disk I/O error');
    });
    await expect(ns.whenCommitted()).rejects.toBeInstanceOf(MessageStoreError);
    await expect(other).rejects.toThrow(/disk I\/O error/);
    expect(logs.at(-1)).toMatch(/^error: The local Service Bus could not commit to .*: A commit to .* failed/);
    ns.send('orders', { body: 'b', messageId: 'b' });
    await ns.whenCommitted();

    await crash();

    expect(ns.peek('orders').map((m) => [m.messageId, m.sequenceNumber])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});

describe('the Service Bus namespace without a database', () => {
  it('keeps nothing and has nothing to wait for', async () => {
    const clock = new VirtualClock(START);
    const ns = new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'test-config'), clock);
    ns.send('orders', { body: 'x' });
    await ns.whenCommitted();
    ns.close();
    expect(new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'test-config'), clock).peek('orders')).toEqual([]);
  });
});
