// The Service Bus trigger host: binding validation at start-up, peek-lock delivery with complete/abandon,
// MaxDeliveryCount dead-lettering, concurrency and batches, lock renewal on the virtual clock, stop(); and,
// through the real @azure/functions programming model, the body and triggerMetadata a handler receives.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { currentProgrammingModel, withRegistrationSink } from '../../src/functionsHost/coreApi';
import { FunctionInvoker, InvocationInput } from '../../src/functionsHost/invoker';
import { FunctionRegistry, RegisteredFunction } from '../../src/functionsHost/registry';
import {
  buildServiceBusTriggers,
  ServiceBusTriggerConfigError,
  ServiceBusTriggerHost,
  ServiceBusTriggerHostOptions,
} from '../../src/functionsHost/serviceBusTriggers';
import { ServiceDatabase } from '../../src/persistence/serviceDatabase';
import { parseServiceBusConfig } from '../../src/serviceBus/config';
import { ServiceBusNamespace } from '../../src/serviceBus/namespace';

const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          { Name: 'orders', Properties: { MaxDeliveryCount: 3, LockDuration: 'PT30S' } },
          { Name: 'jobs', Properties: { LockDuration: 'PT30S' } },
          { Name: 'by-customer', Properties: { RequiresSession: true, MaxDeliveryCount: 3, LockDuration: 'PT30S' } },
        ],
        Topics: [{ Name: 'events', Subscriptions: [{ Name: 'audit' }] }],
      },
    ],
  },
};

let clock: VirtualClock;
let ns: ServiceBusNamespace;
let host: ServiceBusTriggerHost | undefined;
let logs: string[];
let inFlight = 0;
const track = <T>(p: Promise<T>): Promise<T> => {
  inFlight++;
  return p.finally(() => inFlight--);
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Like the platform's whenIdle: no invocation running, twice in a row. */
async function idle(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await tick();
    if (inFlight === 0) {
      await tick();
      if (inFlight === 0) return;
    }
  }
  throw new Error('the trigger host did not go idle');
}

function fnOf(name: string, binding: Record<string, unknown>): RegisteredFunction {
  const trigger = {
    type: 'serviceBusTrigger',
    direction: 'in' as const,
    name: 'message',
    connection: 'SB',
    ...binding,
  };
  return {
    name,
    metadata: { name, bindings: { message: trigger } },
    handler: () => undefined,
    triggerBindingName: 'message',
    trigger,
  };
}

function startHost(
  functions: RegisteredFunction[],
  invoke: (fn: RegisteredFunction, input: InvocationInput) => Promise<unknown>,
  options?: ServiceBusTriggerHostOptions,
): ServiceBusTriggerHost {
  const triggers = buildServiceBusTriggers(functions, ns, (t) => t.replace(/%ORDERS_QUEUE%/g, 'orders'));
  host = new ServiceBusTriggerHost(
    triggers,
    ns,
    clock,
    invoke,
    (level, m) => logs.push(`${level}: ${m}`),
    track,
    options,
  );
  host.start();
  return host;
}

beforeEach(() => {
  clock = new VirtualClock(START);
  ns = new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'local/servicebus.config.json'), clock);
  logs = [];
  inFlight = 0;
});

afterEach(async () => {
  await host?.stop();
  host = undefined;
  ns.close();
});

describe('binding validation at start-up', () => {
  const build = (binding: Record<string, unknown>): unknown =>
    buildServiceBusTriggers([fnOf('onThing', binding)], ns, (t) => {
      if (t.includes('%MISSING%')) throw new Error('refers to %MISSING%, but no app setting MISSING exists.');
      return t;
    });

  it('a missing entity names the function, the entity and the config file to add it to', () => {
    expect(() => build({ queueName: 'ordres' })).toThrow(ServiceBusTriggerConfigError);
    expect(() => build({ queueName: 'ordres' })).toThrow(
      /function 'onThing' listens to 'ordres', which the local Service Bus namespace does not have .*Add \{ "Name": "ordres" \} to UserConfig\.Namespaces\[0\]\.Queues in local\/servicebus\.config\.json/,
    );
    expect(() => build({ topicName: 'events', subscriptionName: 'billing' })).toThrow(
      /'events\/Subscriptions\/billing'.*Add topic 'events' with subscription \{ "Name": "billing" \}/,
    );
  });

  it('resolves %SETTING% references and reports unresolved ones with the function name', () => {
    const [t] = buildServiceBusTriggers([fnOf('onOrder', { queueName: '%ORDERS_QUEUE%' })], ns, (x) =>
      x.replace('%ORDERS_QUEUE%', 'ORDERS'),
    );
    expect(t).toMatchObject({ entityPath: 'orders', cardinality: 'one', autoCompleteMessages: true });
    expect(() => build({ queueName: '%MISSING%' })).toThrow(/function 'onThing' \(queueName\): refers to %MISSING%/);
  });

  it('rejects a session mismatch, a binding without an entity, and an unknown cardinality', () => {
    expect(() => build({ queueName: 'orders', isSessionsEnabled: true })).toThrow(
      /sets isSessionsEnabled, but 'orders' does not require sessions/,
    );
    expect(() => build({ queueName: 'by-customer' })).toThrow(/requires sessions: set isSessionsEnabled: true/);
    expect(build({ queueName: 'by-customer', isSessionsEnabled: true })).toMatchObject([{ sessions: true }]);
    expect(() => build({})).toThrow(/needs either queueName .* or topicName and subscriptionName/);
    expect(() => build({ topicName: 'events' })).toThrow(/needs either queueName/);
    expect(() => build({ queueName: 'orders', cardinality: 'some' })).toThrow(/cardinality must be 'one' or 'many'/);
  });
});

describe('dynamic concurrency: no new message while the host reports overload', () => {
  it('leaves messages in their queue while a (stub) health check reports overload, and delivers them once it clears', async () => {
    let overloaded = true;
    const seen: unknown[] = [];
    startHost([fnOf('onOrder', { queueName: 'orders' })], async (_fn, input) => void seen.push(input.trigger), {
      health: { overload: () => (overloaded ? { reason: 'durable backlog', retryAfterSeconds: 1 } : undefined) },
      healthRecheckMs: 10,
    });
    ns.send('orders', { body: { id: 1 } });
    ns.send('orders', { body: { id: 2 } });
    await idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    expect(ns.counts('orders')).toMatchObject({ active: 2, deadLetter: 0 });
    overloaded = false;
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await idle();
    expect(seen).toHaveLength(2);
    expect(ns.counts('orders')).toMatchObject({ active: 0, deadLetter: 0 });
  });
});

describe('session-enabled functions (isSessionsEnabled)', () => {
  it('works through each session in order, one invocation per session at a time, sessions side by side', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const runningBySession = new Map<string, number>();
    const failedOnce = new Set<string>();
    startHost(
      [fnOf('onCustomer', { queueName: 'by-customer', isSessionsEnabled: true })],
      async (_fn, input) => {
        const session = input.triggerMetadata!.SessionId.string!;
        const id = input.triggerMetadata!.MessageId.string!;
        running++;
        most = Math.max(most, running);
        runningBySession.set(session, (runningBySession.get(session) ?? 0) + 1);
        expect(runningBySession.get(session)).toBe(1);
        events.push(`${session}:${id}`);
        await tick();
        running--;
        runningBySession.set(session, runningBySession.get(session)! - 1);
        if (id === 'a2' && !failedOnce.has(id)) {
          failedOnce.add(id);
          throw new Error('transient');
        }
      },
      { maxConcurrentSessions: 2 },
    );
    ns.send('by-customer', [
      { body: 'x', messageId: 'a1', sessionId: 'A' },
      { body: 'x', messageId: 'b1', sessionId: 'B' },
      { body: 'x', messageId: 'a2', sessionId: 'A' },
      { body: 'x', messageId: 'b2', sessionId: 'B' },
      { body: 'x', messageId: 'a3', sessionId: 'A' },
      { body: 'x', messageId: 'c1', sessionId: 'C' },
    ]);
    await idle();
    const of = (session: string) => events.filter((e) => e.startsWith(`${session}:`));
    // The failed a2 comes back before a3: a session's order holds through an abandon.
    expect(of('A')).toEqual(['A:a1', 'A:a2', 'A:a2', 'A:a3']);
    expect(of('B')).toEqual(['B:b1', 'B:b2']);
    expect(of('C')).toEqual(['C:c1']);
    expect(most).toBe(2);
    expect(ns.counts('by-customer')).toMatchObject({ active: 0, deadLetter: 0 });
  });

  it('renews the session lock while a long invocation runs; past maxAutoLockRenewalDuration the session is lost', async () => {
    const release: (() => void)[] = [];
    let calls = 0;
    startHost(
      [fnOf('onCustomer', { queueName: 'by-customer', isSessionsEnabled: true })],
      () => {
        calls++;
        return new Promise<void>((resolve) => release.push(resolve));
      },
      { maxAutoLockRenewalDurationMs: 90_000 },
    );
    ns.send('by-customer', { body: 'x', messageId: 'long', sessionId: 'L' });
    await tick();
    await clock.advance(80_000, tick); // the session lock is 30 s; renewals keep it
    expect(calls).toBe(1);
    expect(ns.counts('by-customer').locked).toBe(1);
    await clock.advance(40_000, tick); // renewal stops after 90 s: the session lock lapses, the message comes back
    expect(logs.some((l) => /warn: .*lock on session 'L' of 'by-customer' expired/.test(l))).toBe(true);
    expect(calls).toBe(2);
    release.shift()!();
    release.shift()!();
    await idle();
    expect(ns.counts('by-customer')).toMatchObject({ active: 0, deadLetter: 0 });
  });
});

describe('delivery with a stub invoker', () => {
  it('a successful invocation completes the message', async () => {
    const seen: InvocationInput[] = [];
    startHost([fnOf('onOrder', { queueName: 'orders' })], async (_fn, input) => void seen.push(input));
    ns.send('orders', { body: { id: 1 }, messageId: 'o-1' });
    await idle();
    expect(seen).toHaveLength(1);
    expect(seen[0].trigger).toEqual({ json: '{"id":1}' });
    expect(seen[0].triggerMetadata!.MessageId).toEqual({ string: 'o-1' });
    expect(ns.counts('orders')).toMatchObject({ active: 0, deadLetter: 0 });
  });

  it('messages already waiting at start are delivered; text bodies arrive as strings, dataType binary as bytes', async () => {
    ns.send('orders', { body: 'plain text' });
    ns.send('jobs', { body: Buffer.from([1, 2, 3]) });
    const seen: Record<string, unknown> = {};
    startHost(
      [fnOf('a', { queueName: 'orders' }), fnOf('b', { queueName: 'jobs', dataType: 'binary' })],
      async (fn, input) => void (seen[fn.name] = input.trigger),
    );
    await idle();
    expect(seen.a).toEqual({ string: 'plain text' });
    expect(seen.b).toEqual({ bytes: new Uint8Array([1, 2, 3]) });
  });

  it('a throwing function abandons: delivery count climbs, then MaxDeliveryCount dead-letters, each failure logged', async () => {
    const counts: number[] = [];
    startHost([fnOf('onOrder', { queueName: 'orders' })], async (_fn, input) => {
      counts.push(JSON.parse(input.triggerMetadata!.DeliveryCount.json!) as number);
      throw new Error('payment gateway down');
    });
    ns.send('orders', { body: 'x', messageId: 'o-7' });
    await idle();
    expect(counts).toEqual([1, 2, 3]);
    expect(ns.counts('orders')).toMatchObject({ active: 0, deadLetter: 1 });
    expect(ns.peek('orders/$DeadLetterQueue')[0]).toMatchObject({
      messageId: 'o-7',
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'Message could not be consumed after 3 delivery attempts.',
    });
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(
      /^error: Service Bus function 'onOrder' threw on message 'o-7' \(delivery 1 of 3\) from 'orders'; it is abandoned and will be redelivered: Error: payment gateway down/,
    );
    expect(logs[2]).toMatch(/delivery 3 of 3.*MaxDeliveryCount is reached, so it goes to the dead-letter queue/);
  });

  it('invokes the function only once the delivery is counted durably, so a crash in it still counts', async () => {
    ns.close();
    const db = new ServiceDatabase({ location: ':memory:' });
    ns = new ServiceBusNamespace(parseServiceBusConfig(CONFIG, 'local/servicebus.config.json'), clock, {
      database: db,
    });
    const countsAtInvocation: unknown[] = [];
    startHost([fnOf('onOrder', { queueName: 'orders' })], async () => {
      countsAtInvocation.push(db.db.prepare('SELECT delivery_count FROM sb_messages').all());
    });
    ns.send('orders', { body: 'x' });
    await idle();
    expect(countsAtInvocation).toEqual([[{ delivery_count: 1 }]]);
    await ns.whenCommitted();
    expect(db.db.prepare('SELECT COUNT(*) AS n FROM sb_messages').get()).toEqual({ n: 0 });
    await db.close();
  });

  it('runs at most maxConcurrentCalls invocations at once', async () => {
    const release: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    startHost(
      [fnOf('onJob', { queueName: 'jobs' })],
      () =>
        new Promise<void>((resolve) => {
          running++;
          peak = Math.max(peak, running);
          release.push(() => {
            running--;
            resolve();
          });
        }),
      { maxConcurrentCalls: 2 },
    );
    ns.send(
      'jobs',
      [1, 2, 3, 4, 5].map((n) => ({ body: n })),
    );
    for (let i = 0; i < 5; i++) await tick();
    expect(release).toHaveLength(2);
    while (release.length) {
      release.shift()!();
      for (let i = 0; i < 5; i++) await tick();
    }
    await idle();
    expect(peak).toBe(2);
    expect(ns.counts('jobs').active).toBe(0);
  });

  it("cardinality 'many' delivers batches of at most maxMessageBatchSize, one batch at a time", async () => {
    const batches: unknown[][] = [];
    startHost(
      [fnOf('onEvents', { topicName: 'events', subscriptionName: 'audit', cardinality: 'many' })],
      async (_fn, input) => {
        batches.push(JSON.parse(input.trigger!.json!) as unknown[]);
        const ids = (input.triggerMetadata!.MessageIdArray as { collectionString: { string: string[] } })
          .collectionString.string;
        expect(ids).toHaveLength(batches[batches.length - 1].length);
      },
      { maxMessageBatchSize: 3 },
    );
    ns.send(
      'events',
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ body: n, messageId: `e-${n}` })),
    );
    await idle();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(ns.counts('events/Subscriptions/audit').active).toBe(0);
  });

  it('renews the lock while a long invocation runs, up to maxAutoLockRenewalDuration', async () => {
    const release: (() => void)[] = [];
    let calls = 0;
    startHost(
      [fnOf('slow', { queueName: 'jobs' })],
      () => {
        calls++;
        return new Promise<void>((resolve) => release.push(resolve));
      },
      { maxAutoLockRenewalDurationMs: 90_000 },
    );
    ns.send('jobs', { body: 'long', messageId: 'long' });
    await tick();
    await clock.advance(80_000, tick); // lock is 30 s; renewals keep it
    expect(calls).toBe(1);
    expect(ns.counts('jobs').locked).toBe(1);
    await clock.advance(40_000, tick); // renewal stops after 90 s: the lock lapses and the message is redelivered
    expect(calls).toBe(2);
    release.shift()!();
    await tick();
    expect(logs.some((l) => /warn: .*lock on message 'long' was lost before the host could complete it/.test(l))).toBe(
      true,
    );
    release.shift()!();
    await idle();
    expect(ns.counts('jobs').active).toBe(0);
  });

  it('autoCompleteMessages false leaves settlement to the lock: the message comes back when the lock expires', async () => {
    let calls = 0;
    startHost([fnOf('manual', { queueName: 'jobs', autoCompleteMessages: false })], async () => void calls++);
    expect(logs[0]).toMatch(/autoCompleteMessages false/);
    ns.send('jobs', { body: 1 });
    await idle();
    expect(ns.counts('jobs').locked).toBe(1);
    await clock.advance(30_000, idle);
    expect(calls).toBe(2);
  });

  it('stop() stops delivery and waits for running invocations', async () => {
    let finish!: () => void;
    let calls = 0;
    startHost([fnOf('onJob', { queueName: 'jobs' })], () => {
      calls++;
      return new Promise<void>((r) => (finish = r));
    });
    ns.send('jobs', { body: 1 });
    await tick();
    let stopped = false;
    const stopping = host!.stop().then(() => (stopped = true));
    ns.send('jobs', { body: 2 });
    await tick();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(calls).toBe(1);
    expect(ns.counts('jobs').active).toBe(1);
  });
});

describe('through the real @azure/functions programming model', () => {
  interface Call {
    name: string;
    message: unknown;
    metadata: Record<string, unknown>;
  }
  let calls: Call[];
  let registry: FunctionRegistry;

  beforeEach(async () => {
    calls = [];
    registry = new FunctionRegistry();
    await withRegistrationSink(registry, async () => {
      const { app } = createRequire(path.resolve(__dirname, '../../package.json'))(
        '@azure/functions',
      ) as typeof import('@azure/functions');
      app.serviceBusQueue('onOrder', {
        connection: 'ServiceBusConnection',
        queueName: '%ORDERS_QUEUE%',
        handler: async (message, context) => {
          calls.push({ name: 'onOrder', message, metadata: context.triggerMetadata as Record<string, unknown> });
          if ((message as { fail?: boolean }).fail) throw new Error('handler failed');
        },
      });
      app.serviceBusTopic('onEvents', {
        connection: 'ServiceBusConnection',
        topicName: 'events',
        subscriptionName: 'audit',
        cardinality: 'many',
        handler: async (messages, context) => {
          calls.push({
            name: 'onEvents',
            message: messages,
            metadata: context.triggerMetadata as Record<string, unknown>,
          });
        },
      });
    });
    registry.programmingModel ??= currentProgrammingModel();
  });

  const start = (): void => {
    const invoker = new FunctionInvoker(registry, () => undefined);
    startHost(registry.byTrigger('serviceBusTrigger'), (fn, input) => invoker.invoke(fn, input));
  };

  it('a handler sees the body and context.triggerMetadata (messageId, deliveryCount, applicationProperties, ...)', async () => {
    start();
    ns.send('orders', {
      body: { orderId: 'o-1', fail: true },
      messageId: 'order-1',
      correlationId: 'corr-1',
      subject: 'OrderPlaced',
      applicationProperties: { type: 'OrderPlaced', attempt: 1, urgent: true },
    });
    await idle();
    expect(calls.map((c) => c.metadata.deliveryCount)).toEqual([1, 2, 3]);
    const first = calls[0];
    expect(first.message).toEqual({ orderId: 'o-1', fail: true });
    expect(first.metadata).toMatchObject({
      messageId: 'order-1',
      deliveryCount: 1,
      sequenceNumber: 1,
      correlationId: 'corr-1',
      contentType: 'application/json',
      label: 'OrderPlaced',
      subject: 'OrderPlaced',
      enqueuedTimeUtc: '2026-03-02T10:00:00',
      enqueuedTime: '2026-03-02T10:00:00+00:00',
      expiresAtUtc: '9999-12-31T23:59:59.9999999',
      applicationProperties: { type: 'OrderPlaced', attempt: 1, urgent: true },
      userProperties: { type: 'OrderPlaced', attempt: 1, urgent: true },
      sys: { methodName: 'onOrder' },
    });
    expect(first.metadata.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns.peek('orders/$DeadLetterQueue')).toHaveLength(1);
  });

  it('the programming model camel-cases application property names, as it does in Azure', async () => {
    start();
    ns.send('orders', { body: 'hello', applicationProperties: { Region: 'eu', 'X-Trace': 't' } });
    await idle();
    expect(calls[0].message).toBe('hello');
    expect(calls[0].metadata.applicationProperties).toEqual({ region: 'eu', 'x-Trace': 't' });
  });

  it("cardinality 'many' hands the handler an array and ...Array metadata", async () => {
    start();
    ns.send('events', [
      { body: { n: 1 }, messageId: 'e-1', applicationProperties: { type: 'A' } },
      { body: 'two', messageId: 'e-2', correlationId: 'c-2' },
    ]);
    await idle();
    const [call] = calls.filter((c) => c.name === 'onEvents');
    expect(call.message).toEqual([{ n: 1 }, 'two']);
    expect(call.metadata).toMatchObject({
      messageIdArray: ['e-1', 'e-2'],
      deliveryCountArray: [1, 1],
      sequenceNumberArray: [1, 2],
      correlationIdArray: ['c-2'], // the host leaves out null entries of string arrays
      applicationPropertiesArray: [{ type: 'A' }, {}],
      enqueuedTimeUtcArray: ['2026-03-02T10:00:00', '2026-03-02T10:00:00'],
    });
    expect(ns.counts('events/Subscriptions/audit').active).toBe(0);
  });
});
