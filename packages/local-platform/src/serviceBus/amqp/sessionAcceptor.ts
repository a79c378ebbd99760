import { types, type AmqpError, type Sender } from 'rhea';
import { pathKey } from '../entityPath';
import type { ServiceBusNamespace } from '../namespace';
import { CONDITIONS, toAmqpError } from './amqpErrors';

export const SESSION_FILTER = 'com.microsoft:session-filter';
const LOCKED_UNTIL = 'com.microsoft:locked-until-utc';
const TIMEOUT = 'com.microsoft:timeout';

/** How long a receiver waits for a free session when it names no timeout (the SDK's operation timeout). */
const DEFAULT_WAIT_MS = 60_000;
/** The longest wait a client may ask for: a timer per waiting link is the broker's to keep. */
const MAX_WAIT_MS = 10 * 60_000;

/** .NET ticks (100 ns since 0001-01-01) as 8 big-endian bytes: how Service Bus gives a session's locked-until. */
export function dotNetTicks(date: Date): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(date.getTime()) * 10_000n + 621_355_968_000_000_000n);
  return bytes;
}

/** rhea's link fields the acceptor drives: the attach it answers with, and when that answer goes out. */
interface PendingAttach {
  local: { attach: Record<string, unknown> };
  remote: { attach?: { properties?: Record<string, unknown> } };
  state: { local_open: boolean; open_requests: number };
  source?: Record<string, unknown>;
  set_source(fields: Record<string, unknown>): void;
}

interface Waiter {
  link: Sender;
  entityPath: string;
  timer?: NodeJS.Timeout;
  /** Tries to lock a session for the link again; true once it was answered. */
  retry(): boolean;
}

/**
 * Session receivers' attach (`com.microsoft:session-filter`): the session named, or (null) the next free one,
 * locked for the link and echoed in the filter with `com.microsoft:locked-until-utc` in .NET ticks. When no session
 * is free the attach waits, as Azure's does, until one is (a send, a released lock) or the client's
 * `com.microsoft:timeout` runs out; then the link is attached without a source and detached with
 * `com.microsoft:timeout`, which the SDK reports as ServiceTimeout. A session another receiver holds is refused
 * at once with `com.microsoft:session-cannot-be-locked`.
 */
export class SessionAcceptor {
  private readonly waiting = new Map<string, Set<Waiter>>();

  constructor(
    private readonly namespace: ServiceBusNamespace,
    /** Where refusals are told in the broker's words (the SDK shows its own for a named session). */
    private readonly report: (message: string) => void = () => undefined,
  ) {}

  /**
   * Answers a session receiver's attach. `accepted` runs once the session is locked for the link, before the attach
   * goes out; `onLost` when that lock later expires.
   */
  accept(
    link: Sender,
    entityPath: string,
    requested: string | undefined,
    accepted: (sessionId: string) => void,
    onLost: () => void,
  ): void {
    if (this.tryAccept(link, entityPath, requested, accepted, onLost)) return;
    // No session is free: hold the attach back (rhea would send it on this turn) until one is.
    const pending = link as unknown as PendingAttach;
    pending.state.local_open = false;
    pending.state.open_requests = Math.max(0, pending.state.open_requests - 1);
    const wait = Number(pending.remote.attach?.properties?.[TIMEOUT] ?? DEFAULT_WAIT_MS);
    const waiter: Waiter = {
      link,
      entityPath,
      retry: () => this.tryAccept(link, entityPath, undefined, accepted, onLost, true),
    };
    waiter.timer = setTimeout(
      () => this.timedOut(waiter),
      Number.isFinite(wait) && wait > 0 ? Math.min(wait, MAX_WAIT_MS) : DEFAULT_WAIT_MS,
    );
    const key = pathKey(entityPath);
    const set = this.waiting.get(key) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiting.set(key, set);
    link.once('sender_close', () => this.forget(waiter));
  }

  /** Messages became available on `entityPath` (or a session lock ended): waiting receivers try again, in order. */
  retry(entityPath: string): void {
    for (const waiter of [...(this.waiting.get(pathKey(entityPath)) ?? [])]) {
      // A client gone while it waited must not lock a session nobody will receive from.
      if (!waiter.link.connection.is_open() || waiter.retry()) this.forget(waiter);
    }
  }

  /** Forgets the waiting links of a connection that went away: nobody is left to answer. */
  dropConnection(connection: unknown): void {
    for (const set of [...this.waiting.values()])
      for (const waiter of [...set]) if (waiter.link.connection === connection) this.forget(waiter);
  }

  /** Ends every wait (the listener closes); the connections go with it. */
  close(): void {
    for (const set of this.waiting.values()) for (const w of set) clearTimeout(w.timer);
    this.waiting.clear();
  }

  private tryAccept(
    link: Sender,
    entityPath: string,
    requested: string | undefined,
    accepted: (sessionId: string) => void,
    onLost: () => void,
    deferred = false,
  ): boolean {
    const pending = link as unknown as PendingAttach;
    let session: { sessionId: string; lockedUntil: Date } | undefined;
    try {
      session = this.namespace.acceptSession(entityPath, requested, link, onLost);
    } catch (e) {
      const error = toAmqpError(e);
      this.report(`Service Bus (AMQP): refused a session receiver on '${entityPath}': ${String(error.description)}`);
      this.refuse(link, error, deferred);
      return true;
    }
    if (!session) return false;
    pending.set_source({ ...(pending.source ?? {}), filter: { [SESSION_FILTER]: session.sessionId } });
    pending.local.attach.properties = {
      ...((pending.local.attach.properties as Record<string, unknown> | undefined) ?? {}),
      [LOCKED_UNTIL]: types.wrap_long(dotNetTicks(session.lockedUntil)),
    };
    accepted(session.sessionId);
    if (deferred) link.open();
    return true;
  }

  private timedOut(waiter: Waiter): void {
    this.forget(waiter);
    if (!waiter.link.connection.is_open()) return;
    this.refuse(
      waiter.link,
      {
        condition: CONDITIONS.timeout,
        description: `No session of '${waiter.entityPath}' became free within the receiver's timeout; every session with messages is locked by another receiver, or none has messages.`,
      },
      true,
    );
  }

  /** Attaches without a source (no session) and detaches at once with the reason, as the service does. */
  private refuse(link: Sender, error: AmqpError, deferred: boolean): void {
    const pending = link as unknown as PendingAttach;
    pending.local.attach.source = null;
    if (deferred) link.open();
    link.close(error);
  }

  private forget(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const key = pathKey(waiter.entityPath);
    const set = this.waiting.get(key);
    set?.delete(waiter);
    if (set && set.size === 0) this.waiting.delete(key);
  }
}
