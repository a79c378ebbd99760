// The real @azure/service-bus SDK against the local Service Bus over AMQP 1.0: sending (single, batch), peek-lock
// settlement (complete, abandon, defer, dead-letter with reason), lock renewal and expiry, receive-and-delete,
// subscribe, peek, scheduled messages, topics with filtered subscriptions, dead-letter queues and the errors the
// service gives. Every check reads the broker's state or what a second client receives, not the SDK's own echo.
import { isServiceBusError, ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/serviceBus/message';
import { AmqpBroker, KEY, startAmqpBroker } from './amqpBroker';

async function receiveAll(client: ServiceBusClient, entity: string, count: number, subQueue?: 'deadLetter') {
  const receiver = client.createReceiver(entity, subQueue ? { subQueueType: subQueue } : {});
  const out: ServiceBusReceivedMessage[] = [];
  while (out.length < count) {
    const got = await receiver.receiveMessages(count - out.length, { maxWaitTimeInMs: 2000 });
    if (!got.length) break;
    out.push(...got);
  }
  return { receiver, messages: out };
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isServiceBusError(e) ? e.code : `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('@azure/service-bus over AMQP against the local Service Bus', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  beforeAll(async () => {
    broker = await startAmqpBroker();
    client = broker.client();
  });
  afterAll(async () => broker.close());

  it('sends one message with every property, and the broker stores them as sent', async () => {
    const sender = client.createSender('orders');
    await sender.sendMessages({
      body: Buffer.from('{"id":1}'),
      messageId: 'one',
      contentType: 'application/json',
      correlationId: 'corr',
      subject: 'OrderPlaced',
      to: 'someone',
      replyTo: 'replies',
      timeToLive: 60_000,
      applicationProperties: { type: 'OrderPlaced', n: 42, ok: true, at: new Date(Date.UTC(2026, 0, 1)) },
    });
    const [stored] = broker.namespace.peek('orders');
    expect(stored).toMatchObject({
      messageId: 'one',
      contentType: 'application/json',
      correlationId: 'corr',
      subject: 'OrderPlaced',
      to: 'someone',
      replyTo: 'replies',
      timeToLive: 60_000,
      deliveryCount: 0,
    });
    expect(stored.applicationProperties).toMatchObject({ type: 'OrderPlaced', n: 42, ok: true });
    expect(decodeBody(stored)).toEqual({ id: 1 });
    const { receiver, messages } = await receiveAll(client, 'orders', 1);
    expect(messages[0]).toMatchObject({
      messageId: 'one',
      body: { id: 1 },
      subject: 'OrderPlaced',
      deliveryCount: 0,
      sequenceNumber: expect.anything(),
    });
    expect(messages[0].sequenceNumber!.toNumber()).toBe(stored.sequenceNumber);
    expect(messages[0].lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());
    expect(messages[0].expiresAtUtc!.getTime() - messages[0].enqueuedTimeUtc!.getTime()).toBe(60_000);
    await receiver.completeMessage(messages[0]);
    expect(broker.namespace.peek('orders')).toEqual([]);
    await receiver.close();
  });

  it('sends a batch from createMessageBatch as one transfer, sized by the link', async () => {
    const sender = client.createSender('bulk');
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(256 * 1024);
    for (let i = 0; i < 100; i++) expect(batch.tryAddMessage({ body: `m${i}`, messageId: `b${i}` })).toBe(true);
    await sender.sendMessages(batch);
    const stored = broker.namespace.peek('bulk');
    expect(stored.map((m) => m.messageId)).toEqual(Array.from({ length: 100 }, (_, i) => `b${i}`));
    const { receiver, messages } = await receiveAll(client, 'bulk', 100);
    expect(messages.map((m) => m.body)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    await Promise.all(messages.map((m) => receiver.completeMessage(m)));
    expect(broker.namespace.peek('bulk')).toEqual([]);
    await receiver.close();
  });

  it('locks only what a receiver asked for: the rest stays receivable for the next call', async () => {
    for (let i = 0; i < 600; i++) broker.namespace.send('bulk', { body: `n${i}`, messageId: `many-${i}` });
    const receiver = client.createReceiver('bulk');
    let received = 0;
    for (let round = 0; round < 6; round++) {
      const got = await receiver.receiveMessages(100, { maxWaitTimeInMs: 2000 });
      expect(got.length).toBeLessThanOrEqual(100);
      // Every locked message is one this receiver holds: none sits locked on the link waiting for credit.
      expect(broker.namespace.entities().find((e) => e.path === 'bulk')!.counts.locked).toBe(got.length);
      await Promise.all(got.map((m) => receiver.completeMessage(m)));
      received += got.length;
    }
    while (received < 600) {
      const got = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
      await Promise.all(got.map((m) => receiver.completeMessage(m)));
      received += got.length;
    }
    expect(broker.namespace.peek('bulk')).toEqual([]);
    await receiver.close();
  });

  it('a message sent to the namespace (as REST and the trigger host do) is received over AMQP, and back', async () => {
    broker.namespace.send('orders', { body: 'from-the-model', messageId: 'model-1' });
    const { receiver, messages } = await receiveAll(client, 'orders', 1);
    // Not JSON, so the SDK hands the bytes over as they are.
    expect(Buffer.from(messages[0].body as Buffer).toString()).toBe('from-the-model');
    await receiver.completeMessage(messages[0]);
    await client.createSender('orders').sendMessages({ body: Buffer.from('over-amqp'), messageId: 'amqp-1' });
    const [m] = broker.namespace.receive('orders');
    expect(m.body.toString()).toBe('over-amqp');
    broker.namespace.complete('orders', m.lockToken!);
    await receiver.close();
  });

  it('abandon redelivers with the delivery count + 1 and the modified properties', async () => {
    await client.createSender('orders').sendMessages({ body: 'again', messageId: 'ab-1' });
    const receiver = client.createReceiver('orders');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.abandonMessage(first, { attempt: 'one' });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(second.messageId).toBe('ab-1');
    expect(second.deliveryCount).toBe(first.deliveryCount! + 1);
    expect(second.applicationProperties).toMatchObject({ attempt: 'one' });
    await receiver.completeMessage(second);
    await receiver.close();
  });

  it('dead-letters with reason and description, and the dead-letter queue receiver gets them', async () => {
    await client.createSender('orders').sendMessages({ body: 'poison', messageId: 'dl-1' });
    const receiver = client.createReceiver('orders');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deadLetterMessage(m, { deadLetterReason: 'Invalid', deadLetterErrorDescription: 'no customer' });
    expect(broker.namespace.peek('orders')).toEqual([]);
    expect(broker.namespace.peek('orders/$DeadLetterQueue')[0]).toMatchObject({
      messageId: 'dl-1',
      deadLetterReason: 'Invalid',
      deadLetterErrorDescription: 'no customer',
    });
    const dlq = await receiveAll(client, 'orders', 1, 'deadLetter');
    expect(dlq.messages[0]).toMatchObject({
      messageId: 'dl-1',
      deadLetterReason: 'Invalid',
      deadLetterErrorDescription: 'no customer',
    });
    await dlq.receiver.completeMessage(dlq.messages[0]);
    expect(broker.namespace.peek('orders/$DeadLetterQueue')).toEqual([]);
    await receiver.close();
    await dlq.receiver.close();
  });

  it('defers, then receives the deferred message by sequence number and completes it', async () => {
    await client.createSender('orders').sendMessages({ body: 'later', messageId: 'def-1' });
    const receiver = client.createReceiver('orders');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deferMessage(m);
    expect(broker.namespace.peek('orders')[0]).toMatchObject({ messageId: 'def-1', state: 'deferred' });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const [deferred] = await receiver.receiveDeferredMessages(m.sequenceNumber!);
    expect(deferred).toMatchObject({ messageId: 'def-1', body: 'later' });
    await receiver.completeMessage(deferred);
    expect(broker.namespace.peek('orders')).toEqual([]);
    await receiver.close();
  });

  it('renews a lock, and a lock that expires redelivers the message with the delivery count + 1', async () => {
    await client.createSender('short-lock').sendMessages({ body: 'slow', messageId: 'lock-1' });
    const receiver = client.createReceiver('short-lock', { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    const before = m.lockedUntilUtc!.getTime();
    await new Promise((r) => setTimeout(r, 300));
    const renewed = await receiver.renewMessageLock(m);
    expect(renewed.getTime()).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await errorCode(receiver.completeMessage(m))).toBe('MessageLockLost');
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(again.messageId).toBe('lock-1');
    expect(again.deliveryCount).toBe(m.deliveryCount! + 1);
    await receiver.completeMessage(again);
    await receiver.close();
  });

  it('receive-and-delete removes the message as it is delivered', async () => {
    await client.createSender('orders').sendMessages([
      { body: 'x', messageId: 'rd-1' },
      { body: 'y', messageId: 'rd-2' },
    ]);
    const receiver = client.createReceiver('orders', { receiveMode: 'receiveAndDelete' });
    const got: ServiceBusReceivedMessage[] = [];
    while (got.length < 2) got.push(...(await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 })));
    expect(got.map((m) => m.messageId)).toEqual(['rd-1', 'rd-2']);
    expect(broker.namespace.peek('orders')).toEqual([]);
    await receiver.close();
  });

  it('subscribe delivers to the handler and completes on success, abandons on error', async () => {
    const sender = client.createSender('orders');
    await sender.sendMessages([
      { body: 'ok', messageId: 'sub-1' },
      { body: 'fail-once', messageId: 'sub-2' },
    ]);
    const receiver = client.createReceiver('orders');
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const failed = new Set<string>();
      receiver.subscribe({
        async processMessage(m) {
          seen.push(`${m.messageId}#${m.deliveryCount}`);
          if (m.body === 'fail-once' && !failed.has(m.messageId as string)) {
            failed.add(m.messageId as string);
            throw new Error('transient');
          }
          if (seen.length === 3) setTimeout(resolve, 100);
        },
        async processError(args) {
          if ((args.error as Error).message !== 'transient') reject(args.error);
        },
      });
    });
    await done;
    expect(seen.sort()).toEqual(['sub-1#0', 'sub-2#0', 'sub-2#1']);
    expect(broker.namespace.peek('orders')).toEqual([]);
    await receiver.close();
  });

  it('peeks without locking, and schedules and cancels messages', async () => {
    const sender = client.createSender('orders');
    await sender.sendMessages({ body: 'visible', messageId: 'pk-1' });
    const at = new Date(Date.now() + 60_000);
    const [seq, cancelled] = await sender.scheduleMessages(
      [
        { body: 'due-later', messageId: 'sch-1' },
        { body: 'never', messageId: 'sch-2' },
      ],
      at,
    );
    await sender.cancelScheduledMessages(cancelled);
    const receiver = client.createReceiver('orders');
    const peeked = await receiver.peekMessages(10, { fromSequenceNumber: seq.subtract(5) });
    expect(peeked.map((m) => [m.messageId, m.state])).toEqual([
      ['pk-1', 'active'],
      ['sch-1', 'scheduled'],
    ]);
    expect(peeked[1].scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    expect(broker.namespace.peek('orders').map((m) => m.messageId)).toEqual(['pk-1', 'sch-1']);
    expect(await errorCode(sender.cancelScheduledMessages(cancelled))).toBe('MessageNotFound');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.completeMessage(m);
    await sender.cancelScheduledMessages(seq);
    expect(await receiver.peekMessages(10, { fromSequenceNumber: seq.subtract(5) })).toEqual([]);
    await receiver.close();
  });

  it('a topic fans out to the subscriptions whose rules match', async () => {
    await client.createSender('events').sendMessages([
      { body: 'p', messageId: 'ev-1', applicationProperties: { type: 'OrderPlaced' } },
      { body: 'c', messageId: 'ev-2', applicationProperties: { type: 'OrderCancelled' } },
    ]);
    const placed = client.createReceiver('events', 'placed');
    const all = client.createReceiver('events', 'all');
    const fromPlaced = await placed.receiveMessages(5, { maxWaitTimeInMs: 1000 });
    const fromAll: ServiceBusReceivedMessage[] = [];
    while (fromAll.length < 2) fromAll.push(...(await all.receiveMessages(5, { maxWaitTimeInMs: 1000 })));
    expect(fromPlaced.map((m) => m.messageId)).toEqual(['ev-1']);
    expect(fromAll.map((m) => m.messageId)).toEqual(['ev-1', 'ev-2']);
    await Promise.all([
      ...fromPlaced.map((m) => placed.completeMessage(m)),
      ...fromAll.map((m) => all.completeMessage(m)),
    ]);
    await placed.close();
    await all.close();
  });

  it('answers errors as the service does: unknown entity, oversize, wrong key', async () => {
    expect(await errorCode(client.createSender('nope').sendMessages({ body: 'x' }))).toBe('MessagingEntityNotFound');
    expect(await errorCode(client.createReceiver('nope').receiveMessages(1, { maxWaitTimeInMs: 500 }))).toBe(
      'MessagingEntityNotFound',
    );
    const big = { body: Buffer.alloc(300 * 1024, 1), messageId: 'big' };
    expect(await errorCode(client.createSender('orders').sendMessages(big))).toBe('MessageSizeExceeded');
    const wrong = broker.client(broker.connectionString.replace(KEY, 'not-the-key'));
    expect(await errorCode(wrong.createSender('orders').sendMessages({ body: 'x' }))).toBe('UnauthorizedAccess');
    // The broker is still up and took nothing from the failed sends.
    expect(broker.namespace.peek('orders')).toEqual([]);
    await client.createSender('orders').sendMessages({ body: 'still-up', messageId: 'up' });
    const [m] = broker.namespace.receive('orders', { mode: 'receiveAndDelete' });
    expect(m.messageId).toBe('up');
  });
});
