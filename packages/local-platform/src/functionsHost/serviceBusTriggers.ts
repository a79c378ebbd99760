import { randomUUID } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';
import { EntityNotFoundError, InvalidOperationError, MessageLockLostError } from '../serviceBus/errors';
import type { SessionHolder } from '../serviceBus/sessionLocks';
import type { PropertyValue, ReceivedMessage } from '../serviceBus/message';
import type { ServiceBusNamespace } from '../serviceBus/namespace';
import { pathKey, subscriptionPath } from '../serviceBus/entityPath';
import type { RpcTypedData } from './coreApi';
import type { HostHealthCheck } from './hostHealth';
import type { InvocationInput } from './invoker';
import type { RegisteredFunction } from './registry';

export interface ServiceBusTrigger {
  fn: RegisteredFunction;
  /** Canonical receivable path: `orders` or `events/Subscriptions/audit` (or a `/$DeadLetterQueue`). */
  entityPath: string;
  cardinality: 'one' | 'many';
  autoCompleteMessages: boolean;
  /** The binding's dataType: 'binary' hands the body over as bytes. */
  dataType?: string;
  /** isSessionsEnabled: messages are taken session by session, each session in order, one invocation at a time. */
  sessions: boolean;
}

export class ServiceBusTriggerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceBusTriggerConfigError';
  }
}

/** The RPC shapes the worker also accepts for arrays (the local RpcTypedData lists only scalars). */
type TypedData = RpcTypedData & {
  collectionString?: { string: string[] };
  collectionSint64?: { sint64: number[] };
  collectionBytes?: { bytes: Uint8Array[] };
};

function optionalText(fn: RegisteredFunction, key: string, resolve: (text: string) => string): string | undefined {
  const raw = fn.trigger[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw new ServiceBusTriggerConfigError(
      `Service Bus function '${fn.name}': ${key} must be a string, got ${JSON.stringify(raw)}.`,
    );
  try {
    return resolve(raw);
  } catch (e) {
    throw new ServiceBusTriggerConfigError(`Service Bus function '${fn.name}' (${key}): ${(e as Error).message}`);
  }
}

/**
 * Reads every serviceBusTrigger's binding (resolving %SETTING% references) and checks its entity exists, so a
 * typo stops start-up naming the function instead of leaving it silently idle.
 */
export function buildServiceBusTriggers(
  functions: RegisteredFunction[],
  namespace: ServiceBusNamespace,
  resolve: (text: string) => string,
): ServiceBusTrigger[] {
  return functions.map((fn) => {
    const queueName = optionalText(fn, 'queueName', resolve);
    const topicName = optionalText(fn, 'topicName', resolve);
    const subscriptionName = optionalText(fn, 'subscriptionName', resolve);
    const source = namespace.config.source;
    let wanted: string;
    let fix: string;
    if (queueName && !topicName) {
      wanted = queueName;
      fix = `Add { "Name": "${queueName}" } to UserConfig.Namespaces[0].Queues in ${source}, or fix the function's queueName.`;
    } else if (topicName && subscriptionName && !queueName) {
      wanted = subscriptionPath(topicName, subscriptionName);
      fix = `Add topic '${topicName}' with subscription { "Name": "${subscriptionName}" } to UserConfig.Namespaces[0].Topics in ${source}, or fix topicName/subscriptionName.`;
    } else {
      throw new ServiceBusTriggerConfigError(
        `Service Bus function '${fn.name}' needs either queueName (app.serviceBusQueue) or topicName and subscriptionName (app.serviceBusTopic); ` +
          `it has ${JSON.stringify({ queueName, topicName, subscriptionName })}.`,
      );
    }
    let entityPath: string;
    try {
      entityPath = namespace.resolveReceivable(wanted);
    } catch (e) {
      if (!(e instanceof EntityNotFoundError || e instanceof InvalidOperationError)) throw e;
      throw new ServiceBusTriggerConfigError(
        `Service Bus function '${fn.name}' listens to '${wanted}', which the local Service Bus namespace does not have ` +
          `(it has: ${namespace.entityNames().join(', ') || 'nothing'}). ${fix}`,
      );
    }
    const sessions = fn.trigger.isSessionsEnabled === true;
    if (sessions !== namespace.requiresSession(entityPath))
      throw new ServiceBusTriggerConfigError(
        sessions
          ? `Service Bus function '${fn.name}' sets isSessionsEnabled, but '${entityPath}' does not require sessions: set "RequiresSession": true on it (${source}), or remove isSessionsEnabled.`
          : `Service Bus function '${fn.name}' listens to '${entityPath}', which requires sessions: set isSessionsEnabled: true on the trigger, as Azure requires.`,
      );
    const cardinality = String(fn.trigger.cardinality ?? 'one').toLowerCase();
    if (cardinality !== 'one' && cardinality !== 'many')
      throw new ServiceBusTriggerConfigError(
        `Service Bus function '${fn.name}': cardinality must be 'one' or 'many', got ${JSON.stringify(fn.trigger.cardinality)}.`,
      );
    return {
      fn,
      entityPath,
      cardinality,
      autoCompleteMessages: fn.trigger.autoCompleteMessages !== false,
      dataType: typeof fn.trigger.dataType === 'string' ? fn.trigger.dataType : undefined,
      sessions,
    };
  });
}

/** One line for describeFunctions, like `func start` prints. */
export function describeServiceBusTrigger(t: ServiceBusTrigger): string {
  return `${t.fn.name}: serviceBusTrigger (${t.entityPath}${t.cardinality === 'many' ? ', batches' : ''}${t.sessions ? ', sessions' : ''})`;
}

// ---- conversion to what the Functions host sends the Node.js worker ----

/** .NET's JSON form of a DateTime of unspecified kind (what DateTimeOffset.DateTime gives): no zone suffix. */
function dotnetDateTime(ms: number, withOffset: boolean, never = false): string {
  if (never) return `9999-12-31T23:59:59.9999999${withOffset ? '+00:00' : ''}`;
  const iso = new Date(ms).toISOString(); // 2026-01-01T10:00:00.500Z
  const [main, fraction] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${main}${trimmed ? `.${trimmed}` : ''}${withOffset ? '+00:00' : ''}`;
}

function propertiesJson(props: Record<string, PropertyValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) out[k] = v instanceof Date ? dotnetDateTime(v.getTime(), true) : v;
  return out;
}

const json = (value: unknown): TypedData => ({ json: JSON.stringify(value) });

function isUtf8(body: Buffer): boolean {
  return Buffer.from(body.toString('utf8'), 'utf8').equals(body);
}

/** The body as the host hands it over: JSON when it parses, text otherwise, bytes for dataType 'binary'. */
function bodyValue(
  m: ReceivedMessage,
  dataType: string | undefined,
): { text?: string; json?: boolean; bytes?: Buffer } {
  if (dataType === 'binary' || !isUtf8(m.body)) return { bytes: m.body };
  const text = m.body.toString('utf8');
  if (dataType === 'string') return { text };
  try {
    JSON.parse(text);
    return { text, json: true };
  } catch {
    return { text };
  }
}

function singleTrigger(m: ReceivedMessage, dataType: string | undefined): TypedData {
  const v = bodyValue(m, dataType);
  if (v.bytes) return { bytes: new Uint8Array(v.bytes) };
  return v.json ? { json: v.text } : { string: v.text };
}

function batchTrigger(messages: ReceivedMessage[], dataType: string | undefined): TypedData {
  if (dataType === 'binary') return { collectionBytes: { bytes: messages.map((m) => new Uint8Array(m.body)) } };
  return json(
    messages.map((m) => {
      const v = bodyValue(m, dataType);
      if (v.bytes) return v.bytes.toString('base64');
      return v.json ? (JSON.parse(v.text!) as unknown) : v.text;
    }),
  );
}

const STRING_FIELDS: [string, (m: ReceivedMessage) => string | undefined][] = [
  ['MessageId', (m) => m.messageId],
  ['ContentType', (m) => m.contentType],
  ['CorrelationId', (m) => m.correlationId],
  ['ReplyTo', (m) => m.replyTo],
  ['To', (m) => m.to],
  ['Subject', (m) => m.subject],
  ['Label', (m) => m.subject],
  ['SessionId', (m) => m.sessionId],
  ['ReplyToSessionId', (m) => m.replyToSessionId],
  ['PartitionKey', (m) => m.partitionKey],
  ['DeadLetterSource', (m) => m.deadLetterSource],
  ['LockToken', (m) => m.lockToken],
];

function commonMetadata(
  fn: RegisteredFunction,
  namespace: ServiceBusNamespace,
  now: number,
): Record<string, TypedData> {
  // Binding data the extension adds for SDK-bound parameters; objects the Node worker cannot use, sent as JSON.
  const client = json({ FullyQualifiedNamespace: namespace.name, IsClosed: false, TransportType: 0 });
  return {
    MessageReceiver: json({}),
    MessageSession: json({}),
    MessageActions: json({}),
    SessionActions: json({}),
    ReceiveActions: json({}),
    Client: client,
    sys: json({ MethodName: fn.name, UtcNow: new Date(now).toISOString(), RandGuid: randomUUID() }),
  };
}

/**
 * Trigger metadata for one message, keyed and typed as the Service Bus extension's binding data reaches the
 * worker: strings as `string`, numbers and dates as JSON (dates in .NET's format), properties as JSON objects.
 * Null values are left out, as the host skips them.
 */
export function singleMessageMetadata(m: ReceivedMessage): Record<string, TypedData> {
  const out: Record<string, TypedData> = {};
  for (const [key, get] of STRING_FIELDS) {
    const v = get(m);
    if (v !== undefined) out[key] = { string: v };
  }
  const never = !Number.isFinite(m.timeToLive);
  out.DeliveryCount = json(m.deliveryCount);
  out.SequenceNumber = json(m.sequenceNumber);
  out.EnqueuedTimeUtc = json(dotnetDateTime(m.enqueuedTimeUtc.getTime(), false));
  out.EnqueuedTime = json(dotnetDateTime(m.enqueuedTimeUtc.getTime(), true));
  out.ExpiresAtUtc = json(dotnetDateTime(m.expiresAtUtc.getTime(), false, never));
  out.ExpiresAt = json(dotnetDateTime(m.expiresAtUtc.getTime(), true, never));
  out.ApplicationProperties = json(propertiesJson(m.applicationProperties));
  out.UserProperties = json(propertiesJson(m.applicationProperties));
  return out;
}

/** Trigger metadata for a batch: the `...Array` keys of the extension's binding data. */
export function batchMetadata(messages: ReceivedMessage[]): Record<string, TypedData> {
  const out: Record<string, TypedData> = {};
  for (const [key, get] of STRING_FIELDS) {
    // string[] travels as a collection; the host's conversion leaves out null and empty entries.
    out[`${key}Array`] = { collectionString: { string: messages.map(get).filter((v): v is string => !!v) } };
  }
  const never = (m: ReceivedMessage): boolean => !Number.isFinite(m.timeToLive);
  out.DeliveryCountArray = json(messages.map((m) => m.deliveryCount));
  out.SequenceNumberArray = { collectionSint64: { sint64: messages.map((m) => m.sequenceNumber) } };
  out.EnqueuedTimeUtcArray = json(messages.map((m) => dotnetDateTime(m.enqueuedTimeUtc.getTime(), false)));
  out.EnqueuedTimeArray = json(messages.map((m) => dotnetDateTime(m.enqueuedTimeUtc.getTime(), true)));
  out.ExpiresAtUtcArray = json(messages.map((m) => dotnetDateTime(m.expiresAtUtc.getTime(), false, never(m))));
  out.ExpiresAtArray = json(messages.map((m) => dotnetDateTime(m.expiresAtUtc.getTime(), true, never(m))));
  const props = messages.map((m) => propertiesJson(m.applicationProperties));
  out.ApplicationPropertiesArray = json(props);
  out.UserPropertiesArray = json(props);
  return out;
}

/** What the invoker gets for a delivery: the trigger value and metadata as the host would send them. */
export function serviceBusInvocationInput(
  t: ServiceBusTrigger,
  messages: ReceivedMessage[],
  namespace: ServiceBusNamespace,
  now: number,
): InvocationInput {
  const many = t.cardinality === 'many';
  return {
    trigger: many ? batchTrigger(messages, t.dataType) : singleTrigger(messages[0], t.dataType),
    triggerMetadata: {
      ...(many ? batchMetadata(messages) : singleMessageMetadata(messages[0])),
      ...commonMetadata(t.fn, namespace, now),
    },
    reason: `New ServiceBus message detected on '${t.entityPath}'.`,
  };
}

// ---- delivery ----

export interface ServiceBusTriggerHostOptions {
  /** host.json extensions.serviceBus.maxConcurrentCalls: parallel single-message invocations per function. */
  maxConcurrentCalls?: number;
  /** host.json extensions.serviceBus.maxMessageBatchSize: largest batch for cardinality 'many'. */
  maxMessageBatchSize?: number;
  /** host.json extensions.serviceBus.maxAutoLockRenewalDuration (ms): how long locks are renewed during a run. */
  maxAutoLockRenewalDurationMs?: number;
  /** host.json extensions.serviceBus.maxConcurrentSessions: sessions a session-enabled function works on at once. */
  maxConcurrentSessions?: number;
  /**
   * host.json `concurrency.dynamicConcurrencyEnabled`: the Functions host lowers a trigger's concurrency while it is
   * unhealthy; this host takes no new message while the check reports overload (the messages wait, durable, in
   * their queue) and looks again every `healthRecheckMs` (real time: the backlog is real work, not clock time).
   */
  health?: HostHealthCheck;
  healthRecheckMs?: number;
}

interface TriggerState {
  running: number;
  lockDurationMs: number;
  maxDeliveryCount?: number;
}

/**
 * Delivers Service Bus messages to serviceBusTrigger functions as the Functions host does: peek-lock, invoke,
 * complete on success, abandon on failure (so MaxDeliveryCount dead-letters a poison message), renew locks
 * while a function runs. It reacts to the namespace's `available` events and the clock; nothing polls.
 * Delivery is at least once: a crash after the function succeeded but before its completion was committed
 * redelivers the message after the restart, as Azure does when a lock is lost.
 */
export class ServiceBusTriggerHost {
  private readonly state = new Map<ServiceBusTrigger, TriggerState>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: Required<Omit<ServiceBusTriggerHostOptions, 'health'>> &
    Pick<ServiceBusTriggerHostOptions, 'health'>;
  private recheck?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private readonly onAvailable = (entityPath: string): void => {
    const key = pathKey(entityPath);
    for (const t of this.triggers) if (pathKey(t.entityPath) === key) this.pump(t);
  };

  constructor(
    private readonly triggers: ServiceBusTrigger[],
    private readonly namespace: ServiceBusNamespace,
    private readonly clock: Clock,
    private readonly invoke: (fn: RegisteredFunction, input: InvocationInput) => Promise<unknown>,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
    private readonly track: <T>(p: Promise<T>) => Promise<T> = (p) => p,
    options: ServiceBusTriggerHostOptions = {},
  ) {
    this.options = {
      maxConcurrentCalls: options.maxConcurrentCalls ?? 16,
      maxMessageBatchSize: options.maxMessageBatchSize ?? 1000,
      maxAutoLockRenewalDurationMs: options.maxAutoLockRenewalDurationMs ?? 5 * 60_000,
      maxConcurrentSessions: options.maxConcurrentSessions ?? 8,
      health: options.health,
      healthRecheckMs: options.healthRecheckMs ?? 100,
    };
    for (const t of triggers) {
      const info = namespace.info(t.entityPath);
      this.state.set(t, {
        running: 0,
        lockDurationMs: info.lockDurationMs ?? 60_000,
        maxDeliveryCount: info.maxDeliveryCount,
      });
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const t of this.triggers) {
      if (!t.autoCompleteMessages)
        this.log(
          'warn',
          `Service Bus function '${t.fn.name}' has autoCompleteMessages false: nothing settles its messages (Node functions cannot), so each is redelivered when its lock expires.`,
        );
    }
    this.namespace.on('available', this.onAvailable);
    for (const t of this.triggers) this.pump(t);
  }

  /** Stops delivering; resolves when the invocations already running have finished and settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.recheck);
    this.namespace.off('available', this.onAvailable);
    await Promise.allSettled([...this.inFlight]);
  }

  /** True (and a look again scheduled) while the host's health check reports overload. */
  private overloaded(): boolean {
    if (!this.options.health?.overload()) return false;
    this.recheck ??= setTimeout(() => {
      this.recheck = undefined;
      for (const each of this.triggers) this.pump(each);
    }, this.options.healthRecheckMs);
    return true;
  }

  private pump(t: ServiceBusTrigger): void {
    if (t.sessions) {
      this.pumpSessions(t);
      return;
    }
    const state = this.state.get(t)!;
    // Batches run one at a time per function, as the extension's batch receive loop does.
    const limit = t.cardinality === 'many' ? 1 : this.options.maxConcurrentCalls;
    while (!this.stopped && this.started && state.running < limit) {
      if (this.overloaded()) return;
      let messages: ReceivedMessage[];
      try {
        messages = this.namespace.receive(t.entityPath, {
          maxMessages: t.cardinality === 'many' ? this.options.maxMessageBatchSize : 1,
          mode: 'peekLock',
        });
      } catch (e) {
        this.log(
          'error',
          `Service Bus function '${t.fn.name}' cannot receive from '${t.entityPath}': ${(e as Error).message}`,
        );
        return;
      }
      if (messages.length === 0) return;
      state.running++;
      const run = this.process(t, messages).finally(() => {
        state.running--;
        this.inFlight.delete(run);
        this.pump(t);
      });
      this.inFlight.add(run);
      void this.track(run);
    }
  }

  /**
   * A session-enabled function, as the extension runs it: up to maxConcurrentSessions sessions at once, each locked
   * for the host and worked through in order, one invocation at a time, then released when it has nothing left.
   */
  private pumpSessions(t: ServiceBusTrigger): void {
    const state = this.state.get(t)!;
    while (!this.stopped && this.started && state.running < this.options.maxConcurrentSessions) {
      if (this.overloaded()) return;
      const session: SessionHolder = { sessionId: '', owner: {} };
      let accepted: { sessionId: string } | undefined;
      try {
        accepted = this.namespace.acceptSession(t.entityPath, undefined, session.owner, () =>
          this.log(
            'warn',
            `Service Bus function '${t.fn.name}': the lock on session '${session.sessionId}' of '${t.entityPath}' expired while the function ran; its unsettled messages will be delivered again.`,
          ),
        );
      } catch (e) {
        this.log(
          'error',
          `Service Bus function '${t.fn.name}' cannot take a session of '${t.entityPath}': ${(e as Error).message}`,
        );
        return;
      }
      if (!accepted) return;
      session.sessionId = accepted.sessionId;
      state.running++;
      const run = this.workSession(t, session).finally(() => {
        state.running--;
        this.inFlight.delete(run);
        this.pump(t);
      });
      this.inFlight.add(run);
      void this.track(run);
    }
  }

  private async workSession(t: ServiceBusTrigger, session: SessionHolder): Promise<void> {
    try {
      while (!this.stopped) {
        let messages: ReceivedMessage[];
        try {
          messages = this.namespace.receive(t.entityPath, {
            maxMessages: t.cardinality === 'many' ? this.options.maxMessageBatchSize : 1,
            mode: 'peekLock',
            session,
          });
        } catch {
          return; // The session lock expired (logged when it did).
        }
        if (messages.length === 0) return;
        await this.process(t, messages, session);
      }
    } finally {
      this.namespace.releaseSession(t.entityPath, session);
    }
  }

  private async process(t: ServiceBusTrigger, messages: ReceivedMessage[], session?: SessionHolder): Promise<void> {
    const started = this.clock.now();
    const renewals = new Map<string, ScheduledWake>();
    let running = true;
    const { lockDurationMs } = this.state.get(t)!;
    const armRenewal = (m: ReceivedMessage, lockedUntil: number): void => {
      // Renew shortly before expiry, as the SDK processor does, for up to maxAutoLockRenewalDuration.
      const due = lockedUntil - Math.min(10_000, lockDurationMs / 2);
      renewals.set(
        m.lockToken!,
        this.clock.schedule(due, () => {
          if (!running || this.clock.now() - started >= this.options.maxAutoLockRenewalDurationMs) return;
          try {
            // A session's messages are locked by the session: its lock is the one to renew.
            const renewed = session
              ? this.namespace.renewSessionLock(t.entityPath, session.sessionId)
              : this.namespace.renewLock(t.entityPath, m.lockToken!);
            armRenewal(m, renewed.getTime());
          } catch {
            // Lock already gone (settled or expired); nothing to renew.
          }
        }),
      );
    };
    for (const m of messages) armRenewal(m, m.lockedUntilUtc!.getTime());

    let error: unknown;
    try {
      // The delivery count is durable before the function runs, so a message that crashes the platform still
      // reaches MaxDeliveryCount across restarts. A failed commit is logged by the namespace; the delivery goes on.
      await this.namespace.whenCommitted().catch(() => undefined);
      await this.invoke(t.fn, serviceBusInvocationInput(t, messages, this.namespace, started));
    } catch (e) {
      error = e ?? new Error('The function threw a null/undefined value.');
    } finally {
      running = false;
      for (const w of renewals.values()) w.cancel();
    }
    if (error !== undefined) this.logFailure(t, messages, error);
    if (!t.autoCompleteMessages) return;
    for (const m of messages) {
      try {
        if (error === undefined) this.namespace.complete(t.entityPath, m.lockToken!);
        else this.namespace.abandon(t.entityPath, m.lockToken!);
      } catch (e) {
        const action = error === undefined ? 'complete' : 'abandon';
        this.log(
          e instanceof MessageLockLostError ? 'warn' : 'error',
          e instanceof MessageLockLostError
            ? `Service Bus function '${t.fn.name}': the lock on message '${m.messageId}' was lost before the host could ${action} it; it will be redelivered.`
            : `Service Bus function '${t.fn.name}': could not ${action} message '${m.messageId}': ${(e as Error).message}`,
        );
      }
    }
  }

  private logFailure(t: ServiceBusTrigger, messages: ReceivedMessage[], error: unknown): void {
    const max = this.state.get(t)!.maxDeliveryCount;
    const ids = messages.map((m) => `'${m.messageId}' (delivery ${m.deliveryCount}${max ? ` of ${max}` : ''})`);
    const last = max !== undefined && messages.every((m) => m.deliveryCount >= max);
    const next = !t.autoCompleteMessages
      ? 'it will be redelivered when its lock expires'
      : last
        ? 'MaxDeliveryCount is reached, so it goes to the dead-letter queue'
        : 'it is abandoned and will be redelivered';
    this.log(
      'error',
      // The stack is in the host's execution log; this line says what becomes of the message.
      `Service Bus function '${t.fn.name}' threw on message ${ids.join(', ')} from '${t.entityPath}'; ${next}: ${
        error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }`,
    );
  }
}
