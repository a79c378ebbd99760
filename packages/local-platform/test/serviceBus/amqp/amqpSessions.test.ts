// Sessions through the real @azure/service-bus SDK against the local Service Bus over AMQP: acceptSession and
// acceptNextSession, ordering within a session, one receiver per session, session lock expiry and renewal, session
// state (kept across a restart), listing sessions, and what a session entity refuses. Every check reads what a
// receiver gets or the broker holds, not the SDK's echo of what it sent.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isServiceBusError, ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create_container, type Message } from 'rhea';
import { ServiceDatabase } from '../../../src/persistence/serviceDatabase';
import { createSasToken } from '../../../src/serviceBus/sasAuth';
import { AmqpBroker, KEY, KEY_NAME, startAmqpBroker } from './amqpBroker';

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: isServiceBusError(e) ? e.code : (e as Error).name, message: (e as Error).message };
  }
  return { code: 'no error', message: '' };
}

const ids = (messages: ServiceBusReceivedMessage[]): string[] => messages.map((m) => String(m.messageId));

describe('sessions through @azure/service-bus', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  const warnings: string[] = [];
  beforeAll(async () => {
    broker = await startAmqpBroker({ log: (_level, message) => warnings.push(message) });
    client = broker.client();
  });
  afterAll(async () => broker.close());

  it('acceptSession receives only that session, in order; acceptNextSession takes the session with the oldest message', async () => {
    const sender = client.createSender('sessions');
    await sender.sendMessages([
      { body: 'b1', messageId: 'b1', sessionId: 'cust-b' },
      { body: 'a1', messageId: 'a1', sessionId: 'cust-a' },
      { body: 'b2', messageId: 'b2', sessionId: 'cust-b' },
      { body: 'a2', messageId: 'a2', sessionId: 'cust-a' },
      { body: 'b3', messageId: 'b3', sessionId: 'cust-b' },
    ]);
    const a = await client.acceptSession('sessions', 'cust-a');
    expect(a.sessionId).toBe('cust-a');
    const lockedFor = a.sessionLockedUntilUtc!.getTime() - Date.now();
    expect(lockedFor).toBeGreaterThan(25_000);
    expect(lockedFor).toBeLessThanOrEqual(30_500);
    const fromA = await a.receiveMessages(10, { maxWaitTimeInMs: 1000 });
    expect(ids(fromA)).toEqual(['a1', 'a2']);
    expect(fromA.every((m) => m.sessionId === 'cust-a')).toBe(true);

    const next = await client.acceptNextSession('sessions');
    expect(next.sessionId).toBe('cust-b');
    const fromB: ServiceBusReceivedMessage[] = [];
    while (fromB.length < 3) fromB.push(...(await next.receiveMessages(3, { maxWaitTimeInMs: 1000 })));
    expect(ids(fromB)).toEqual(['b1', 'b2', 'b3']);
    // An abandoned message comes back first, in its place, with its delivery counted.
    await next.abandonMessage(fromB[0]);
    const [again] = await next.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(again.messageId).toBe('b1');
    expect(again.deliveryCount).toBe(1);
    await Promise.all([...fromA.map((m) => a.completeMessage(m)), next.completeMessage(again)]);
    await Promise.all(fromB.slice(1).map((m) => next.completeMessage(m)));
    expect(broker.namespace.peek('sessions')).toEqual([]);
    await a.close();
    await next.close();
  });

  it('lets one receiver hold a session: a second is refused with SessionCannotBeLocked until the first closes', async () => {
    await client.createSender('sessions').sendMessages({ body: 'x', messageId: 'held-1', sessionId: 'held' });
    const first = await client.acceptSession('sessions', 'held');
    const refused = await errorOf(client.acceptSession('sessions', 'held'));
    expect(refused.code).toBe('SessionCannotBeLocked');
    const [m] = await first.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m.messageId).toBe('held-1');
    // Closing with the message unsettled releases the session; the message waits for the next holder.
    await first.close();
    const second = await client.acceptSession('sessions', 'held');
    const [redelivered] = await second.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(redelivered).toMatchObject({ messageId: 'held-1', deliveryCount: 1 });
    await second.completeMessage(redelivered);
    await second.close();
  });

  it('acceptNextSession waits for a session to become free, and times out with ServiceTimeout when none does', async () => {
    const impatient = new ServiceBusClient(broker.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 1500 },
    });
    const started = Date.now();
    const timedOut = await errorOf(impatient.acceptNextSession('sessions'));
    expect(timedOut.code).toBe('ServiceTimeout');
    expect(Date.now() - started).toBeGreaterThan(500);
    await impatient.close();

    const waiting = client.acceptNextSession('sessions');
    await new Promise((r) => setTimeout(r, 300));
    await client.createSender('sessions').sendMessages({ body: 'late', messageId: 'late-1', sessionId: 'late' });
    const receiver = await waiting;
    expect(receiver.sessionId).toBe('late');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m.messageId).toBe('late-1');
    await receiver.completeMessage(m);
    await receiver.close();
  });

  it('receivers asking for the next session at once each get a different one, and every message exactly once', async () => {
    const sessions = Array.from({ length: 6 }, (_, i) => `par-${i}`);
    await client
      .createSender('sessions')
      .sendMessages(
        sessions.flatMap((id) =>
          Array.from({ length: 5 }, (_, n) => ({ body: n, messageId: `${id}#${n}`, sessionId: id })),
        ),
      );
    const receivers = await Promise.all(sessions.map(() => client.acceptNextSession('sessions')));
    expect(new Set(receivers.map((r) => r.sessionId)).size).toBe(sessions.length);
    const got = await Promise.all(
      receivers.map(async (r) => {
        const ids: string[] = [];
        while (ids.length < 5) {
          const batch = await r.receiveMessages(5, { maxWaitTimeInMs: 1000 });
          if (!batch.length) break;
          for (const m of batch) {
            ids.push(String(m.messageId));
            await r.completeMessage(m);
          }
        }
        await r.close();
        return { session: r.sessionId!, ids };
      }),
    );
    for (const { session, ids } of got) expect(ids).toEqual(Array.from({ length: 5 }, (_, n) => `${session}#${n}`));
    expect(broker.namespace.peek('sessions')).toEqual([]);
  });

  it('a client that drops while waiting for a session locks nothing: the session goes to the next receiver', async () => {
    const port = Number(/:(\d+);/.exec(broker.connectionString)![1]);
    const connection = create_container().connect({ host: '127.0.0.1', port, reconnect: false });
    const reply = connection.open_receiver({ name: 'cbs-reply', source: { address: '$cbs' } });
    const cbs = connection.open_sender({ target: { address: '$cbs' } });
    await new Promise((r) => cbs.once('sendable', r));
    const audience = `sb://127.0.0.1:${port}/sessions`;
    cbs.send({
      body: createSasToken(audience, KEY_NAME, KEY, Date.now() + 60_000),
      message_id: 'put-1',
      reply_to: 'cbs-reply',
      application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
    } as Message);
    await new Promise((r) => reply.once('message', r));
    connection.open_receiver({
      source: { address: 'sessions', filter: { 'com.microsoft:session-filter': null } },
      credit_window: 0,
    });
    await new Promise((r) => setTimeout(r, 200));
    (connection as unknown as { socket: { destroy(): void } }).socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await client.createSender('sessions').sendMessages({ body: 'x', messageId: 'after-drop', sessionId: 'dropped' });
    const receiver = await client.acceptSession('sessions', 'dropped');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m.messageId).toBe('after-drop');
    await receiver.completeMessage(m);
    await receiver.close();
  });

  it('a session lock that expires loses the session (SessionLockLost) and its messages come back with the delivery count + 1', async () => {
    await client.createSender('short-sessions').sendMessages({ body: 'slow', messageId: 'slow-1', sessionId: 'slow' });
    const receiver = await client.acceptSession('short-sessions', 'slow', { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(m.deliveryCount).toBe(0);
    const before = receiver.sessionLockedUntilUtc!.getTime();
    await new Promise((r) => setTimeout(r, 400));
    const renewed = await receiver.renewSessionLock();
    expect(renewed.getTime()).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 1400));
    const lost = await errorOf(receiver.completeMessage(m));
    expect(['SessionLockLost', 'MessageLockLost']).toContain(lost.code);
    await receiver.close();
    const again = await client.acceptSession('short-sessions', 'slow', { maxAutoLockRenewalDurationInMs: 0 });
    const [redelivered] = await again.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(redelivered).toMatchObject({ messageId: 'slow-1', deliveryCount: 1 });
    await again.completeMessage(redelivered);
    await again.close();
  });

  it('keeps session state, lists sessions, and defers within a session', async () => {
    await client.createSender('sessions').sendMessages([
      { body: 's1', messageId: 'st-1', sessionId: 'stateful' },
      { body: 's2', messageId: 'st-2', sessionId: 'stateful' },
      { body: 'o1', messageId: 'other-1', sessionId: 'other' },
    ]);
    const receiver = await client.acceptSession('sessions', 'stateful');
    expect(await receiver.getSessionState()).toBeNull();
    await receiver.setSessionState({ step: 2 });
    expect(await receiver.getSessionState()).toEqual({ step: 2 });
    const tooBig = await errorOf(receiver.setSessionState(Buffer.alloc(300 * 1024, 1)));
    expect(tooBig).toMatchObject({ code: 'MessageSizeExceeded', message: expect.stringMatching(/session state/) });
    expect(await receiver.getSessionState()).toEqual({ step: 2 });
    expect(broker.namespace.sessionIds('sessions')).toContain('stateful');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await receiver.deferMessage(first);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(second.messageId).toBe('st-2');
    const [deferred] = await receiver.receiveDeferredMessages(first.sequenceNumber!);
    expect(deferred.messageId).toBe('st-1');
    // The SDK exposes listing sessions only on its management client; this is its request, unchanged.
    const management = (
      client as unknown as {
        _connectionContext: {
          getManagementClient(entity: string): {
            listMessageSessions(skip: number, top: number, lastUpdatedTime?: Date): Promise<string[]>;
          };
        };
      }
    )._connectionContext.getManagementClient('sessions');
    expect(await management.listMessageSessions(0, 10)).toEqual(['other', 'stateful']);
    expect(await management.listMessageSessions(1, 10)).toEqual(['stateful']);
    // Nothing was enqueued or set after this time.
    expect(await management.listMessageSessions(0, 10, new Date(Date.now() + 60_000))).toEqual([]);
    await receiver.completeMessage(second);
    await receiver.completeMessage(deferred);
    await receiver.close();
    const other = await client.acceptSession('sessions', 'other');
    const [o] = await other.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await other.completeMessage(o);
    await other.close();
    // 'other' is gone with its last message; 'stateful' stays listed while it keeps a state.
    expect(await management.listMessageSessions(0, 10)).toEqual(['stateful']);
  });

  it('refuses what a session entity cannot take: a message without SessionId, a receiver without a session', async () => {
    const refused = await errorOf(client.createSender('sessions').sendMessages({ body: 'x', messageId: 'nosession' }));
    expect(refused.message).toMatch(/no SessionId.*requires sessions/);
    const plain = await errorOf(client.createReceiver('sessions').receiveMessages(1, { maxWaitTimeInMs: 500 }));
    expect(plain.message).toMatch(/requires sessions.*acceptSession/);
    // The SDK replaces the broker's reason with its own words here; the code is the service's.
    expect((await errorOf(client.acceptSession('orders', 'x'))).code).toBe('SessionCannotBeLocked');
    expect(warnings.join('\n')).toMatch(/'orders' does not require sessions/);
    expect(broker.namespace.peek('sessions')).toEqual([]);
    // A topic cannot refuse one subscription's copy: it goes to that subscription's dead-letter queue, with the reason.
    await client.createSender('events').sendMessages({ body: 'e', messageId: 'ev-nosession' });
    const dlq = client.createReceiver('events', 'by-customer', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead).toMatchObject({ messageId: 'ev-nosession', deadLetterReason: 'SessionIdIsMissing' });
    await dlq.completeMessage(dead);
    await dlq.close();
    await client.createSender('events').sendMessages({ body: 'e', messageId: 'ev-session', sessionId: 'c1' });
    const bySession = await client.acceptSession('events', 'by-customer', 'c1');
    const [copy] = await bySession.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(copy).toMatchObject({ messageId: 'ev-session', sessionId: 'c1' });
    await bySession.completeMessage(copy);
    await bySession.close();
  });
});

describe('sessions survive a restart', () => {
  it('keeps session messages and state in the store; locks do not survive', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sessions-'));
    const file = path.join(dir, 'services.sqlite');
    let database = new ServiceDatabase({ location: file });
    let broker = await startAmqpBroker({ database });
    let client = broker.client();
    await client.createSender('sessions').sendMessages([
      { body: 'k1', messageId: 'k1', sessionId: 'kept' },
      { body: 'k2', messageId: 'k2', sessionId: 'kept' },
    ]);
    const held = await client.acceptSession('sessions', 'kept');
    await held.setSessionState('checkpoint-1');
    const [k1] = await held.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(k1.messageId).toBe('k1');
    // The state and the delivery count were acknowledged: they are durable. The platform dies here.
    await broker.close();
    await database.close();

    database = new ServiceDatabase({ location: file });
    broker = await startAmqpBroker({ database });
    client = broker.client();
    const after = await client.acceptNextSession('sessions');
    expect(after.sessionId).toBe('kept');
    expect(await after.getSessionState()).toBe('checkpoint-1');
    const got: ServiceBusReceivedMessage[] = [];
    while (got.length < 2) got.push(...(await after.receiveMessages(2, { maxWaitTimeInMs: 1000 })));
    expect(got.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['k1', 1],
      ['k2', 0],
    ]);
    await Promise.all(got.map((m) => after.completeMessage(m)));
    await after.close();
    await broker.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
