import { EventEmitter } from 'node:events';
import type { Clock, ScheduledWake } from '../clock';
import type { ServiceDatabase } from '../persistence/serviceDatabase';
import { loadServiceBusConfig, QueueConfig, ServiceBusConfig, SubscriptionConfig, TopicConfig } from './config';
import { DuplicateDetector } from './duplicateDetection';
import { EntityCounts, MessageEntity, ReceiveMode } from './entity';
import type { SessionHolder } from './sessionLocks';
import { deadLetterPath, pathKey, subscriptionPath } from './entityPath';
import {
  EntityNotFoundError,
  InvalidOperationError,
  MessageNotFoundError,
  MessageSizeExceededError,
  MessageStoreError,
  RuleAlreadyExistsError,
  RuleNotFoundError,
  RuleQuotaExceededError,
  ServerBusyError,
} from './errors';
import { filterView } from './filters';
import {
  checkSizes,
  copyContent,
  DEFAULT_LIMITS,
  MessageContent,
  MessageLimits,
  messageSize,
  normaliseMessage,
  PropertyValue,
  ReceivedMessage,
  ServiceBusMessageInput,
  snapshot,
  StoredMessage,
} from './message';
import { MessageJournal, MessageStore, SavedState, UNSAVED } from './messageStore';
import { buildRule, Rule, RuleSpec } from './subscriptionRule';

export interface ServiceBusNamespaceOptions {
  /** Message size limits (Standard tier by default); `{ enforce: false }` turns the checks off. */
  limits?: Partial<MessageLimits>;
  /**
   * Where messages, schedules, sequence numbers and duplicate-detection history are kept (tables `sb_*`), so a
   * restart finds them again. Without one, nothing outlives the namespace.
   */
  database?: ServiceDatabase;
  /** Where the namespace reports what it restored from the database and commits that failed. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface SendReceipt {
  messageId: string;
  /** Assigned by the queue or topic; undefined for a dropped duplicate. */
  sequenceNumber?: number;
  /** True when duplicate detection dropped the message (the send still succeeds, as in Azure). */
  duplicate: boolean;
  scheduled: boolean;
}

export interface NamespaceEntityCounts extends EntityCounts {
  scheduled: number;
  deadLetter: number;
  /** Sends dropped by duplicate detection (queues and topics). */
  duplicatesDropped: number;
  /** Topic messages no subscription rule matched (dropped, as Service Bus does). */
  unrouted: number;
}

export interface EntityInfo {
  path: string;
  kind: 'queue' | 'topic' | 'subscription' | 'deadLetterQueue';
  counts: NamespaceEntityCounts;
  lockDurationMs?: number;
  maxDeliveryCount?: number;
  /** Subscription rules, as configured. */
  rules?: { name: string; filter: string }[];
}

export interface ServiceBusNamespaceEvents {
  /** Messages became receivable on this entity path (fired once per burst, after the operation returns). */
  available: [entityPath: string];
  duplicate: [info: { entity: string; messageId: string }];
  deadLettered: [info: { entity: string; message: ReceivedMessage; reason: string; description: string }];
  dropped: [info: { entity: string; messageId: string; reason: 'expired' | 'noMatchingSubscription' }];
}

interface SendTarget {
  sequence: number;
  duplicates?: DuplicateDetector;
  scheduled: Map<number, { message: StoredMessage; wake: ScheduledWake }>;
}

interface QueueNode {
  kind: 'queue';
  config: QueueConfig;
  target: SendTarget;
  entity: MessageEntity;
  dlq: MessageEntity;
}

interface TopicNode {
  kind: 'topic';
  config: TopicConfig;
  target: SendTarget;
  subscriptions: SubscriptionNode[];
  unrouted: number;
}

interface SubscriptionNode {
  kind: 'subscription';
  config: SubscriptionConfig;
  /** The rules in force: the config's, as changed at run time by rule management. */
  rules: Rule[];
  topic: TopicNode;
  entity: MessageEntity;
  dlq: MessageEntity;
}

type Receiver = QueueNode | SubscriptionNode;

/** Service Bus's limit of rules per subscription. */
const MAX_RULES = 2000;

/** Service Bus auto-forwarding gives up after four hops. */
const MAX_HOPS = 4;

/**
 * The in-process Service Bus namespace: queues, topics with filtered subscriptions, dead-letter sub-queues,
 * peek-lock, scheduling, duplicate detection, TTL and auto-forwarding, all timed by the platform clock so a
 * virtual clock drives lock expiry and schedules in tests. Operations are synchronous; `available` events let
 * consumers (the trigger host, long-polling REST receivers) react without polling.
 */
export class ServiceBusNamespace extends EventEmitter<ServiceBusNamespaceEvents> {
  readonly name: string;
  readonly limits: MessageLimits;
  private readonly queues = new Map<string, QueueNode>();
  private readonly topics = new Map<string, TopicNode>();
  private readonly sendFaults = new Map<string, { remaining: number }>();
  /** Every receivable path (queues, subscriptions, their dead-letter queues) by lookup key. */
  private readonly receivables = new Map<string, MessageEntity>();
  private readonly owners = new Map<MessageEntity, Receiver>();
  private readonly pendingAvailable = new Set<string>();
  private flushQueued = false;
  private closed = false;
  private readonly journal: MessageJournal;

  constructor(
    readonly config: ServiceBusConfig,
    readonly clock: Clock,
    options: ServiceBusNamespaceOptions = {},
  ) {
    super();
    this.name = config.namespace;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const log = options.log ?? (() => undefined);
    this.journal = options.database
      ? new MessageStore(options.database, (e: MessageStoreError) => log('error', e.message))
      : UNSAVED;
    for (const q of config.queues) {
      const node = { kind: 'queue', config: q, target: this.newTarget(q.name, q) } as QueueNode;
      node.entity = this.newEntity(q.name, q, node);
      node.dlq = this.newDeadLetterQueue(q.name, node);
      this.queues.set(pathKey(q.name), node);
    }
    for (const t of config.topics) {
      const topic: TopicNode = {
        kind: 'topic',
        config: t,
        target: this.newTarget(t.name, t),
        subscriptions: [],
        unrouted: 0,
      };
      for (const s of t.subscriptions) {
        const path = subscriptionPath(t.name, s.name);
        const node = { kind: 'subscription', config: s, topic, rules: [...s.rules] } as SubscriptionNode;
        node.entity = this.newEntity(path, s, node);
        node.dlq = this.newDeadLetterQueue(path, node);
        topic.subscriptions.push(node);
      }
      this.topics.set(pathKey(t.name), topic);
    }
    const restored = this.restore(this.journal.load(clock.now()));
    if (restored) log('info', `Service Bus: ${restored} from ${options.database!.options.location}.`);
  }

  /** Loads an emulator-format Config.json and builds the namespace from it. */
  static fromConfigFile(file: string, clock: Clock, options?: ServiceBusNamespaceOptions): ServiceBusNamespace {
    return new ServiceBusNamespace(loadServiceBusConfig(file), clock, options);
  }

  /** Queues, topics and subscriptions (`topic/Subscriptions/sub`), without dead-letter queues. */
  entityNames(): string[] {
    return [
      ...[...this.queues.values()].map((q) => q.config.name),
      ...[...this.topics.values()].flatMap((t) => [t.config.name, ...t.subscriptions.map((s) => s.entity.path)]),
    ];
  }

  /** Every entity with its counts, for operators and the REST listing. */
  entities(): EntityInfo[] {
    const out: EntityInfo[] = [];
    for (const q of this.queues.values()) out.push(this.info(q.config.name));
    for (const t of this.topics.values()) {
      out.push(this.info(t.config.name));
      for (const s of t.subscriptions) out.push(this.info(s.entity.path));
    }
    return out;
  }

  info(entityPath: string): EntityInfo {
    const key = pathKey(entityPath);
    const topic = this.topics.get(key);
    if (topic) {
      return {
        path: topic.config.name,
        kind: 'topic',
        counts: {
          active: 0,
          locked: 0,
          deferred: 0,
          scheduled: topic.target.scheduled.size,
          deadLetter: 0,
          duplicatesDropped: topic.target.duplicates?.dropped ?? 0,
          unrouted: topic.unrouted,
        },
      };
    }
    const entity = this.receivable(entityPath);
    const owner = this.owners.get(entity)!;
    const isDlq = entity.isDeadLetterQueue;
    return {
      path: entity.path,
      kind: isDlq ? 'deadLetterQueue' : owner.kind,
      counts: {
        ...entity.counts(),
        scheduled: !isDlq && owner.kind === 'queue' ? owner.target.scheduled.size : 0,
        deadLetter: isDlq ? 0 : owner.dlq.counts().active,
        duplicatesDropped: !isDlq && owner.kind === 'queue' ? (owner.target.duplicates?.dropped ?? 0) : 0,
        unrouted: 0,
      },
      lockDurationMs: entity.settings.lockDurationMs,
      maxDeliveryCount: isDlq ? undefined : entity.settings.maxDeliveryCount,
      rules:
        !isDlq && owner.kind === 'subscription'
          ? owner.rules.map((r) => ({ name: r.name, filter: r.description }))
          : undefined,
    };
  }

  counts(entityPath: string): NamespaceEntityCounts {
    return this.info(entityPath).counts;
  }

  /**
   * The canonical path of a receivable entity (queue, subscription, or dead-letter queue); throws
   * EntityNotFoundError / InvalidOperationError naming what exists.
   */
  /**
   * A test hook: the next `count` sends to the queue or topic fail with ServerBusy (HTTP 503), as a busy or
   * unreachable broker does, so senders' retry paths can be exercised.
   */
  injectSendFaults(entityPath: string, count: number): void {
    this.sendFaults.set(this.sendTarget(entityPath).config.name, { remaining: count });
  }

  /** The canonical path of a queue or topic; throws EntityNotFoundError / InvalidOperationError naming what exists. */
  resolveSendable(entityPath: string): string {
    return this.sendTarget(entityPath).config.name;
  }

  resolveReceivable(entityPath: string): string {
    return this.receivable(entityPath).path;
  }

  /**
   * Resolves once every operation so far is durable in the database (at once without one); rejects with
   * MessageStoreError when the commit failed. Answer a sender or receiver only after it, so that a `kill -9` loses
   * nothing that was acknowledged; the synchronous operations themselves take effect in memory at once.
   */
  whenCommitted(): Promise<void> {
    return this.journal.committed();
  }

  /**
   * Sends to a queue or topic. A topic copies the message to every subscription with a matching rule.
   * Validates everything (ids, property types, sizes) before anything is enqueued.
   */
  send(entityPath: string, messages: ServiceBusMessageInput | ServiceBusMessageInput[]): SendReceipt[] {
    const node = this.sendTarget(entityPath);
    const name = node.config.name;
    const fault = this.sendFaults.get(name);
    if (fault && fault.remaining > 0) {
      fault.remaining--;
      throw new ServerBusyError(`The request to '${name}' was refused: ServerBusy (a fault injected by a test).`);
    }
    const list = (Array.isArray(messages) ? messages : [messages]).map(normaliseMessage);
    checkSizes(list, name, this.limits);
    if (node.kind === 'queue' && node.config.requiresSession) {
      const without = list.find((m) => m.sessionId === undefined);
      if (without)
        throw new InvalidOperationError(
          `Message '${without.messageId}' has no SessionId, and '${name}' requires sessions: Service Bus accepts only messages with a SessionId there. Set sessionId on the message, or send to an entity without RequiresSession.`,
        );
    }
    const now = this.clock.now();
    return list.map((content) => {
      if (node.target.duplicates?.check(content.messageId, now)) {
        this.emit('duplicate', { entity: name, messageId: content.messageId });
        return { messageId: content.messageId, duplicate: true, scheduled: false };
      }
      const sequenceNumber = this.nextSequenceNumber(node);
      const due = content.scheduledEnqueueTime;
      if (due !== undefined && due > now) {
        this.schedule(node, content, sequenceNumber, due);
        return { messageId: content.messageId, sequenceNumber, duplicate: false, scheduled: true };
      }
      this.deliver(node, content, sequenceNumber, 0, undefined);
      return { messageId: content.messageId, sequenceNumber, duplicate: false, scheduled: false };
    });
  }

  /** Schedules messages for `enqueueTime` and returns their sequence numbers (for cancelScheduled). */
  scheduleMessages(
    entityPath: string,
    messages: ServiceBusMessageInput | ServiceBusMessageInput[],
    enqueueTime: Date | number,
  ): number[] {
    const list = Array.isArray(messages) ? messages : [messages];
    const receipts = this.send(
      entityPath,
      list.map((m) => ({ ...m, scheduledEnqueueTime: enqueueTime })),
    );
    return receipts.filter((r) => r.sequenceNumber !== undefined).map((r) => r.sequenceNumber!);
  }

  cancelScheduled(entityPath: string, sequenceNumbers: number | number[]): void {
    const node = this.sendTarget(entityPath);
    const seqs = Array.isArray(sequenceNumbers) ? sequenceNumbers : [sequenceNumbers];
    const missing = seqs.filter((s) => !node.target.scheduled.has(s));
    if (missing.length)
      throw new MessageNotFoundError(
        `No scheduled message with sequence number ${missing.join(', ')} on '${node.config.name}'; it was never scheduled there or is already enqueued.`,
      );
    for (const s of seqs) {
      node.target.scheduled.get(s)!.wake.cancel();
      node.target.scheduled.delete(s);
      this.journal.removed(node.config.name, s);
    }
  }

  /** Receives from an entity, or (`session`) from a session the caller holds the lock of. */
  receive(
    entityPath: string,
    options: { maxMessages?: number; mode?: ReceiveMode; session?: SessionHolder } = {},
  ): ReceivedMessage[] {
    return this.receivable(entityPath).receive(options.maxMessages ?? 1, options.mode ?? 'peekLock', options.session);
  }

  receiveDeferred(entityPath: string, sequenceNumbers: number[], sessionId?: string): ReceivedMessage[] {
    return this.receivable(entityPath).receiveDeferred(sequenceNumbers, sessionId);
  }

  /**
   * Locks a session of a session-enabled queue or subscription for `owner`: the one named, or (undefined) the free
   * session with the oldest message. Undefined when none is free; SessionCannotBeLockedError when the named one is
   * held. `onLost` is called if the lock expires.
   */
  acceptSession(
    entityPath: string,
    sessionId: string | undefined,
    owner: object,
    onLost: () => void,
  ): { sessionId: string; lockedUntil: Date } | undefined {
    return this.receivable(entityPath).acceptSession(sessionId, owner, onLost);
  }

  hasFreeSession(entityPath: string): boolean {
    return this.receivable(entityPath).hasFreeSession();
  }

  releaseSession(entityPath: string, session: SessionHolder): void {
    this.receivable(entityPath).releaseSession(session);
  }

  renewSessionLock(entityPath: string, sessionId: string): Date {
    return this.receivable(entityPath).renewSessionLock(sessionId);
  }

  sessionState(entityPath: string, sessionId: string): Buffer | undefined {
    return this.receivable(entityPath).sessionState(sessionId);
  }

  /** Sets (undefined: clears) a session's state; Service Bus keeps at most a message's size (256 KB). */
  setSessionState(entityPath: string, sessionId: string, state: Buffer | undefined): void {
    const entity = this.receivable(entityPath);
    if (state && this.limits.enforce && state.length > this.limits.maxMessageBytes)
      throw new MessageSizeExceededError(
        'sessionState',
        state.length,
        this.limits.maxMessageBytes,
        `The state of session '${sessionId}' of '${entity.path}'`,
      );
    entity.setSessionState(sessionId, state);
  }

  /** Sessions with messages or a state, sorted by id; with `updatedSince`, those enqueued to or given a state since. */
  sessionIds(entityPath: string, updatedSince?: number): string[] {
    return this.receivable(entityPath).sessionIds(updatedSince);
  }

  /** The rules of a subscription, in the order they are evaluated. */
  rules(subscriptionPath: string): Rule[] {
    return [...this.subscription(subscriptionPath).rules];
  }

  /**
   * Adds a rule to a subscription (`ServiceBusRuleManager.createRule`); kept across restarts until the config's
   * rules for the subscription change. Throws SqlFilterError for a filter or action that does not parse.
   */
  addRule(subscriptionPath: string, spec: RuleSpec): void {
    const node = this.subscription(subscriptionPath);
    if (node.rules.some((r) => r.name.toLowerCase() === spec.name.toLowerCase()))
      throw new RuleAlreadyExistsError(node.entity.path, spec.name);
    if (node.rules.length >= MAX_RULES) throw new RuleQuotaExceededError(node.entity.path, MAX_RULES);
    node.rules.push(buildRule(spec));
    this.rulesChanged(node);
  }

  removeRule(subscriptionPath: string, name: string): void {
    const node = this.subscription(subscriptionPath);
    const at = node.rules.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
    if (at < 0)
      throw new RuleNotFoundError(
        node.entity.path,
        name,
        node.rules.map((r) => r.name),
      );
    node.rules.splice(at, 1);
    this.rulesChanged(node);
  }

  requiresSession(entityPath: string): boolean {
    return this.receivable(entityPath).settings.requiresSession;
  }

  complete(entityPath: string, lockToken: string): void {
    this.receivable(entityPath).complete(lockToken);
  }

  abandon(entityPath: string, lockToken: string, propertiesToModify?: Record<string, PropertyValue>): void {
    this.receivable(entityPath).abandon(lockToken, propertiesToModify);
  }

  deadLetter(
    entityPath: string,
    lockToken: string,
    options?: { reason?: string; description?: string; propertiesToModify?: Record<string, PropertyValue> },
  ): void {
    this.receivable(entityPath).deadLetter(lockToken, options);
  }

  defer(entityPath: string, lockToken: string, propertiesToModify?: Record<string, PropertyValue>): void {
    this.receivable(entityPath).defer(lockToken, propertiesToModify);
  }

  renewLock(entityPath: string, lockToken: string): Date {
    return this.receivable(entityPath).renewLock(lockToken);
  }

  /** Browses without locking; queues also show their scheduled messages (state 'scheduled'). */
  peek(
    entityPath: string,
    options: { maxMessages?: number; fromSequenceNumber?: number; sessionId?: string } = {},
  ): ReceivedMessage[] {
    const entity = this.receivable(entityPath);
    const max = options.maxMessages ?? Infinity;
    const from = options.fromSequenceNumber ?? 0;
    const sessionId = options.sessionId;
    const owner = this.owners.get(entity)!;
    const messages = entity.peek(Infinity, from, sessionId);
    if (owner.kind === 'queue' && !entity.isDeadLetterQueue) {
      for (const { message } of owner.target.scheduled.values())
        if (message.sequenceNumber >= from && (sessionId === undefined || message.sessionId === sessionId))
          messages.push(snapshot(message, entity.path));
      messages.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    }
    return messages.slice(0, max);
  }

  hasAvailable(entityPath: string, sessionId?: string): boolean {
    return this.receivable(entityPath).hasAvailable(sessionId);
  }

  /** Cancels every clock wake (locks, schedules, expiry) so a real clock does not keep the process alive. */
  close(): void {
    this.closed = true;
    for (const entity of this.receivables.values()) entity.close();
    for (const node of [...this.queues.values(), ...this.topics.values()]) {
      for (const { wake } of node.target.scheduled.values()) wake.cancel();
      node.target.scheduled.clear();
    }
  }

  private newTarget(
    name: string,
    settings: { requiresDuplicateDetection: boolean; duplicateDetectionWindowMs: number },
  ): SendTarget {
    return {
      sequence: 0,
      duplicates: settings.requiresDuplicateDetection
        ? new DuplicateDetector(settings.duplicateDetectionWindowMs, (messageId, until, now) =>
            this.journal.duplicateWindowOpened(name, messageId, until, now),
          )
        : undefined,
      scheduled: new Map(),
    };
  }

  private nextSequenceNumber(node: QueueNode | TopicNode): number {
    const sequenceNumber = ++node.target.sequence;
    this.journal.sequenceUsed(node.config.name, sequenceNumber);
    return sequenceNumber;
  }

  /**
   * Rebuilds what a previous run left: sequence numbers first (dead-lettering on the way may forward and so number
   * messages), then duplicate-detection windows, schedules and messages. Rows of entities no longer in the config
   * stay in the database untouched, in case the entity comes back. Returns a summary, or '' when nothing was there.
   */
  private restore(saved: SavedState): string {
    const sendTarget = (key: string): QueueNode | TopicNode | undefined => this.queues.get(key) ?? this.topics.get(key);
    for (const [key, last] of saved.sequences) {
      const node = sendTarget(key);
      if (node) node.target.sequence = Math.max(node.target.sequence, last);
    }
    for (const d of saved.duplicates) sendTarget(d.entityKey)?.target.duplicates?.restore(d.messageId, d.until);
    for (const s of saved.sessionStates) this.receivables.get(s.entityKey)?.restoreSessionState(s.sessionId, s.state);
    const changedRules = this.restoreRules(saved.ruleSets);
    let messages = 0;
    let scheduled = 0;
    let deadLettered = 0;
    const unknown = new Set<string>();
    // Nobody listens yet (the platform's log attaches later), so the summary says what went to dead-letter queues.
    const countDeadLettered = (): void => void deadLettered++;
    this.on('deadLettered', countDeadLettered);
    for (const { entityKey, message } of saved.messages) {
      const node = message.state === 'scheduled' ? sendTarget(entityKey) : undefined;
      const entity = message.state === 'scheduled' ? undefined : this.receivables.get(entityKey);
      if (node) {
        this.armSchedule(node, message);
        scheduled++;
      } else if (entity) {
        entity.restore(message);
        messages++;
      } else unknown.add(entityKey);
    }
    this.off('deadLettered', countDeadLettered);
    const parts = [
      messages && `restored ${messages} message${messages === 1 ? '' : 's'}`,
      changedRules,
      scheduled && `${scheduled} scheduled`,
      deadLettered && `${deadLettered} of them dead-lettered (the delivery the restart interrupted was their last)`,
      unknown.size &&
        `kept the messages of ${[...unknown].join(', ')}, which the config no longer has (add the entities back to receive them)`,
    ].filter(Boolean);
    return parts.join(', ');
  }

  /**
   * Rules changed at run time come back while the config still says what it said then; a config changed since (a
   * redeployment) wins, as an ARM deployment resets a subscription's rules.
   */
  private restoreRules(ruleSets: SavedState['ruleSets']): string {
    const kept: string[] = [];
    const reset: string[] = [];
    for (const set of ruleSets) {
      const entity = this.receivables.get(set.entityKey);
      const owner = entity && this.owners.get(entity);
      if (!owner || owner.kind !== 'subscription') continue;
      if (JSON.stringify(owner.config.rules.map((r) => r.spec)) !== set.configured) {
        reset.push(owner.entity.path);
        continue;
      }
      try {
        owner.rules = set.rules.map(buildRule);
        kept.push(owner.entity.path);
      } catch {
        reset.push(owner.entity.path);
      }
    }
    return [
      kept.length && `the rules last set at run time on ${kept.join(', ')}`,
      reset.length &&
        `the configured rules on ${reset.join(', ')} (the config changed since they were set at run time)`,
    ]
      .filter(Boolean)
      .join(', ');
  }

  private newEntity(path: string, settings: QueueConfig | SubscriptionConfig, owner: Receiver): MessageEntity {
    const entity = new MessageEntity(
      path,
      {
        lockDurationMs: settings.lockDurationMs,
        maxDeliveryCount: settings.maxDeliveryCount,
        deadLetteringOnMessageExpiration: settings.deadLetteringOnMessageExpiration,
        enforceTimeToLive: true,
        requiresSession: settings.requiresSession,
      },
      {
        clock: this.clock,
        journal: this.journal,
        available: (e) => this.notifyAvailable(e.path),
        deadLetter: (e, message, reason, description) => this.moveToDeadLetter(e, message, reason, description),
        dropped: (e, message, reason) => this.emit('dropped', { entity: e.path, messageId: message.messageId, reason }),
      },
    );
    this.receivables.set(pathKey(path), entity);
    this.owners.set(entity, owner);
    return entity;
  }

  private newDeadLetterQueue(path: string, owner: Receiver): MessageEntity {
    const source = owner.config;
    const dlq = new MessageEntity(
      deadLetterPath(path),
      {
        lockDurationMs: source.lockDurationMs,
        maxDeliveryCount: Infinity,
        deadLetteringOnMessageExpiration: false,
        enforceTimeToLive: false,
        // A dead-letter queue is received from without sessions, as in Azure.
        requiresSession: false,
      },
      {
        clock: this.clock,
        journal: this.journal,
        available: (e) => this.notifyAvailable(e.path),
        dropped: () => undefined,
      },
    );
    this.receivables.set(pathKey(dlq.path), dlq);
    this.owners.set(dlq, owner);
    return dlq;
  }

  private notifyAvailable(path: string): void {
    if (this.closed) return;
    this.pendingAvailable.add(path);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // After the current operation: listeners then never run inside a send/settle call.
    queueMicrotask(() => {
      this.flushQueued = false;
      const paths = [...this.pendingAvailable];
      this.pendingAvailable.clear();
      for (const p of paths) this.emit('available', p);
    });
  }

  private knownForHint(): string[] {
    return this.entityNames();
  }

  private receivable(entityPath: string): MessageEntity {
    const key = pathKey(entityPath);
    const entity = this.receivables.get(key);
    if (entity) return entity;
    const topic = this.topics.get(key);
    if (topic)
      throw new InvalidOperationError(
        `'${topic.config.name}' is a topic; receive from one of its subscriptions: ${
          topic.subscriptions.map((s) => s.entity.path).join(', ') || '(it has none; add one to the config file)'
        }.`,
      );
    throw new EntityNotFoundError(
      entityPath,
      this.knownForHint(),
      'Receive from a queue, a topic subscription (<topic>/Subscriptions/<name>) or a dead-letter queue (<entity>/$DeadLetterQueue); add missing entities to the Service Bus config file.',
    );
  }

  private subscription(subscriptionPath: string): SubscriptionNode {
    const entity = this.receivable(subscriptionPath);
    const owner = this.owners.get(entity)!;
    if (owner.kind !== 'subscription' || entity.isDeadLetterQueue)
      throw new InvalidOperationError(
        `'${entity.path}' is not a topic subscription; rules belong to subscriptions (<topic>/Subscriptions/<name>).`,
      );
    return owner;
  }

  private rulesChanged(node: SubscriptionNode): void {
    this.journal.rulesChanged(
      node.entity.path,
      node.rules.map((r) => r.spec),
      node.config.rules.map((r) => r.spec),
    );
  }

  private sendTarget(entityPath: string): QueueNode | TopicNode {
    const key = pathKey(entityPath);
    const node = this.queues.get(key) ?? this.topics.get(key);
    if (node) return node;
    const entity = this.receivables.get(key);
    if (entity) {
      const owner = this.owners.get(entity)!;
      throw new InvalidOperationError(
        entity.isDeadLetterQueue
          ? `'${entity.path}' is a dead-letter queue; Service Bus does not accept sends to it. Send to '${owner.kind === 'queue' ? owner.config.name : owner.topic.config.name}' instead.`
          : `'${entity.path}' is a subscription; send to its topic '${(owner as SubscriptionNode).topic.config.name}' instead.`,
      );
    }
    throw new EntityNotFoundError(entityPath, [
      ...[...this.queues.values()].map((q) => q.config.name),
      ...[...this.topics.values()].map((t) => t.config.name),
    ]);
  }

  private schedule(node: QueueNode | TopicNode, content: MessageContent, sequenceNumber: number, due: number): void {
    const message = this.stored(content, sequenceNumber, due, node.config.defaultMessageTimeToLiveMs, 0);
    message.state = 'scheduled';
    this.journal.saved(node.config.name, message);
    this.armSchedule(node, message);
  }

  /** Enqueues a scheduled message at its time (the enqueued time it was stored with), on the platform clock. */
  private armSchedule(node: QueueNode | TopicNode, message: StoredMessage): void {
    const sequenceNumber = message.sequenceNumber;
    const wake = this.clock.schedule(message.enqueuedTime, () => {
      if (!node.target.scheduled.delete(sequenceNumber)) return;
      this.journal.removed(node.config.name, sequenceNumber);
      this.deliver(node, message, sequenceNumber, 0, undefined);
    });
    node.target.scheduled.set(sequenceNumber, { message, wake });
  }

  /**
   * The message as an entity holds it. It takes `content` over (its properties object included): every caller passes
   * content it owns (a fresh send, a schedule that fired, a forwarded copy), so nothing is copied here. The fields
   * are written out rather than spread: one object shape for every message keeps the broker's hot path fast.
   */
  private stored(
    content: MessageContent,
    sequenceNumber: number,
    enqueuedTime: number,
    entityTtl: number,
    hops: number,
    deadLetterSource?: string,
  ): StoredMessage {
    // The entity's DefaultMessageTimeToLive caps what the sender asked for, as the broker does.
    const ttl = Math.min(content.timeToLive ?? Infinity, entityTtl);
    return {
      body: content.body,
      contentType: content.contentType,
      messageId: content.messageId,
      correlationId: content.correlationId,
      subject: content.subject,
      to: content.to,
      replyTo: content.replyTo,
      replyToSessionId: content.replyToSessionId,
      sessionId: content.sessionId,
      partitionKey: content.partitionKey,
      timeToLive: content.timeToLive,
      scheduledEnqueueTime: content.scheduledEnqueueTime,
      applicationProperties: content.applicationProperties,
      sequenceNumber,
      enqueuedTime,
      effectiveTimeToLive: ttl,
      expiresAt: enqueuedTime + ttl,
      deliveryCount: 0,
      state: 'active',
      deadLetterSource,
      lockToken: undefined,
      lockedUntil: undefined,
      hops,
    };
  }

  /** Puts a message that is due now into a queue, or fans it out over a topic's subscriptions. */
  private deliver(
    node: QueueNode | TopicNode,
    content: MessageContent,
    sequenceNumber: number,
    hops: number,
    deadLetterSource: string | undefined,
  ): void {
    const now = this.clock.now();
    if (node.kind === 'queue') {
      this.enqueueOrForward(
        node,
        this.stored(content, sequenceNumber, now, node.config.defaultMessageTimeToLiveMs, hops, deadLetterSource),
      );
      return;
    }
    const atTopic = this.stored(
      content,
      sequenceNumber,
      now,
      node.config.defaultMessageTimeToLiveMs,
      hops,
      deadLetterSource,
    );
    const view = filterView(atTopic, messageSize(atTopic));
    let routed = false;
    for (const sub of node.subscriptions) {
      const matching = sub.rules.filter((r) => r.filter.matches(view));
      if (!matching.length) continue;
      routed = true;
      const ttl = Math.min(atTopic.effectiveTimeToLive, sub.config.defaultMessageTimeToLiveMs);
      const copy = (sequenceNumber: number): StoredMessage => ({
        ...atTopic,
        ...copyContent(atTopic),
        sequenceNumber,
        effectiveTimeToLive: ttl,
        expiresAt: now + ttl,
      });
      // As Service Bus does: the rules without an action give one copy between them; each rule with an action gives
      // a copy of its own, changed by the action and carrying the rule's name (RuleName). A second copy needs a
      // sequence number of its own: the topic hands out the next one.
      let first = true;
      const number = (): number => (first ? ((first = false), sequenceNumber) : this.nextSequenceNumber(node));
      if (matching.some((r) => !r.action)) this.admit(node, sub, copy(number()));
      for (const rule of matching) {
        if (!rule.action) continue;
        const changed = copy(number());
        rule.action.apply(changed);
        changed.applicationProperties.RuleName = rule.name;
        this.admit(node, sub, changed);
      }
    }
    if (!routed) {
      node.unrouted++;
      this.emit('dropped', {
        entity: node.config.name,
        messageId: content.messageId,
        reason: 'noMatchingSubscription',
      });
    }
  }

  /** A subscription's copy of a topic message goes in, unless the subscription needs a session it lacks. */
  private admit(topic: TopicNode, sub: SubscriptionNode, copy: StoredMessage): void {
    if (sub.config.requiresSession && copy.sessionId === undefined) {
      // A topic cannot refuse one subscription's copy; the subscription cannot take it without a session.
      this.moveToDeadLetter(
        sub.entity,
        copy,
        'SessionIdIsMissing',
        `The subscription '${sub.entity.path}' requires sessions and the message has no SessionId; set sessionId when sending to '${topic.config.name}'.`,
      );
      return;
    }
    this.enqueueOrForward(sub, copy);
  }

  private enqueueOrForward(receiver: Receiver, message: StoredMessage): void {
    const forwardTo = receiver.config.forwardTo;
    if (!forwardTo) {
      receiver.entity.enqueue(message);
      return;
    }
    if (message.hops >= MAX_HOPS) {
      this.moveToDeadLetter(
        receiver.entity,
        message,
        'MaxTransferHopCountExceeded',
        `The message was auto-forwarded ${message.hops} times; Service Bus allows ${MAX_HOPS} hops.`,
      );
      return;
    }
    this.forward(forwardTo, message, message.hops + 1, message.deadLetterSource);
  }

  private forward(
    targetName: string,
    message: StoredMessage,
    hops: number,
    deadLetterSource: string | undefined,
  ): void {
    const target = this.sendTarget(targetName);
    this.deliver(target, copyContent(message), this.nextSequenceNumber(target), hops, deadLetterSource);
  }

  private moveToDeadLetter(from: MessageEntity, message: StoredMessage, reason: string, description: string): void {
    const owner = this.owners.get(from)!;
    // Service Bus records the reason as application properties of the dead-lettered message.
    if (reason) message.applicationProperties.DeadLetterReason = reason;
    if (description) message.applicationProperties.DeadLetterErrorDescription = description;
    message.state = 'active';
    this.emit('deadLettered', {
      entity: from.path,
      message: snapshot(message, deadLetterPath(from.path)),
      reason,
      description,
    });
    const forwardTo = owner.config.forwardDeadLetteredMessagesTo;
    if (forwardTo) {
      this.forward(forwardTo, message, message.hops + 1, from.path);
      return;
    }
    owner.dlq.enqueue(message);
  }
}
