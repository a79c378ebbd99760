import { randomBytes } from 'node:crypto';
import type { Delivery, EventContext, Sender } from 'rhea';
import type { ReceiveMode } from '../entity';
import type { SessionHolder } from '../sessionLocks';
import type { PropertyValue, ReceivedMessage } from '../message';
import type { ServiceBusNamespace } from '../namespace';
import { CONDITIONS, toAmqpError } from './amqpErrors';
import { toAmqpMessage } from './amqpMessage';
import { deliveryTag } from './lockTokens';
import { accepted, rejected } from './outcomes';

/** rhea's sender internals the broker drives: the drain handshake and its outgoing window. */
interface SenderInternals {
  credit: number;
  _draining?: boolean;
  set_drained(drained: boolean): void;
  connection: { _register(): void };
  session: {
    outgoing: {
      available(): number;
      next_pending_delivery: number;
      next_delivery_id: number;
      deliveries: { by_id(id: number): { link: unknown } | undefined };
    };
  };
}

/**
 * Deliveries handed to rhea on this link but not transferred yet. rhea takes credit only when it transfers (on the
 * next tick), so the link's credit alone would let the broker lock more messages than the client asked for; those
 * would wait, locked, for credit that may never come (a receiver that got its batch drains and stops).
 */
function untransferred(link: SenderInternals): number {
  const out = link.session.outgoing;
  let n = 0;
  for (let id = out.next_pending_delivery; id < out.next_delivery_id; id++)
    if (out.deliveries.by_id(id)?.link === link) n++;
  return n;
}

interface DeliveryOutcome {
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
  undeliverable_here?: boolean;
  message_annotations?: Record<string, PropertyValue>;
}

/** Deliveries taken from the entity per turn: bounds the time one link holds the event loop. */
const MAX_PER_TURN = 256;

/**
 * A client's receiving link on a queue, subscription or dead-letter queue. Messages flow as the client grants
 * credit; each is locked (peek-lock, settle mode "second") or removed (receive-and-delete, pre-settled) and its
 * delivery counted durably before it is sent. The client settles by disposition: accepted = complete, modified =
 * abandon (or defer when undeliverable-here), rejected with `com.microsoft:dead-letter` = dead-letter with its
 * reason. The broker answers each by settling the delivery, with the error when the lock was lost, and marks it
 * settled at the client too (the client does not say so again), so the session window never fills.
 */
export class OutboundLink {
  private pumping = false;
  private closed = false;
  private readonly tokens = new WeakMap<Delivery, string>();

  constructor(
    private readonly namespace: ServiceBusNamespace,
    readonly entityPath: string,
    private readonly link: Sender,
    private readonly mode: ReceiveMode,
    /** For a session receiver: the session this link holds the lock of; it is released when the link goes. */
    private readonly session?: SessionHolder,
  ) {
    link.on('sendable', () => this.pump());
    link.on('sender_draining', () => this.pump());
    for (const outcome of ['accepted', 'rejected', 'modified', 'released'] as const)
      link.on(outcome, (context: EventContext) => {
        // The settlement happened; a connection gone before the answer has nobody left to tell.
        this.settle(outcome, context.delivery as Delivery).catch(() => undefined);
      });
    link.on('sender_close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.session) this.namespace.releaseSession(this.entityPath, this.session);
  }

  /** The session's lock expired: the link ends as Azure ends it, and the client must accept the session again. */
  sessionLost(): void {
    if (this.closed) return;
    this.closed = true;
    const sessionId = this.session?.sessionId ?? '';
    this.link.close({
      condition: CONDITIONS.sessionLockLost,
      description: `The lock on session '${sessionId}' of '${this.entityPath}' expired; accept the session again to go on.`,
    });
  }

  /** Sends what the entity has while the client has credit; answers a drain at once when nothing is left. */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    this.fill()
      .catch(() => undefined)
      .finally(() => {
        this.pumping = false;
        this.answerDrain();
      });
  }

  private async fill(): Promise<void> {
    const link = this.link as Sender & SenderInternals;
    while (!this.closed && link.sendable() && this.namespace.hasAvailable(this.entityPath, this.session?.sessionId)) {
      const room = Math.min(link.credit - untransferred(link), MAX_PER_TURN, link.session.outgoing.available());
      if (room < 1) return;
      const messages = this.namespace.receive(this.entityPath, {
        maxMessages: room,
        mode: this.mode,
        session: this.session,
      });
      // The delivery count is durable before the client sees the message, as for every receiver.
      await this.namespace.whenCommitted();
      if (this.closed || !link.is_open()) {
        this.putBack(messages);
        return;
      }
      for (const m of messages) this.deliver(m);
    }
  }

  private deliver(m: ReceivedMessage): void {
    const tag = m.lockToken ? deliveryTag(m.lockToken) : randomBytes(16);
    const delivery = this.link.send(toAmqpMessage(m), tag);
    if (m.lockToken) this.tokens.set(delivery, m.lockToken);
  }

  /** Locked messages the client never got go back in line (their delivery stays counted, as after a lost lock). */
  private putBack(messages: ReceivedMessage[]): void {
    for (const m of messages) if (m.lockToken) this.namespace.abandon(this.entityPath, m.lockToken);
  }

  private answerDrain(): void {
    const link = this.link as Sender & SenderInternals;
    if (this.closed || !link._draining || !link.is_open()) return;
    if (link.credit > 0 && this.namespace.hasAvailable(this.entityPath, this.session?.sessionId) && link.sendable())
      return;
    // Messages still on their way keep their credit: the drain is answered once they are out.
    if (untransferred(link) > 0) {
      setImmediate(() => this.answerDrain());
      return;
    }
    link.set_drained(true);
    link.connection._register();
  }

  private async settle(outcome: 'accepted' | 'rejected' | 'modified' | 'released', delivery: Delivery): Promise<void> {
    const token = this.tokens.get(delivery);
    if (token === undefined || delivery.settled) return;
    this.tokens.delete(delivery);
    const state = (delivery.remote_state ?? {}) as DeliveryOutcome;
    let answer: unknown;
    try {
      if (outcome === 'accepted') this.namespace.complete(this.entityPath, token);
      else if (outcome === 'rejected') this.reject(token, state);
      else if (outcome === 'modified' && state.undeliverable_here)
        this.namespace.defer(this.entityPath, token, state.message_annotations);
      else this.namespace.abandon(this.entityPath, token, state.message_annotations);
      await this.namespace.whenCommitted();
      // The SDK reads any error in the broker's outcome as a failure, so a done settlement is answered accepted.
      answer = accepted();
    } catch (e) {
      answer = rejected(toAmqpError(e));
    }
    const wasSettled = delivery.remote_settled;
    delivery.update(true, answer as never);
    // The client settled when it saw our disposition: without this the session's window fills at 2,048.
    if (!wasSettled) (delivery as { remote_settled: boolean }).remote_settled = true;
  }

  private reject(token: string, state: DeliveryOutcome): void {
    const error = state.error ?? {};
    if (error.condition !== CONDITIONS.deadLetter) {
      this.namespace.abandon(this.entityPath, token);
      return;
    }
    const { DeadLetterReason, DeadLetterErrorDescription, ...modify } = error.info ?? {};
    this.namespace.deadLetter(this.entityPath, token, {
      reason: typeof DeadLetterReason === 'string' ? DeadLetterReason : undefined,
      description: typeof DeadLetterErrorDescription === 'string' ? DeadLetterErrorDescription : error.description,
      propertiesToModify: Object.keys(modify).length ? (modify as Record<string, PropertyValue>) : undefined,
    });
  }
}
