import { createHash } from 'node:crypto';
import type { Clock } from '../clock';

/** Stripe keeps idempotency keys for 24 hours; measured on the injected clock so tests can expire them. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Saved {
  fingerprint: string;
  response: StoredResponse;
  savedAt: number;
}

interface Attempts {
  count: number;
  firstAt: number;
}

export type Admission =
  | { kind: 'replay'; response: StoredResponse; attempt: number }
  | { kind: 'reused' }
  | { kind: 'inUse' }
  | { kind: 'execute'; attempt: number; ticket: ExecutionTicket };

export interface ExecutionTicket {
  /** Ends the execution; `save` keeps the response for replay (false for 5xx, which must run again). */
  finish(response: StoredResponse | undefined, save: boolean): void;
}

/** JSON with object keys sorted, so key order or whitespace does not change a request's fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(method: string, path: string, body: Buffer): string {
  let text: string;
  try {
    text = canonical(JSON.parse(body.toString('utf8')));
  } catch {
    text = body.toString('base64');
  }
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${text}`).digest('hex');
}

/**
 * Idempotency keys with Stripe's semantics: a saved response is replayed for the same request, refused for a
 * different one, and a key whose first request is still executing is "in use". Attempts are counted per key
 * (replays included) because the flaky and slow failure modes are defined per key.
 */
export class IdempotencyStore {
  private readonly saved = new Map<string, Saved>();
  private readonly executing = new Set<string>();
  private readonly attempts = new Map<string, Attempts>();
  private lastSweep = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs = IDEMPOTENCY_RETENTION_MS,
  ) {}

  /** Decides what to do with a request; `execute` holds the key until `ticket.finish` is called. */
  admit(scope: string, key: string, fingerprint: string): Admission {
    this.sweep();
    const id = `${scope}\u0000${key}`;
    this.expire(id, this.clock.now());
    const saved = this.saved.get(id);
    if (saved) {
      if (saved.fingerprint !== fingerprint) return { kind: 'reused' };
      return { kind: 'replay', response: saved.response, attempt: this.countAttempt(id) };
    }
    if (this.executing.has(id)) return { kind: 'inUse' };
    this.executing.add(id);
    let open = true;
    const ticket: ExecutionTicket = {
      finish: (response, save) => {
        if (!open) return;
        open = false;
        this.executing.delete(id);
        // JSON round trip: the replay must show the first response as it was, not the charge as it is now.
        if (save && response)
          this.saved.set(id, {
            fingerprint,
            response: JSON.parse(JSON.stringify(response)),
            savedAt: this.clock.now(),
          });
      },
    };
    return { kind: 'execute', attempt: this.countAttempt(id), ticket };
  }

  private countAttempt(id: string): number {
    const entry = this.attempts.get(id) ?? { count: 0, firstAt: this.clock.now() };
    entry.count++;
    this.attempts.set(id, entry);
    return entry.count;
  }

  /** A key is forgotten once its saved response (or, without one, its first attempt) is older than retention. */
  private expire(id: string, now: number): void {
    if (this.executing.has(id)) return;
    const saved = this.saved.get(id);
    const since = saved?.savedAt ?? this.attempts.get(id)?.firstAt;
    if (since !== undefined && now - since >= this.retentionMs) {
      this.saved.delete(id);
      this.attempts.delete(id);
    }
  }

  /** Frees memory of expired keys; at most once a clock minute, since `admit` checks its own key anyway. */
  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const id of [...this.attempts.keys()]) this.expire(id, now);
  }
}
