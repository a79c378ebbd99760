import { createHash } from 'node:crypto';
import type { Clock } from '../clock';

/** Stripe keeps idempotency keys for 24 hours; measured on the injected clock so tests can expire them. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A key's finished first request: what it was (fingerprint) and what it was answered. */
export interface SavedResponse {
  fingerprint: string;
  response: StoredResponse;
  savedAt: number;
}

/** Everything kept of one key; the flaky and slow failure modes count attempts per key, replays included. */
export interface KeyRecord {
  scope: string;
  key: string;
  attempts: number;
  /** Clock time of the first attempt: a key without a saved response expires from here. */
  firstAt: number;
  saved?: SavedResponse;
}

/**
 * Where the store writes its changes through (gatewayStore.ts). Calls queue a write for the next group commit;
 * the HTTP layer waits for that commit before answering, so a counted attempt or saved response is never lost
 * once a client has heard of it.
 */
export interface KeyRecorder {
  keyChanged(record: KeyRecord): void;
  keysForgotten(records: KeyRecord[]): void;
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

const idOf = (scope: string, key: string): string => `${scope}\u0000${key}`;

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
 *
 * "Executing" lives in memory only. A request still executing when the process dies was never answered, and its
 * effects (the charge) commit in one transaction with its saved response, so after a restart the key either
 * replays that response or has nothing saved and runs again; remembering it as in flight would answer every retry
 * `idempotency_key_in_use` forever, as no process is executing it any more.
 */
export class IdempotencyStore {
  private readonly records = new Map<string, KeyRecord>();
  private readonly executing = new Set<string>();
  private lastSweep = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly recorder: KeyRecorder,
    loaded: readonly KeyRecord[] = [],
    private readonly retentionMs = IDEMPOTENCY_RETENTION_MS,
  ) {
    for (const record of loaded) this.records.set(idOf(record.scope, record.key), record);
  }

  /** Decides what to do with a request; `execute` holds the key until `ticket.finish` is called. */
  admit(scope: string, key: string, fingerprint: string): Admission {
    this.sweep();
    const id = idOf(scope, key);
    this.expire(id, this.clock.now());
    const saved = this.records.get(id)?.saved;
    if (saved) {
      if (saved.fingerprint !== fingerprint) return { kind: 'reused' };
      return { kind: 'replay', response: saved.response, attempt: this.countAttempt(scope, key) };
    }
    if (this.executing.has(id)) return { kind: 'inUse' };
    this.executing.add(id);
    let open = true;
    const ticket: ExecutionTicket = {
      finish: (response, save) => {
        if (!open) return;
        open = false;
        this.executing.delete(id);
        const record = this.records.get(id);
        if (!save || !response || !record) return;
        // JSON round trip: the replay must show the first response as it was, not the charge as it is now.
        record.saved = { fingerprint, response: JSON.parse(JSON.stringify(response)), savedAt: this.clock.now() };
        this.recorder.keyChanged(record);
      },
    };
    return { kind: 'execute', attempt: this.countAttempt(scope, key), ticket };
  }

  private countAttempt(scope: string, key: string): number {
    const id = idOf(scope, key);
    const record = this.records.get(id) ?? { scope, key, attempts: 0, firstAt: this.clock.now() };
    record.attempts++;
    this.records.set(id, record);
    this.recorder.keyChanged(record);
    return record.attempts;
  }

  /** A key is forgotten once its saved response (or, without one, its first attempt) is older than retention. */
  private expire(id: string, now: number): void {
    const record = this.records.get(id);
    if (!record || !this.expired(id, record, now)) return;
    this.records.delete(id);
    this.recorder.keysForgotten([record]);
  }

  private expired(id: string, record: KeyRecord, now: number): boolean {
    return !this.executing.has(id) && now - (record.saved?.savedAt ?? record.firstAt) >= this.retentionMs;
  }

  /** Frees expired keys; at most once a clock minute, since `admit` checks its own key anyway. */
  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const expired: KeyRecord[] = [];
    for (const [id, record] of this.records) {
      if (!this.expired(id, record, now)) continue;
      this.records.delete(id);
      expired.push(record);
    }
    if (expired.length) this.recorder.keysForgotten(expired);
  }
}
