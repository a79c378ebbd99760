// Bad input at the local Service Bus's AMQP endpoint: malformed frames, a client that drops in the middle of a
// transfer, a handler that outlives its lock, a message over the size limit, an unknown entity. Each gets a clear
// answer (or loses its own connection), the broker keeps serving everyone else, and what it acknowledged stays.
import * as net from 'node:net';
import { isServiceBusError } from '@azure/service-bus';
import Long from 'long';
import { create_container, type Connection, type EventContext, type Message } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceBusAmqpListener } from '../../../src/serviceBus/amqp';
import { createSasToken } from '../../../src/serviceBus/sasAuth';
import { AmqpBroker, KEY, KEY_NAME, startAmqpBroker } from './amqpBroker';

const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]);

/** Writes bytes to the endpoint and resolves when the broker closes the socket (or rejects after 3 s). */
function closedAfter(port: number, ...chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => chunks.forEach((c) => socket.write(c)));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the broker kept a connection open after malformed input'));
    }, 3000);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function once<T>(emitter: { once(event: string, listener: (c: EventContext) => void): unknown }, event: string) {
  return new Promise<T>((resolve) => emitter.once(event, (c: EventContext) => resolve(c as T)));
}

/** A bare rhea client that authorises itself on $cbs as the SDK does. */
async function rawClient(port: number): Promise<Connection> {
  const connection = create_container().connect({ host: '127.0.0.1', port, username: KEY_NAME, reconnect: false });
  const reply = connection.open_receiver({ name: 'cbs-reply', source: { address: '$cbs' } });
  const cbs = connection.open_sender({ target: { address: '$cbs' } });
  await once(cbs, 'sendable');
  const audience = `sb://127.0.0.1:${port}/orders`;
  cbs.send({
    body: createSasToken(audience, KEY_NAME, KEY, Date.now() + 60_000),
    message_id: 'put-1',
    reply_to: 'cbs-reply',
    application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
  } as Message);
  const answer = await once<EventContext>(reply, 'message');
  expect(answer.message?.application_properties?.['status-code']).toBe(202);
  return connection;
}

describe('the AMQP endpoint under bad input', () => {
  let broker: AmqpBroker;
  let port: number;
  const warnings: string[] = [];
  beforeAll(async () => {
    broker = await startAmqpBroker({ log: (_level, message) => warnings.push(message) });
    port = Number(/:(\d+);/.exec(broker.connectionString)![1]);
  });
  afterAll(async () => broker.close());

  async function stillServes(id: string): Promise<void> {
    const client = broker.client();
    await client.createSender('orders').sendMessages({ body: Buffer.from(id), messageId: id });
    const receiver = client.createReceiver('orders');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m.messageId).toBe(id);
    await receiver.completeMessage(m);
    await receiver.close();
  }

  it('drops a connection that sends malformed frames or is not AMQP at all, and serves the next client', async () => {
    broker.namespace.send('orders', { body: 'kept', messageId: 'acknowledged-before' });
    // A frame header announcing 12 bytes of type 0 on channel 0 whose body is not an AMQP performative.
    const garbageFrame = Buffer.from([0, 0, 0, 12, 2, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
    await closedAfter(port, AMQP_HEADER, garbageFrame);
    await closedAfter(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closedAfter(port, Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x09, 0x09, 0x09, 0x09]));
    expect(broker.namespace.peek('orders').map((m) => m.messageId)).toEqual(['acknowledged-before']);
    broker.namespace.receive('orders', { mode: 'receiveAndDelete' });
    await stillServes('after-garbage');
  });

  it('a frame over the announced max-frame-size (256 KB) closes that connection before the broker buffers it', async () => {
    const logged = warnings.length;
    // A frame header announcing 1 GB: rhea alone would wait for (and hold) all of it.
    const huge = Buffer.from([0x40, 0, 0, 0, 2, 0, 0, 0]);
    const open = Buffer.alloc(64 * 1024, 0);
    await closedAfter(port, AMQP_HEADER, huge, open);
    expect(warnings.slice(logged).join('\n')).toMatch(/frame of 1073741824 bytes; .*max-frame-size of 262144/);
    await stillServes('after-huge-frame');
  });

  it('a message over the size limit is refused with message-size-exceeded; a flood over several frames ends the connection', async () => {
    const connection = await rawClient(port);
    const sender = connection.open_sender({ target: { address: 'orders' } });
    await once(sender, 'sendable');
    expect((connection as unknown as { remote: { open: { max_frame_size: number } } }).remote.open.max_frame_size).toBe(
      256 * 1024,
    );
    sender.send({ body: Buffer.alloc(300 * 1024, 1), message_id: 'over' } as Message);
    const refused = await once<EventContext>(sender, 'rejected');
    expect((refused.delivery?.remote_state as { error?: { condition?: string } }).error?.condition).toBe(
      'amqp:link:message-size-exceeded',
    );
    const logged = warnings.length;
    const closed = new Promise<void>((resolve) => connection.once('disconnected', () => resolve()));
    sender.send({ body: Buffer.alloc(2 * 1024 * 1024, 2), message_id: 'flood' } as Message);
    await closed;
    expect(warnings.slice(logged).join('\n')).toMatch(/message of more than 524288 bytes over several frames/);
    expect(broker.namespace.peek('orders')).toEqual([]);
    await stillServes('after-flood');
  });

  it('a client that drops in the middle of a transfer leaves nothing half-sent; what was accepted stays', async () => {
    const connection = await rawClient(port);
    const sender = connection.open_sender({ target: { address: 'orders' } });
    await once(sender, 'sendable');
    sender.send({ body: 'whole', message_id: 'whole-1' } as Message);
    await once(sender, 'accepted');
    const socket = (connection as unknown as { socket: net.Socket }).socket;
    const write = socket.write.bind(socket);
    socket.write = ((chunk: Buffer) => {
      write(chunk.subarray(0, Math.floor(chunk.length / 2)));
      socket.destroy();
      return true;
    }) as typeof socket.write;
    sender.send({ body: Buffer.alloc(20_000, 7), message_id: 'half-1' } as Message);
    await new Promise((r) => setTimeout(r, 300));
    expect(broker.namespace.peek('orders').map((m) => m.messageId)).toEqual(['whole-1']);
    broker.namespace.receive('orders', { mode: 'receiveAndDelete' });
    await stillServes('after-drop');
  });

  it('a handler that outlives its lock loses it; the message comes back with the delivery count + 1', async () => {
    const client = broker.client();
    await client.createSender('short-lock').sendMessages({ body: 'slow', messageId: 'slow-1' });
    const receiver = client.createReceiver('short-lock', { maxAutoLockRenewalDurationInMs: 0 });
    const deliveries: number[] = [];
    const errors: string[] = [];
    await new Promise<void>((resolve) => {
      receiver.subscribe({
        async processMessage(m) {
          deliveries.push(m.deliveryCount!);
          if (deliveries.length === 1) await new Promise((r) => setTimeout(r, 1500));
          else setTimeout(resolve, 100);
        },
        async processError(args) {
          errors.push(isServiceBusError(args.error) ? args.error.code : String(args.error));
        },
      });
    });
    await receiver.close();
    expect(deliveries).toEqual([0, 1]);
    expect(errors).toContain('MessageLockLost');
    expect(broker.namespace.peek('short-lock')).toEqual([]);
  });

  it('answers more $management requests than a session window holds (2,048), and stays up', async () => {
    const client = broker.client();
    await client.createSender('bulk').sendMessages({ body: 'peek me', messageId: 'peeked' });
    const receiver = client.createReceiver('bulk');
    let next = 0;
    let answered = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next++ < 2100) {
          const [m] = await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) });
          if (m?.messageId === 'peeked') answered++;
        }
      }),
    );
    expect(answered).toBe(2100);
    broker.namespace.receive('bulk', { mode: 'receiveAndDelete' });
    await receiver.close();
    await stillServes('after-many-requests');
  });

  it('a port already taken stops the listener with what to do, and the running one is untouched', async () => {
    const second = new ServiceBusAmqpListener(broker.namespace, { port, keyName: KEY_NAME, key: KEY });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE.*LOCAL_SERVICEBUS_AMQP_PORT/s);
    await second.close();
    await stillServes('after-port-clash');
  });

  it('refuses an oversize message and an unknown entity with the service errors, then keeps serving', async () => {
    const client = broker.client();
    const big = client.createSender('orders').sendMessages({ body: Buffer.alloc(257 * 1024), messageId: 'big' });
    await expect(big).rejects.toMatchObject({ code: 'MessageSizeExceeded' });
    const unknown = client.createReceiver('no-such-queue').receiveMessages(1, { maxWaitTimeInMs: 500 });
    await expect(unknown).rejects.toMatchObject({
      code: 'MessagingEntityNotFound',
      message: expect.stringMatching(/no-such-queue.*Known entities: orders/s),
    });
    expect(broker.namespace.peek('orders')).toEqual([]);
    await stillServes('after-refusals');
  });
});
