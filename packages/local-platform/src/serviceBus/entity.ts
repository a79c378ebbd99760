import { randomUUID } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';
import { InvalidOperationError, MessageLockLostError, MessageNotFoundError, SessionLockLostError } from './errors';
import { PropertyValue, ReceivedMessage, snapshot, StoredMessage } from './message';
import { LockTimeline } from './lockTimeline';
import { MessageLine } from './messageLine';
import { SessionHolder, SessionLocks } from './sessionLocks';
import type { MessageJournal } from './messageStore';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

export interface EntitySettings {
  lockDurationMs: number;
  /** Infinity for a dead-letter queue, which never dead-letters again. */
  maxDeliveryCount: number;
  deadLetteringOnMessageExpiration: boolean;
  /** False for a dead-letter queue: Service Bus does not expire dead-lettered messages. */
  enforceTimeToLive: boolean;
  /** Messages are received only through a session lock, each session in order (RequiresSession). */
  requiresSession: boolean;
}

export interface EntityHooks {
  clock: Clock;
  /** Where every change to the messages held here is recorded, to survive a restart. */
  journal: MessageJournal;
  /** Messages became receivable here. */
  available(entity: MessageEntity): void;
  /**
   * Moves a message out to the dead-letter queue (or where ForwardDeadLetteredMessagesTo points). Undefined
   * for a dead-letter queue itself.
   */
  deadLetter?(entity: MessageEntity, message: StoredMessage, reason: string, description: string): void;
  /** A message left without being consumed (TTL expiry without dead-lettering). */
  dropped(entity: MessageEntity, message: StoredMessage, reason: 'expired'): void;
}

interface Lock {
  message: StoredMessage;
  /** Set for a message of a session: the session's lock times it, not the entity's lock timeline. */
  sessionId?: string;
}

export interface EntityCounts {
  /** Receivable plus locked, as Service Bus counts active messages. */
  active: number;
  locked: number;
  deferred: number;
}

const MAX_DELIVERY_REASON = 'MaxDeliveryCountExceeded';
const TTL_REASON = 'TTLExpiredException';

/**
 * One receivable message store: a queue, a subscription, or a dead-letter sub-queue. It owns peek-lock
 * (lock tokens with expiry on the clock, delivery counts), settlement, deferral, and TTL expiry. Scheduling
 * and duplicate detection belong to the sending side (queue or topic) and live in the namespace. Every change
 * to a message is recorded in the journal; locks are not, so a restart loses them as a lock expiry would.
 */
export class MessageEntity {
  /**
   * Receivable messages in sequence-number order, by line: one line ('') for an entity without sessions, one per
   * session id for a session-enabled one (a session's line goes when it empties, so ids do not pile up).
   */
  private readonly lines = new Map<string, MessageLine>();
  private availableCount = 0;
  private readonly locks = new Map<string, Lock>();
  private readonly sessions: SessionLocks;
  private readonly lockTimeline: LockTimeline;
  private readonly deferred = new Map<number, StoredMessage>();
  private expiryWake?: ScheduledWake;
  private expiryDue = Infinity;
  private closed = false;

  constructor(
    readonly path: string,
    readonly settings: EntitySettings,
    private readonly hooks: EntityHooks,
  ) {
    const current = (token: string, until: number): boolean => this.locks.get(token)?.message.lockedUntil === until;
    this.lockTimeline = new LockTimeline(
      hooks.clock,
      (token, until) => {
        if (!current(token, until)) return false;
        this.lockExpired(token);
        return true;
      },
      current,
    );
    this.sessions = new SessionLocks(path, hooks.clock, settings.lockDurationMs, hooks.journal, (tokens) => {
      for (const token of tokens) if (this.locks.has(token)) this.release(this.takeLock(token));
      this.hooks.available(this);
    });
  }

  get isDeadLetterQueue(): boolean {
    return this.hooks.deadLetter === undefined;
  }

  enqueue(message: StoredMessage): void {
    message.state = 'active';
    message.lockToken = undefined;
    message.lockedUntil = undefined;
    this.insert(message);
    this.hooks.journal.saved(this.path, message);
    this.armExpiry(message.expiresAt);
    this.hooks.available(this);
  }

  /**
   * Puts back a message a previous run left here. A lock it held is gone, as after a lock expiry: the delivery
   * it counted stays counted, and if that was the last one allowed the message goes to the dead-letter queue.
   */
  restore(message: StoredMessage): void {
    message.lockToken = undefined;
    message.lockedUntil = undefined;
    if (message.state === 'deferred') {
      this.deferred.set(message.sequenceNumber, message);
      this.armExpiry(message.expiresAt);
      return;
    }
    if (message.deliveryCount >= this.settings.maxDeliveryCount) {
      this.release(message);
      return;
    }
    this.insert(message);
    this.armExpiry(message.expiresAt);
    this.hooks.available(this);
  }

  receive(maxMessages: number, mode: ReceiveMode, session?: SessionHolder): ReceivedMessage[] {
    if (!(maxMessages >= 1)) throw new InvalidOperationError(`maxMessages must be at least 1, got ${maxMessages}.`);
    const key = this.lineFor(session);
    const now = this.hooks.clock.now();
    this.sweepExpired(now);
    const line = this.lines.get(key);
    const out: ReceivedMessage[] = [];
    while (line && out.length < maxMessages && line.length > 0) {
      const message = line.take()!;
      this.availableCount--;
      message.deliveryCount++;
      if (mode === 'receiveAndDelete') {
        this.hooks.journal.removed(this.path, message.sequenceNumber);
        out.push(snapshot(message, this.path));
        continue;
      }
      // The delivery is counted durably, so a message that crashes its consumer still reaches MaxDeliveryCount.
      this.hooks.journal.counted(this.path, message);
      this.lock(message, now, session?.sessionId);
      out.push(snapshot(message, this.path));
    }
    if (line && line.length === 0 && key !== '') this.lines.delete(key);
    return out;
  }

  /**
   * The line a receiver takes from: a session entity is received from only under a session lock the receiver holds,
   * an entity without sessions only without one, as Service Bus refuses the other kind of receiver.
   */
  private lineFor(session: SessionHolder | undefined): string {
    if (!this.settings.requiresSession) {
      if (session)
        throw new InvalidOperationError(
          `'${this.path}' does not require sessions, so it has no session '${session.sessionId}': receive with createReceiver, not acceptSession.`,
        );
      return '';
    }
    if (!session)
      throw new InvalidOperationError(
        `'${this.path}' requires sessions: receive through a session (acceptSession or acceptNextSession), not createReceiver.`,
      );
    this.sessions.held(session);
    return session.sessionId;
  }

  /** Receives deferred messages by sequence number, locked, as ServiceBusReceiver.receiveDeferredMessages does. */
  receiveDeferred(sequenceNumbers: number[], sessionId?: string): ReceivedMessage[] {
    const now = this.hooks.clock.now();
    if (this.settings.requiresSession && (sessionId === undefined || !this.sessions.isLocked(sessionId)))
      throw new SessionLockLostError(this.path, sessionId ?? '(none given)');
    const missing = sequenceNumbers.filter(
      (s) => !this.deferred.has(s) || (sessionId !== undefined && this.deferred.get(s)!.sessionId !== sessionId),
    );
    if (missing.length)
      throw new MessageNotFoundError(
        `No deferred message with sequence number ${missing.join(', ')} in '${this.path}'; it was never deferred, was already received, or expired.`,
      );
    return sequenceNumbers.map((s) => {
      const message = this.deferred.get(s)!;
      this.deferred.delete(s);
      message.deliveryCount++;
      this.hooks.journal.changed(this.path, message);
      this.lock(message, now, this.settings.requiresSession ? sessionId : undefined);
      return snapshot(message, this.path);
    });
  }

  complete(lockToken: string): void {
    this.hooks.journal.removed(this.path, this.takeLock(lockToken).sequenceNumber);
  }

  abandon(lockToken: string, propertiesToModify?: Record<string, PropertyValue>): void {
    const message = this.takeLock(lockToken);
    if (propertiesToModify) Object.assign(message.applicationProperties, propertiesToModify);
    this.release(message);
  }

  deadLetter(
    lockToken: string,
    options: { reason?: string; description?: string; propertiesToModify?: Record<string, PropertyValue> } = {},
  ): void {
    if (!this.hooks.deadLetter)
      throw new InvalidOperationError(
        `'${this.path}' is a dead-letter queue; its messages cannot be dead-lettered again. Complete them, or resend them to the original entity.`,
      );
    const message = this.takeLock(lockToken);
    if (options.propertiesToModify) Object.assign(message.applicationProperties, options.propertiesToModify);
    this.moveToDeadLetter(message, options.reason ?? '', options.description ?? '');
  }

  defer(lockToken: string, propertiesToModify?: Record<string, PropertyValue>): void {
    const message = this.takeLock(lockToken);
    if (propertiesToModify) Object.assign(message.applicationProperties, propertiesToModify);
    message.state = 'deferred';
    this.deferred.set(message.sequenceNumber, message);
    this.hooks.journal.changed(this.path, message);
    this.armExpiry(message.expiresAt);
  }

  /** Extends the lock by the entity's LockDuration from now; returns the new locked-until time. */
  renewLock(lockToken: string): Date {
    const lock = this.locks.get(lockToken);
    if (!lock) throw new MessageLockLostError(this.path, lockToken);
    if (lock.sessionId !== undefined)
      throw new InvalidOperationError(
        `The message ${lockToken} of '${this.path}' is locked by its session '${lock.sessionId}': renew the session lock (renewSessionLock) instead.`,
      );
    lock.message.lockedUntil = this.hooks.clock.now() + this.settings.lockDurationMs;
    this.lockTimeline.add(lockToken, lock.message.lockedUntil);
    return new Date(lock.message.lockedUntil);
  }

  /**
   * Locks a session for `owner`: the one named, or (undefined) the free session whose next message is the oldest.
   * Returns undefined when no session is free; throws SessionCannotBeLockedError when the named one is held.
   */
  acceptSession(
    sessionId: string | undefined,
    owner: object,
    onLost: () => void,
  ): { sessionId: string; lockedUntil: Date } | undefined {
    if (!this.settings.requiresSession)
      throw new InvalidOperationError(
        `'${this.path}' does not require sessions: receive with createReceiver, or set RequiresSession on the entity.`,
      );
    this.sweepExpired(this.hooks.clock.now());
    const id = sessionId ?? this.nextFreeSession();
    if (id === undefined) return undefined;
    return { sessionId: id, lockedUntil: this.sessions.lock(id, owner, onLost) };
  }

  /** True when acceptSession(undefined) would find a session now. */
  hasFreeSession(): boolean {
    this.sweepExpired(this.hooks.clock.now());
    return this.nextFreeSession() !== undefined;
  }

  /** The holder lets the session go (its receiver closed): its unsettled messages go back in line, in order. */
  releaseSession(session: SessionHolder): void {
    this.sessions.release(session);
  }

  /** Extends a session lock by the LockDuration from now; its messages' locks follow. */
  renewSessionLock(sessionId: string): Date {
    const until = this.sessions.renew(sessionId);
    for (const token of this.sessions.current(sessionId)!.tokens) {
      const held = this.locks.get(token);
      if (held) held.message.lockedUntil = until;
    }
    return new Date(until);
  }

  /** The session's state (undefined when none was set); only a session lock's holder reads it, as in Azure. */
  sessionState(sessionId: string): Buffer | undefined {
    return this.sessions.state(sessionId);
  }

  setSessionState(sessionId: string, state: Buffer | undefined): void {
    this.sessions.setState(sessionId, state);
  }

  /** A state a previous run kept. */
  restoreSessionState(sessionId: string, state: Buffer): void {
    this.sessions.restoreState(sessionId, state);
  }

  /**
   * Ids of the sessions that hold messages (receivable, locked or deferred) or a state, sorted; with `updatedSince`,
   * only those with a message enqueued or a state set since then.
   */
  sessionIds(updatedSince = -Infinity): string[] {
    const updated = new Map<string, number>(this.sessions.withState());
    for (const m of this.all())
      if (m.sessionId !== undefined)
        updated.set(m.sessionId, Math.max(updated.get(m.sessionId) ?? -Infinity, m.enqueuedTime));
    return [...updated]
      .filter(([, at]) => at >= updatedSince)
      .map(([id]) => id)
      .sort();
  }

  private nextFreeSession(): string | undefined {
    let best: string | undefined;
    let oldest = Infinity;
    for (const [id, line] of this.lines)
      if (id !== '' && line.length && !this.sessions.isLocked(id) && line.first()!.sequenceNumber < oldest) {
        best = id;
        oldest = line.first()!.sequenceNumber;
      }
    return best;
  }

  isLocked(lockToken: string): boolean {
    return this.locks.has(lockToken);
  }

  /** Browses without locking: receivable, locked and deferred messages in sequence order. */
  peek(maxMessages: number, fromSequenceNumber = 0, sessionId?: string): ReceivedMessage[] {
    this.sweepExpired(this.hooks.clock.now());
    return this.all()
      .filter((m) => m.sequenceNumber >= fromSequenceNumber && (sessionId === undefined || m.sessionId === sessionId))
      .slice(0, maxMessages)
      .map((m) => snapshot(m, this.path));
  }

  counts(): EntityCounts {
    this.sweepExpired(this.hooks.clock.now());
    return {
      active: this.availableCount + this.locks.size,
      locked: this.locks.size,
      deferred: this.deferred.size,
    };
  }

  /** Something to receive: on an entity without sessions, or in the given session of a session entity. */
  hasAvailable(sessionId?: string): boolean {
    this.sweepExpired(this.hooks.clock.now());
    return (this.lines.get(sessionId ?? '')?.length ?? 0) > 0;
  }

  close(): void {
    this.closed = true;
    this.expiryWake?.cancel();
    this.lockTimeline.close();
    this.sessions.close();
  }

  private all(): StoredMessage[] {
    return [
      ...[...this.lines.values()].flatMap((line) => [...line]),
      ...[...this.locks.values()].map((l) => l.message),
      ...this.deferred.values(),
    ].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  private insert(message: StoredMessage): void {
    const key = this.settings.requiresSession ? (message.sessionId ?? '') : '';
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = new MessageLine()));
    this.availableCount++;
    // Redelivered messages go back to their place in sequence order, as the broker keeps them.
    line.insert(message);
  }

  private lock(message: StoredMessage, now: number, sessionId?: string): void {
    const token = randomUUID();
    message.lockToken = token;
    const session = sessionId === undefined ? undefined : this.sessions.current(sessionId);
    if (session) {
      // A session's messages are locked as long as the session is: they go back when its lock ends.
      message.lockedUntil = session.lockedUntil;
      session.tokens.add(token);
      this.locks.set(token, { message, sessionId });
      return;
    }
    message.lockedUntil = now + this.settings.lockDurationMs;
    this.locks.set(token, { message });
    this.lockTimeline.add(token, message.lockedUntil);
  }

  private takeLock(lockToken: string): StoredMessage {
    const lock = this.locks.get(lockToken);
    if (!lock) throw new MessageLockLostError(this.path, lockToken);
    if (lock.sessionId !== undefined) this.sessions.current(lock.sessionId)?.tokens.delete(lockToken);
    this.locks.delete(lockToken);
    lock.message.lockToken = undefined;
    lock.message.lockedUntil = undefined;
    return lock.message;
  }

  private lockExpired(lockToken: string): void {
    if (this.closed || !this.locks.has(lockToken)) return;
    this.release(this.takeLock(lockToken));
  }

  /** A lock ended without completion: back in line, or to the dead-letter queue once deliveries are used up. */
  private release(message: StoredMessage): void {
    const now = this.hooks.clock.now();
    if (this.settings.enforceTimeToLive && message.expiresAt <= now) {
      this.expire(message);
      return;
    }
    if (message.deliveryCount >= this.settings.maxDeliveryCount && this.hooks.deadLetter) {
      this.moveToDeadLetter(
        message,
        MAX_DELIVERY_REASON,
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
      return;
    }
    message.state = 'active';
    this.insert(message);
    this.hooks.journal.changed(this.path, message);
    this.armExpiry(message.expiresAt);
    this.hooks.available(this);
  }

  private expire(message: StoredMessage): void {
    if (this.settings.deadLetteringOnMessageExpiration && this.hooks.deadLetter) {
      this.moveToDeadLetter(message, TTL_REASON, 'The message expired and was dead lettered.');
    } else {
      this.hooks.journal.removed(this.path, message.sequenceNumber);
      this.hooks.dropped(this, message, 'expired');
    }
  }

  private moveToDeadLetter(message: StoredMessage, reason: string, description: string): void {
    this.hooks.journal.removed(this.path, message.sequenceNumber);
    this.hooks.deadLetter!(this, message, reason, description);
  }

  /** Expired messages leave when the broker touches them; here on every read and on a wake at the next expiry. */
  private sweepExpired(now: number): void {
    if (!this.settings.enforceTimeToLive || this.expiryDue > now) return;
    const expired: StoredMessage[] = [];
    for (const [key, line] of this.lines) {
      const gone = line.removeWhere((m) => m.expiresAt <= now);
      if (!gone.length) continue;
      expired.push(...gone);
      this.availableCount -= gone.length;
      if (!line.length && key !== '') this.lines.delete(key);
    }
    for (const [seq, m] of this.deferred) {
      if (m.expiresAt <= now) {
        this.deferred.delete(seq);
        expired.push(m);
      }
    }
    expired.sort((a, b) => a.sequenceNumber - b.sequenceNumber).forEach((m) => this.expire(m));
    this.expiryWake?.cancel();
    this.expiryWake = undefined;
    this.expiryDue = Infinity;
    let next = Infinity;
    for (const line of this.lines.values()) for (const m of line) next = Math.min(next, m.expiresAt);
    for (const m of this.deferred.values()) next = Math.min(next, m.expiresAt);
    this.armExpiry(next);
  }

  private armExpiry(at: number): void {
    if (!this.settings.enforceTimeToLive || !Number.isFinite(at) || at >= this.expiryDue || this.closed) return;
    this.expiryWake?.cancel();
    this.expiryDue = at;
    this.expiryWake = this.hooks.clock.schedule(at, () => {
      this.expiryWake = undefined;
      this.sweepExpired(this.hooks.clock.now());
    });
  }
}
