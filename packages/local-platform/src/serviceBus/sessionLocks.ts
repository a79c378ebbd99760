import type { Clock, ScheduledWake } from '../clock';
import { SessionCannotBeLockedError, SessionLockLostError } from './errors';
import type { MessageJournal } from './messageStore';

/** Who holds a session lock: the receiving link (or trigger) that accepted the session. */
export interface SessionHolder {
  sessionId: string;
  owner: object;
}

interface SessionLock {
  owner: object;
  lockedUntil: number;
  wake: ScheduledWake;
  /** Lock tokens of the messages received under this session lock: they go back when it ends. */
  tokens: Set<string>;
  /** Told when the lock expires, so the holder's link can end with SessionLockLost. */
  onLost: () => void;
}

/**
 * The session locks and session states of one session-enabled entity. A session is held by one receiver at a time
 * for the entity's LockDuration, renewed on request; the messages received under it are locked with it and go back
 * (their delivery counted) when it ends: released, expired, or its receiver gone. States are kept in the journal.
 */
export class SessionLocks {
  private readonly locks = new Map<string, SessionLock>();
  /** Each state with when it was last set (at a restart: when it was read back). */
  private readonly states = new Map<string, { state: Buffer; setAt: number }>();

  constructor(
    private readonly entityPath: string,
    private readonly clock: Clock,
    private readonly lockDurationMs: number,
    private readonly journal: MessageJournal,
    /** A lock ended: the messages locked under it go back in line. */
    private readonly ended: (tokens: string[]) => void,
  ) {}

  isLocked(sessionId: string): boolean {
    return this.locks.has(sessionId);
  }

  /** Locks the session for `owner`; SessionCannotBeLockedError when another holds it. */
  lock(sessionId: string, owner: object, onLost: () => void): Date {
    const held = this.locks.get(sessionId);
    if (held)
      throw new SessionCannotBeLockedError(
        `The session '${sessionId}' of '${this.entityPath}' is locked by another receiver until ${new Date(held.lockedUntil).toISOString()}; ` +
          'Service Bus lets one receiver hold a session at a time. Close that receiver, or wait for its lock to end.',
      );
    const lockedUntil = this.clock.now() + this.lockDurationMs;
    this.locks.set(sessionId, {
      owner,
      lockedUntil,
      wake: this.clock.schedule(lockedUntil, () => this.expired(sessionId)),
      tokens: new Set(),
      onLost,
    });
    return new Date(lockedUntil);
  }

  /** The holder's lock; SessionLockLostError when it holds none (expired, released, never taken). */
  held(holder: SessionHolder): { lockedUntil: number; tokens: Set<string> } {
    const lock = this.locks.get(holder.sessionId);
    if (!lock || lock.owner !== holder.owner) throw new SessionLockLostError(this.entityPath, holder.sessionId);
    return lock;
  }

  /** The lock of a session, held by anyone; undefined when it is free. */
  current(sessionId: string): { lockedUntil: number; tokens: Set<string> } | undefined {
    return this.locks.get(sessionId);
  }

  /** The holder lets the session go (its receiver closed). */
  release(holder: SessionHolder): void {
    const lock = this.locks.get(holder.sessionId);
    if (lock && lock.owner === holder.owner) this.end(holder.sessionId, lock);
  }

  /** Extends a session lock by the LockDuration from now; returns the new locked-until time. */
  renew(sessionId: string): number {
    const lock = this.locks.get(sessionId);
    if (!lock) throw new SessionLockLostError(this.entityPath, sessionId);
    lock.wake.cancel();
    lock.lockedUntil = this.clock.now() + this.lockDurationMs;
    lock.wake = this.clock.schedule(lock.lockedUntil, () => this.expired(sessionId));
    return lock.lockedUntil;
  }

  /** The session's state (undefined when none was set); only while the session is locked, as in Azure. */
  state(sessionId: string): Buffer | undefined {
    if (!this.locks.has(sessionId)) throw new SessionLockLostError(this.entityPath, sessionId);
    return this.states.get(sessionId)?.state;
  }

  setState(sessionId: string, state: Buffer | undefined): void {
    if (!this.locks.has(sessionId)) throw new SessionLockLostError(this.entityPath, sessionId);
    const kept = state && state.length ? state : undefined;
    if (kept) this.states.set(sessionId, { state: kept, setAt: this.clock.now() });
    else this.states.delete(sessionId);
    this.journal.sessionStateSet(this.entityPath, sessionId, kept);
  }

  /** A state a previous run kept. */
  restoreState(sessionId: string, state: Buffer): void {
    this.states.set(sessionId, { state, setAt: this.clock.now() });
  }

  /** The sessions that have a state, with when it was set. */
  withState(): Iterable<[string, number]> {
    return [...this.states].map(([id, s]): [string, number] => [id, s.setAt]);
  }

  close(): void {
    for (const lock of this.locks.values()) lock.wake.cancel();
  }

  private expired(sessionId: string): void {
    const lock = this.locks.get(sessionId);
    if (!lock) return;
    this.end(sessionId, lock);
    lock.onLost();
  }

  private end(sessionId: string, lock: SessionLock): void {
    lock.wake.cancel();
    this.locks.delete(sessionId);
    this.ended([...lock.tokens]);
  }
}
