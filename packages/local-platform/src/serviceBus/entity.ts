import { randomUUID } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';
import { InvalidOperationError, MessageLockLostError, MessageNotFoundError } from './errors';
import { PropertyValue, ReceivedMessage, snapshot, StoredMessage } from './message';
import type { MessageJournal } from './messageStore';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

export interface EntitySettings {
  lockDurationMs: number;
  /** Infinity for a dead-letter queue, which never dead-letters again. */
  maxDeliveryCount: number;
  deadLetteringOnMessageExpiration: boolean;
  /** False for a dead-letter queue: Service Bus does not expire dead-lettered messages. */
  enforceTimeToLive: boolean;
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
  wake: ScheduledWake;
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
  /** Receivable messages in sequence-number order. */
  private available: StoredMessage[] = [];
  private readonly locks = new Map<string, Lock>();
  private readonly deferred = new Map<number, StoredMessage>();
  private expiryWake?: ScheduledWake;
  private expiryDue = Infinity;
  private closed = false;

  constructor(
    readonly path: string,
    readonly settings: EntitySettings,
    private readonly hooks: EntityHooks,
  ) {}

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

  receive(maxMessages: number, mode: ReceiveMode): ReceivedMessage[] {
    if (!(maxMessages >= 1)) throw new InvalidOperationError(`maxMessages must be at least 1, got ${maxMessages}.`);
    const now = this.hooks.clock.now();
    this.sweepExpired(now);
    const out: ReceivedMessage[] = [];
    while (out.length < maxMessages && this.available.length > 0) {
      const message = this.available.shift()!;
      message.deliveryCount++;
      if (mode === 'receiveAndDelete') {
        this.hooks.journal.removed(this.path, message.sequenceNumber);
        out.push(snapshot(message, this.path));
        continue;
      }
      // The delivery is counted durably, so a message that crashes its consumer still reaches MaxDeliveryCount.
      this.hooks.journal.changed(this.path, message);
      this.lock(message, now);
      out.push(snapshot(message, this.path));
    }
    return out;
  }

  /** Receives deferred messages by sequence number, locked, as ServiceBusReceiver.receiveDeferredMessages does. */
  receiveDeferred(sequenceNumbers: number[]): ReceivedMessage[] {
    const now = this.hooks.clock.now();
    const missing = sequenceNumbers.filter((s) => !this.deferred.has(s));
    if (missing.length)
      throw new MessageNotFoundError(
        `No deferred message with sequence number ${missing.join(', ')} in '${this.path}'; it was never deferred, was already received, or expired.`,
      );
    return sequenceNumbers.map((s) => {
      const message = this.deferred.get(s)!;
      this.deferred.delete(s);
      message.deliveryCount++;
      this.hooks.journal.changed(this.path, message);
      this.lock(message, now);
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
    lock.wake.cancel();
    const now = this.hooks.clock.now();
    lock.message.lockedUntil = now + this.settings.lockDurationMs;
    lock.wake = this.hooks.clock.schedule(lock.message.lockedUntil, () => this.lockExpired(lockToken));
    return new Date(lock.message.lockedUntil);
  }

  isLocked(lockToken: string): boolean {
    return this.locks.has(lockToken);
  }

  /** Browses without locking: receivable, locked and deferred messages in sequence order. */
  peek(maxMessages: number, fromSequenceNumber = 0): ReceivedMessage[] {
    this.sweepExpired(this.hooks.clock.now());
    return this.all()
      .filter((m) => m.sequenceNumber >= fromSequenceNumber)
      .slice(0, maxMessages)
      .map((m) => snapshot(m, this.path));
  }

  counts(): EntityCounts {
    this.sweepExpired(this.hooks.clock.now());
    return {
      active: this.available.length + this.locks.size,
      locked: this.locks.size,
      deferred: this.deferred.size,
    };
  }

  hasAvailable(): boolean {
    this.sweepExpired(this.hooks.clock.now());
    return this.available.length > 0;
  }

  close(): void {
    this.closed = true;
    this.expiryWake?.cancel();
    for (const lock of this.locks.values()) lock.wake.cancel();
  }

  private all(): StoredMessage[] {
    return [...this.available, ...[...this.locks.values()].map((l) => l.message), ...this.deferred.values()].sort(
      (a, b) => a.sequenceNumber - b.sequenceNumber,
    );
  }

  private insert(message: StoredMessage): void {
    const list = this.available;
    // Redelivered messages go back to their place in sequence order, as the broker keeps them.
    if (list.length === 0 || list[list.length - 1].sequenceNumber < message.sequenceNumber) {
      list.push(message);
      return;
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].sequenceNumber < message.sequenceNumber) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, message);
  }

  private lock(message: StoredMessage, now: number): void {
    const token = randomUUID();
    message.lockToken = token;
    message.lockedUntil = now + this.settings.lockDurationMs;
    this.locks.set(token, {
      message,
      wake: this.hooks.clock.schedule(message.lockedUntil, () => this.lockExpired(token)),
    });
  }

  private takeLock(lockToken: string): StoredMessage {
    const lock = this.locks.get(lockToken);
    if (!lock) throw new MessageLockLostError(this.path, lockToken);
    lock.wake.cancel();
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
    this.available = this.available.filter((m) => (m.expiresAt <= now ? (expired.push(m), false) : true));
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
    for (const m of this.available) next = Math.min(next, m.expiresAt);
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
