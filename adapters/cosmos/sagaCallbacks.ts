import { randomUUID } from 'node:crypto';
import type { EventCorrelation, SagaCallbacks, SagaEventOutcome, SagaWait, TaskTokenSender } from '../../saga/ports';
import { cosmosContainer, cosmosFailure, cosmosStatus } from './database';

interface PendingEvent {
  id: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

/** What happened to waits and events, for whoever investigates a stuck saga. */
interface CallbackLogEntry {
  at: string;
  what: 'registered' | 'replaced' | 'delivered' | 'moot' | 'ignored';
  /** The token's tail only: tokens run to kilobytes and the log is for telling waits apart. */
  token?: string;
  payload?: Record<string, unknown>;
}

/** One document per order and event (`<orderId>:<event>`): the wait registered now and the events nobody took yet. */
export interface CallbackDocument {
  id: string;
  orderId: string;
  event: string;
  waiting?: { taskToken: string; correlation: EventCorrelation | null; registeredAt: string };
  /** Oldest first: a registration takes the first that correlates, as Durable hands out buffered events in order. */
  pending: PendingEvent[];
  log: CallbackLogEntry[];
  _etag?: string;
}

const MAX_CONFLICT_RETRIES = 20;
/** Keeps the document small however often an order is retried or its gateway resends. */
const LOG_LIMIT = 50;

export function correlates(correlation: EventCorrelation | null, payload: Record<string, unknown>): boolean {
  return correlation === null || payload[correlation.field] === correlation.value;
}

const tokenTail = (token: string): string => `…${token.slice(-12)}`;

/**
 * Waits and events meet in Cosmos DB, whichever comes first. Every decision is written with If-Match on the version
 * it was made from, so an event and a registration racing each other re-read instead of missing each other.
 * SendTaskSuccess happens before the document records it: a failed send leaves the document as it was and the
 * caller's retry finds the same state (at-least-once; a second send to a completed task is answered as moot).
 */
export class CosmosSagaCallbacks implements SagaCallbacks {
  constructor(
    private readonly tokens: TaskTokenSender,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async register(wait: SagaWait): Promise<{ delivered: boolean }> {
    for (let i = 0; i < MAX_CONFLICT_RETRIES; i++) {
      const current = await this.read(wait.orderId, wait.event);
      const pending = current?.pending ?? [];
      const index = pending.findIndex((p) => correlates(wait.correlation, p.payload));
      // Events that arrived for an earlier wait (another charge) are not this wait's: dropped, as Durable skips them.
      const skipped = pending.slice(0, index < 0 ? pending.length : index);
      if (index >= 0) {
        const match = pending[index];
        // The task asked for a wait that is over already (a late retry of this invocation): nothing to take.
        if ((await this.tokens.succeed(wait.taskToken, JSON.stringify(match.payload))) === 'moot')
          return { delivered: false };
        await this.change(wait.orderId, wait.event, (doc) => {
          const taken = new Set([...skipped.map((p) => p.id), match.id]);
          doc.pending = doc.pending.filter((p) => !taken.has(p.id));
          for (const p of skipped) this.note(doc, 'ignored', undefined, p.payload);
          if (doc.waiting) this.note(doc, 'replaced', doc.waiting.taskToken);
          delete doc.waiting;
          this.note(doc, 'delivered', wait.taskToken, match.payload);
        });
        return { delivered: true };
      }
      const next = this.copy(current, wait.orderId, wait.event);
      for (const p of skipped) this.note(next, 'ignored', undefined, p.payload);
      next.pending = [];
      if (next.waiting) this.note(next, 'replaced', next.waiting.taskToken);
      next.waiting = {
        taskToken: wait.taskToken,
        correlation: wait.correlation,
        registeredAt: this.now().toISOString(),
      };
      this.note(next, 'registered', wait.taskToken);
      if (await this.write(current, next)) return { delivered: false };
    }
    throw this.contended(wait.orderId, wait.event);
  }

  async raise(orderId: string, event: string, payload: Record<string, unknown>): Promise<SagaEventOutcome> {
    for (let i = 0; i < MAX_CONFLICT_RETRIES; i++) {
      const current = await this.read(orderId, event);
      const waiting = current?.waiting;
      if (waiting && correlates(waiting.correlation, payload)) {
        const sent = await this.tokens.succeed(waiting.taskToken, JSON.stringify(payload));
        if (sent === 'moot') {
          // A new wait may have replaced the one read above (the saga moved on to wait again): the event is its.
          const latest = await this.read(orderId, event);
          if (latest?.waiting && latest.waiting.taskToken !== waiting.taskToken) continue;
        }
        await this.change(orderId, event, (doc) => {
          if (doc.waiting?.taskToken === waiting.taskToken) delete doc.waiting;
          this.note(doc, sent === 'sent' ? 'delivered' : 'moot', waiting.taskToken, payload);
        });
        return sent === 'sent' ? 'delivered' : 'moot';
      }
      const next = this.copy(current, orderId, event);
      if (waiting) this.note(next, 'ignored', waiting.taskToken, payload);
      else next.pending.push({ id: randomUUID(), payload, receivedAt: this.now().toISOString() });
      if (await this.write(current, next)) return waiting ? 'ignored' : 'pending';
    }
    throw this.contended(orderId, event);
  }

  private async read(orderId: string, event: string): Promise<CallbackDocument | undefined> {
    try {
      const { resource } = await cosmosContainer('callbacks')
        .item(`${orderId}:${event}`, orderId)
        .read<CallbackDocument>();
      return resource;
    } catch (e) {
      throw cosmosFailure(e, `reading the ${event} callback of order ${orderId}`);
    }
  }

  /** Writes `next` if the stored document is still `current` (or still absent); false when someone wrote first. */
  private async write(current: CallbackDocument | undefined, next: CallbackDocument): Promise<boolean> {
    const container = cosmosContainer('callbacks');
    try {
      if (!current) await container.items.create(next);
      else
        await container
          .item(next.id, next.orderId)
          .replace(next, { accessCondition: { type: 'IfMatch', condition: current._etag! } });
      return true;
    } catch (e) {
      const status = cosmosStatus(e);
      if (status === 409 || status === 412 || status === 404) return false;
      throw cosmosFailure(e, `writing the ${next.event} callback of order ${next.orderId}`);
    }
  }

  /** Applies `apply` to the latest document until a write wins. */
  private async change(orderId: string, event: string, apply: (doc: CallbackDocument) => void): Promise<void> {
    for (let i = 0; i < MAX_CONFLICT_RETRIES; i++) {
      const current = await this.read(orderId, event);
      const next = this.copy(current, orderId, event);
      apply(next);
      if (await this.write(current, next)) return;
    }
    throw this.contended(orderId, event);
  }

  /** A clean copy to write: system properties (`_etag`, `_rid`, …) stay behind. */
  private copy(doc: CallbackDocument | undefined, orderId: string, event: string): CallbackDocument {
    return {
      id: `${orderId}:${event}`,
      orderId,
      event,
      ...(doc?.waiting ? { waiting: { ...doc.waiting } } : {}),
      pending: [...(doc?.pending ?? [])],
      log: [...(doc?.log ?? [])],
    };
  }

  private note(
    doc: CallbackDocument,
    what: CallbackLogEntry['what'],
    token?: string,
    payload?: Record<string, unknown>,
  ): void {
    doc.log.push({
      at: this.now().toISOString(),
      what,
      ...(token ? { token: tokenTail(token) } : {}),
      ...(payload ? { payload } : {}),
    });
    if (doc.log.length > LOG_LIMIT) doc.log.splice(0, doc.log.length - LOG_LIMIT);
  }

  private contended(orderId: string, event: string): Error {
    return new Error(
      `The ${event} callback of order ${orderId} kept changing under ${MAX_CONFLICT_RETRIES} attempts to update it; try again.`,
    );
  }
}
