// The in-process Service Bus namespace on a virtual clock: topic fan-out through SQL and correlation filters,
// duplicate detection windows, scheduled messages, peek-lock settlement, lock expiry, MaxDeliveryCount and TTL
// dead-lettering, size limits, deferral, auto-forwarding and the availability events consumers pump on.
import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { parseServiceBusConfig } from '../../src/serviceBus/config';
import {
  EntityNotFoundError,
  InvalidMessageError,
  InvalidOperationError,
  MessageLockLostError,
  MessageNotFoundError,
  MessageSizeExceededError,
} from '../../src/serviceBus/errors';
import { decodeBody } from '../../src/serviceBus/message';
import { ServiceBusNamespace, ServiceBusNamespaceOptions } from '../../src/serviceBus/namespace';

const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const sql = (name: string, expression: string) => ({
  Name: name,
  Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: expression } },
});

const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          { Name: 'orders', Properties: { MaxDeliveryCount: 3, LockDuration: 'PT30S' } },
          {
            Name: 'dedup',
            Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 'PT20S' },
          },
          {
            Name: 'short-lived',
            Properties: { DefaultMessageTimeToLive: 'PT10S', DeadLetteringOnMessageExpiration: true },
          },
          { Name: 'ephemeral', Properties: { DefaultMessageTimeToLive: 'PT10S' } },
          { Name: 'inbox', Properties: { ForwardTo: 'events' } },
          { Name: 'parking', Properties: { MaxDeliveryCount: 1, ForwardDeadLetteredMessagesTo: 'graveyard' } },
          { Name: 'graveyard' },
        ],
        Topics: [
          {
            Name: 'events',
            Properties: { RequiresDuplicateDetection: true },
            Subscriptions: [
              { Name: 'placed', Rules: [sql('placed', "type = 'OrderPlaced'")] },
              { Name: 'local-only', Rules: [sql('noBridge', 'NOT EXISTS(bridgeorigin)')] },
              {
                Name: 'eu',
                Rules: [
                  {
                    Name: 'eu',
                    Properties: { FilterType: 'Correlation', CorrelationFilter: { Properties: { region: 'eu' } } },
                  },
                ],
              },
              { Name: 'either', Rules: [sql('a', "type = 'OrderPlaced'"), sql('b', "region = 'eu'")] },
              { Name: 'audit', Properties: { MaxDeliveryCount: 2 } },
              { Name: 'nothing', Rules: [sql('none', '1=0')] },
            ],
          },
          { Name: 'filtered', Subscriptions: [{ Name: 'only-a', Rules: [sql('a', "type = 'A'")] }] },
        ],
      },
    ],
  },
};

let clock: VirtualClock;
let ns: ServiceBusNamespace;
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const advance = (ms: number): Promise<void> => clock.advance(ms, settle);
const make = (options?: ServiceBusNamespaceOptions): ServiceBusNamespace =>
  new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'test-config'), clock, options);
const bodies = (entity: string): unknown[] => ns.peek(entity).map((m) => decodeBody(m));

beforeEach(() => {
  clock = new VirtualClock(START);
  ns = make();
});

describe('addressing', () => {
  it('lists queues, topics and subscriptions', () => {
    expect(ns.entityNames()).toEqual([
      'orders',
      'dedup',
      'short-lived',
      'ephemeral',
      'inbox',
      'parking',
      'graveyard',
      'events',
      'events/Subscriptions/placed',
      'events/Subscriptions/local-only',
      'events/Subscriptions/eu',
      'events/Subscriptions/either',
      'events/Subscriptions/audit',
      'events/Subscriptions/nothing',
      'filtered',
      'filtered/Subscriptions/only-a',
    ]);
  });

  it('an unknown entity is a typed error naming it and the known ones', () => {
    const e = (() => {
      try {
        ns.send('ordres', { body: 'x' });
      } catch (err) {
        return err as EntityNotFoundError;
      }
    })();
    expect(e).toBeInstanceOf(EntityNotFoundError);
    expect(e!.entity).toBe('ordres');
    expect(e!.message).toMatch(/'ordres' does not exist.*Known entities: orders, dedup/);
    expect(() => ns.receive('events/Subscriptions/nope')).toThrow(EntityNotFoundError);
  });

  it('sending to a subscription or a dead-letter queue, or receiving from a topic, says what to do instead', () => {
    expect(() => ns.send('events/Subscriptions/audit', { body: 'x' })).toThrow(/send to its topic 'events'/);
    expect(() => ns.send('orders/$DeadLetterQueue', { body: 'x' })).toThrow(InvalidOperationError);
    expect(() => ns.receive('events')).toThrow(/'events' is a topic; receive from one of its subscriptions/);
  });

  it('paths are case-insensitive, including the Subscriptions and $DeadLetterQueue segments', () => {
    ns.send('EVENTS', { body: 'x' });
    expect(ns.peek('events/subscriptions/AUDIT')).toHaveLength(1);
    expect(ns.peek('Orders/$deadletterqueue')).toEqual([]);
    expect(ns.resolveReceivable('/events/SUBSCRIPTIONS/audit/')).toBe('events/Subscriptions/audit');
  });
});

describe('topic fan-out', () => {
  it('copies a message to every subscription with a matching rule, once even when several rules match', () => {
    ns.send('events', [
      { body: { n: 1 }, applicationProperties: { type: 'OrderPlaced', region: 'eu' } },
      { body: { n: 2 }, applicationProperties: { type: 'OrderPlaced', bridgeorigin: 'aws' } },
      { body: { n: 3 }, applicationProperties: { type: 'PaymentConfirmed', region: 'us' } },
    ]);
    expect(bodies('events/Subscriptions/placed')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(bodies('events/Subscriptions/local-only')).toEqual([{ n: 1 }, { n: 3 }]);
    expect(bodies('events/Subscriptions/eu')).toEqual([{ n: 1 }]);
    expect(bodies('events/Subscriptions/either')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(bodies('events/Subscriptions/audit')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(bodies('events/Subscriptions/nothing')).toEqual([]);
  });

  it('each subscription owns its copy: settling or modifying one leaves the others', () => {
    ns.send('events', { body: 'x', applicationProperties: { type: 'OrderPlaced' } });
    const [m] = ns.receive('events/Subscriptions/placed');
    ns.abandon('events/Subscriptions/placed', m.lockToken!, { touched: true });
    expect(ns.peek('events/Subscriptions/placed')[0].applicationProperties.touched).toBe(true);
    expect(ns.peek('events/Subscriptions/audit')[0].applicationProperties.touched).toBeUndefined();
    expect(ns.peek('events/Subscriptions/audit')[0].deliveryCount).toBe(0);
  });

  it('a message no rule matches is dropped and counted', () => {
    const dropped: string[] = [];
    ns.on('dropped', (d) => dropped.push(`${d.entity}:${d.reason}`));
    ns.send('filtered', [
      { body: 'b', applicationProperties: { type: 'B' } },
      { body: 'a', applicationProperties: { type: 'A' } },
    ]);
    expect(bodies('filtered/Subscriptions/only-a')).toEqual(['a']);
    expect(ns.counts('filtered').unrouted).toBe(1);
    expect(dropped).toEqual(['filtered:noMatchingSubscription']);
  });

  it('system properties reach filters and receivers', () => {
    ns.send('events', {
      body: 'x',
      messageId: 'order-1',
      correlationId: 'corr',
      subject: 'OrderPlaced',
      to: 'store',
      replyTo: 'replies',
      contentType: 'text/plain',
      applicationProperties: { type: 'OrderPlaced' },
    });
    const [m] = ns.peek('events/Subscriptions/placed');
    expect(m).toMatchObject({
      messageId: 'order-1',
      correlationId: 'corr',
      subject: 'OrderPlaced',
      to: 'store',
      replyTo: 'replies',
      contentType: 'text/plain',
      sequenceNumber: 1,
      state: 'active',
      enqueuedTimeUtc: new Date(START),
    });
  });
});

describe('messages', () => {
  it('a message id is generated when absent; JSON bodies get application/json', () => {
    const [r] = ns.send('orders', { body: { a: 1 } });
    expect(r.messageId).toMatch(/^[0-9a-f]{32}$/);
    const [m] = ns.peek('orders');
    expect(m.contentType).toBe('application/json');
    expect(m.body.toString()).toBe('{"a":1}');
  });

  it('rejects ids over 128 characters and properties Service Bus cannot hold', () => {
    expect(() => ns.send('orders', { body: 'x', messageId: 'x'.repeat(129) })).toThrow(
      /129 characters; Service Bus allows 1 to 128/,
    );
    expect(() =>
      ns.send('orders', { body: 'x', applicationProperties: { nested: { a: 1 } as unknown as string } }),
    ).toThrow(InvalidMessageError);
  });

  it('enforces 256 KB per message and 64 KB of application properties, with the sizes in the error', () => {
    let e: MessageSizeExceededError | undefined;
    try {
      ns.send('orders', { body: Buffer.alloc(256 * 1024), messageId: 'big' });
    } catch (err) {
      e = err as MessageSizeExceededError;
    }
    expect(e).toBeInstanceOf(MessageSizeExceededError);
    expect(e!.actualBytes).toBe(256 * 1024 + 3);
    expect(e!.limitBytes).toBe(262144);
    expect(e!.httpStatus).toBe(413);
    expect(e!.message).toMatch(
      /Message 'big' sent to 'orders' \(body 262144 bytes \+ properties 3 bytes\) is 262147 bytes/,
    );
    expect(() => ns.send('orders', { body: 'x', applicationProperties: { p: 'v'.repeat(64 * 1024) } })).toThrow(
      /application properties of message .* allows 65536 bytes/,
    );
    expect(() => ns.send('orders', [{ body: Buffer.alloc(200_000) }, { body: Buffer.alloc(200_000) }])).toThrow(
      /batch of 2 messages/,
    );
    expect(ns.counts('orders').active).toBe(0); // nothing of a rejected batch is enqueued
    ns = make({ limits: { enforce: false } });
    ns.send('orders', { body: Buffer.alloc(300 * 1024) });
    expect(ns.counts('orders').active).toBe(1);
  });
});

describe('duplicate detection', () => {
  it('drops a repeated message id within the window (the send succeeds) and accepts it after', async () => {
    const seen: string[] = [];
    ns.on('duplicate', (d) => seen.push(`${d.entity}:${d.messageId}`));
    expect(ns.send('dedup', { body: 1, messageId: 'evt-1' })[0].duplicate).toBe(false);
    await advance(19_000);
    const [again] = ns.send('dedup', { body: 2, messageId: 'evt-1' });
    expect(again).toEqual({ messageId: 'evt-1', duplicate: true, scheduled: false });
    expect(bodies('dedup')).toEqual([1]);
    expect(ns.counts('dedup').duplicatesDropped).toBe(1);
    expect(seen).toEqual(['dedup:evt-1']);
    await advance(1_000); // 20 s after the first send: the window has passed
    expect(ns.send('dedup', { body: 3, messageId: 'evt-1' })[0].duplicate).toBe(false);
    expect(bodies('dedup')).toEqual([1, 3]);
  });

  it('a topic detects duplicates before fan-out (default window 10 minutes)', async () => {
    ns.send('events', { body: 1, messageId: 'e' });
    await advance(9 * 60_000);
    ns.send('events', { body: 2, messageId: 'e' });
    expect(bodies('events/Subscriptions/audit')).toEqual([1]);
    await advance(60_000);
    ns.send('events', { body: 3, messageId: 'e' });
    expect(bodies('events/Subscriptions/audit')).toEqual([1, 3]);
  });

  it('queues without duplicate detection keep every copy', () => {
    ns.send('orders', [
      { body: 1, messageId: 'same' },
      { body: 2, messageId: 'same' },
    ]);
    expect(bodies('orders')).toEqual([1, 2]);
  });
});

describe('scheduled messages', () => {
  it('become visible only at their time; peek shows them as scheduled meanwhile', async () => {
    const at = START + 3_600_000;
    const [r] = ns.send('orders', { body: 'later', scheduledEnqueueTime: new Date(at) });
    expect(r).toMatchObject({ scheduled: true, sequenceNumber: 1 });
    expect(ns.receive('orders')).toEqual([]);
    expect(ns.counts('orders')).toMatchObject({ active: 0, scheduled: 1 });
    expect(ns.peek('orders')[0]).toMatchObject({ state: 'scheduled', scheduledEnqueueTimeUtc: new Date(at) });
    await advance(3_600_000 - 1);
    expect(ns.receive('orders')).toEqual([]);
    await advance(1);
    const [m] = ns.receive('orders');
    expect(m).toMatchObject({ sequenceNumber: 1, state: 'active', enqueuedTimeUtc: new Date(at) });
    expect(ns.counts('orders').scheduled).toBe(0);
  });

  it('scheduleMessages returns sequence numbers; cancelScheduled removes them', async () => {
    const [a, b] = ns.scheduleMessages('events', [{ body: 'a' }, { body: 'b' }], START + 60_000);
    ns.cancelScheduled('events', a);
    expect(() => ns.cancelScheduled('events', 99)).toThrow(MessageNotFoundError);
    await advance(60_000);
    expect(bodies('events/Subscriptions/audit')).toEqual(['b']);
    expect(b).toBe(2);
  });

  it('a time in the past is enqueued at once', () => {
    ns.send('orders', { body: 'now', scheduledEnqueueTime: START - 1000 });
    expect(ns.receive('orders')).toHaveLength(1);
  });
});

describe('peek-lock', () => {
  it('locks for LockDuration, counts deliveries, and complete removes the message', async () => {
    ns.send('orders', [{ body: 1 }, { body: 2 }]);
    const [m] = ns.receive('orders');
    expect(m).toMatchObject({ deliveryCount: 1, sequenceNumber: 1, lockedUntilUtc: new Date(START + 30_000) });
    expect(m.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns.counts('orders')).toMatchObject({ active: 2, locked: 1 });
    const [second] = ns.receive('orders');
    expect(decodeBody(second)).toBe(2);
    ns.complete('orders', m.lockToken!);
    expect(() => ns.complete('orders', m.lockToken!)).toThrow(MessageLockLostError);
    expect(bodies('orders')).toEqual([2]);
  });

  it('abandon puts the message back in its place with a higher delivery count and modified properties', () => {
    ns.send('orders', [{ body: 1 }, { body: 2 }]);
    const [m] = ns.receive('orders');
    ns.abandon('orders', m.lockToken!, { lastError: 'boom' });
    const [again] = ns.receive('orders');
    expect(again).toMatchObject({ sequenceNumber: 1, deliveryCount: 2, applicationProperties: { lastError: 'boom' } });
  });

  it('an expired lock makes the message available again; the old token is lost', async () => {
    ns.send('orders', { body: 1 });
    const [m] = ns.receive('orders');
    await settle(); // let the send's own notification pass
    const available: string[] = [];
    ns.on('available', (p) => available.push(p));
    await advance(29_999);
    expect(ns.receive('orders')).toEqual([]);
    await advance(1);
    expect(available).toEqual(['orders']);
    const [again] = ns.receive('orders');
    expect(again.deliveryCount).toBe(2);
    expect(() => ns.complete('orders', m.lockToken!)).toThrow(/expired .* or the message was already completed/);
  });

  it('renewLock extends the lock from now', async () => {
    ns.send('orders', { body: 1 });
    const [m] = ns.receive('orders');
    await advance(20_000);
    expect(ns.renewLock('orders', m.lockToken!)).toEqual(new Date(START + 50_000));
    await advance(20_000);
    expect(ns.receive('orders')).toEqual([]);
    ns.complete('orders', m.lockToken!);
  });

  it('receive-and-delete takes messages without locks', () => {
    ns.send('orders', [{ body: 1 }, { body: 2 }, { body: 3 }]);
    const got = ns.receive('orders', { maxMessages: 2, mode: 'receiveAndDelete' });
    expect(got.map((m) => [decodeBody(m), m.lockToken])).toEqual([
      [1, undefined],
      [2, undefined],
    ]);
    expect(bodies('orders')).toEqual([3]);
  });

  it('defer hides a message until it is received by sequence number', () => {
    ns.send('orders', [{ body: 1 }, { body: 2 }]);
    const [m] = ns.receive('orders');
    ns.defer('orders', m.lockToken!);
    expect(decodeBody(ns.receive('orders')[0])).toBe(2);
    expect(ns.counts('orders').deferred).toBe(1);
    const [d] = ns.receiveDeferred('orders', [m.sequenceNumber]);
    expect(d).toMatchObject({ sequenceNumber: 1, deliveryCount: 2 });
    ns.complete('orders', d.lockToken!);
    expect(() => ns.receiveDeferred('orders', [1])).toThrow(MessageNotFoundError);
  });
});

describe('dead-lettering', () => {
  it('after MaxDeliveryCount deliveries the message moves to <queue>/$DeadLetterQueue with reason and description', () => {
    ns.send('orders', { body: { id: 'o-1' }, messageId: 'o-1', applicationProperties: { type: 'OrderPlaced' } });
    for (let i = 1; i <= 3; i++) {
      const [m] = ns.receive('orders');
      expect(m.deliveryCount).toBe(i);
      ns.abandon('orders', m.lockToken!);
    }
    expect(ns.receive('orders')).toEqual([]);
    expect(ns.counts('orders')).toMatchObject({ active: 0, deadLetter: 1 });
    const [dl] = ns.receive('orders/$DeadLetterQueue');
    expect(dl).toMatchObject({
      entityPath: 'orders/$DeadLetterQueue',
      messageId: 'o-1',
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'Message could not be consumed after 3 delivery attempts.',
      applicationProperties: {
        type: 'OrderPlaced',
        DeadLetterReason: 'MaxDeliveryCountExceeded',
        DeadLetterErrorDescription: 'Message could not be consumed after 3 delivery attempts.',
      },
    });
    expect(decodeBody(dl)).toEqual({ id: 'o-1' });
    ns.complete('orders/$DeadLetterQueue', dl.lockToken!);
    expect(ns.counts('orders').deadLetter).toBe(0);
  });

  it('lock expiries count as deliveries too, for a subscription', async () => {
    const dead: string[] = [];
    ns.on('deadLettered', (d) => dead.push(`${d.entity}:${d.reason}`));
    ns.send('events', { body: 'x' });
    for (let i = 0; i < 2; i++) {
      expect(ns.receive('events/Subscriptions/audit')).toHaveLength(1);
      await advance(60_000);
    }
    expect(ns.peek('events/subscriptions/audit/$deadletterqueue')[0].deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead).toEqual(['events/Subscriptions/audit:MaxDeliveryCountExceeded']);
  });

  it('deadLetter with a reason and description; the dead-letter queue cannot dead-letter again', () => {
    ns.send('orders', { body: 'bad' });
    const [m] = ns.receive('orders');
    ns.deadLetter('orders', m.lockToken!, { reason: 'ValidationFailed', description: 'amount < 0' });
    const [dl] = ns.receive('orders/$DeadLetterQueue');
    expect(dl).toMatchObject({ deadLetterReason: 'ValidationFailed', deadLetterErrorDescription: 'amount < 0' });
    expect(() => ns.deadLetter('orders/$DeadLetterQueue', dl.lockToken!)).toThrow(/cannot be dead-lettered again/);
  });

  it('TTL expiry dead-letters with TTLExpiredException when DeadLetteringOnMessageExpiration is set', async () => {
    ns.send('short-lived', [{ body: 1 }, { body: 2, timeToLive: 2_000 }, { body: 3, timeToLive: 3_600_000 }]);
    expect(ns.peek('short-lived').map((m) => m.timeToLive)).toEqual([10_000, 2_000, 10_000]); // capped by the entity
    await advance(2_000);
    expect(bodies('short-lived')).toEqual([1, 3]);
    await advance(8_000);
    expect(bodies('short-lived')).toEqual([]);
    // Dead-lettered messages keep their sequence numbers, so the dead-letter queue lists them in send order.
    const dl = ns.peek('short-lived/$DeadLetterQueue');
    expect(dl.map((m) => [decodeBody(m), m.sequenceNumber, m.deadLetterReason])).toEqual([
      [1, 1, 'TTLExpiredException'],
      [2, 2, 'TTLExpiredException'],
      [3, 3, 'TTLExpiredException'],
    ]);
  });

  it('TTL expiry without dead-lettering drops the message; a locked message does not expire until released', async () => {
    const dropped: string[] = [];
    ns.on('dropped', (d) => dropped.push(`${d.entity}:${d.messageId}:${d.reason}`));
    ns.send('ephemeral', [
      { body: 1, messageId: 'a' },
      { body: 2, messageId: 'b' },
    ]);
    const [locked] = ns.receive('ephemeral');
    await advance(10_000);
    expect(dropped).toEqual(['ephemeral:b:expired']);
    expect(ns.counts('ephemeral')).toMatchObject({ active: 1, locked: 1, deadLetter: 0 });
    ns.abandon('ephemeral', locked.lockToken!);
    expect(dropped).toEqual(['ephemeral:b:expired', 'ephemeral:a:expired']);
  });
});

describe('auto-forwarding', () => {
  it('ForwardTo moves messages on to the target (here a topic, which fans out)', () => {
    ns.send('inbox', { body: 'fwd', applicationProperties: { type: 'OrderPlaced' } });
    expect(ns.counts('inbox').active).toBe(0);
    expect(bodies('events/Subscriptions/placed')).toEqual(['fwd']);
  });

  it('ForwardDeadLetteredMessagesTo sends dead letters on, marked with DeadLetterSource', () => {
    ns.send('parking', { body: 'poison' });
    const [m] = ns.receive('parking');
    ns.abandon('parking', m.lockToken!);
    expect(ns.counts('parking').deadLetter).toBe(0);
    const [g] = ns.peek('graveyard');
    expect(g).toMatchObject({ deadLetterSource: 'parking', deadLetterReason: 'MaxDeliveryCountExceeded' });
  });
});

describe('availability events', () => {
  it('fire after the operation returns, once per entity per burst, so consumers never run inside send', async () => {
    const seen: string[] = [];
    ns.on('available', (p) => seen.push(p));
    ns.send('events', [{ body: 1, applicationProperties: { type: 'OrderPlaced' } }, { body: 2 }]);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen.sort()).toEqual(
      [
        'events/Subscriptions/audit',
        'events/Subscriptions/either',
        'events/Subscriptions/local-only',
        'events/Subscriptions/placed',
      ].sort(),
    );
  });

  it('entities() lists counts for operators; close() cancels clock wakes', async () => {
    ns.send('orders', [{ body: 1 }, { body: 2, scheduledEnqueueTime: START + 1000 }]);
    ns.receive('orders');
    const orders = ns.entities().find((e) => e.path === 'orders')!;
    expect(orders).toMatchObject({ kind: 'queue', lockDurationMs: 30_000, maxDeliveryCount: 3 });
    expect(orders.counts).toMatchObject({ active: 1, locked: 1, scheduled: 1, deadLetter: 0 });
    expect(ns.entities().find((e) => e.path === 'events/Subscriptions/placed')!.rules).toEqual([
      { name: 'placed', filter: "type = 'OrderPlaced'" },
    ]);
    ns.close();
    expect(clock.nextDue()).toBeUndefined();
  });
});
