import type Database from 'better-sqlite3';
import type { ServiceDatabase } from '../persistence/serviceDatabase';
import { pathKey } from './entityPath';
import { MessageStoreError } from './errors';
import type { RuleSpec } from './subscriptionRule';
import type { MessageState, PropertyValue, StoredMessage } from './message';

/**
 * What the namespace and its entities tell the store, named for what happened to a message. Paths are entity paths
 * in any case (they are stored as lookup keys). Calls only record; `committed()` says when they are durable.
 */
export interface MessageJournal {
  /** A message arrived at `entityPath` (enqueued, dead-lettered, forwarded, or scheduled at its queue or topic). */
  saved(entityPath: string, message: StoredMessage): void;
  /** Its delivery count, state or application properties changed where it is. */
  changed(entityPath: string, message: StoredMessage): void;
  /** Only its delivery count changed (a delivery): the row is updated without rewriting its properties. */
  counted(entityPath: string, message: StoredMessage): void;
  /** It left `entityPath`: settled, received and deleted, expired, moved to a dead-letter queue, fired or cancelled. */
  removed(entityPath: string, sequenceNumber: number): void;
  /** A queue or topic handed out this sequence number; it is never handed out again, even after a restart. */
  sequenceUsed(entityPath: string, sequenceNumber: number): void;
  /** Duplicate detection saw `messageId` first at `now`; a resend is dropped until `until`. */
  duplicateWindowOpened(entityPath: string, messageId: string, until: number, now: number): void;
  /** A session's state was set (undefined: cleared) on a session-enabled queue or subscription. */
  sessionStateSet(entityPath: string, sessionId: string, state: Buffer | undefined): void;
  /**
   * A subscription's rules were changed at run time (`ServiceBusRuleManager`); `configured` is what the config said
   * then, so that a later change of the config (a redeployment) wins over them.
   */
  rulesChanged(entityPath: string, rules: RuleSpec[], configured: RuleSpec[]): void;
  /** Resolves once everything recorded so far is committed; rejects with MessageStoreError when that failed. */
  committed(): Promise<void>;
  /** The state a previous run left, for the namespace to rebuild itself from. */
  load(now: number): SavedState;
}

export interface SavedMessage {
  /** The lookup key of where it was: a receivable entity, or its queue or topic when state is 'scheduled'. */
  entityKey: string;
  message: StoredMessage;
}

export interface SavedState {
  /** In sequence-number order within each entity. */
  messages: SavedMessage[];
  /** The last sequence number each queue or topic handed out, by lookup key. */
  sequences: Map<string, number>;
  /** Open duplicate-detection windows, oldest first. */
  duplicates: { entityKey: string; messageId: string; until: number }[];
  /** Session states of session-enabled entities. */
  sessionStates: { entityKey: string; sessionId: string; state: Buffer }[];
  /** Subscriptions' rules as last changed at run time, with the configured rules they replaced (JSON). */
  ruleSets: { entityKey: string; configured: string; rules: RuleSpec[] }[];
}

const NOTHING_SAVED: SavedState = {
  messages: [],
  sequences: new Map(),
  duplicates: [],
  sessionStates: [],
  ruleSets: [],
};

/** The journal of a namespace without a database: nothing is kept, everything is "committed" at once. */
export const UNSAVED: MessageJournal = {
  saved: () => undefined,
  changed: () => undefined,
  counted: () => undefined,
  removed: () => undefined,
  sequenceUsed: () => undefined,
  duplicateWindowOpened: () => undefined,
  sessionStateSet: () => undefined,
  rulesChanged: () => undefined,
  committed: () => Promise.resolve(),
  load: () => NOTHING_SAVED,
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sb_messages (
  entity TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  state TEXT NOT NULL,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  content_type TEXT,
  correlation_id TEXT,
  subject TEXT,
  to_address TEXT,
  reply_to TEXT,
  reply_to_session_id TEXT,
  session_id TEXT,
  partition_key TEXT,
  time_to_live REAL,
  scheduled_enqueue_time REAL,
  application_properties TEXT NOT NULL,
  enqueued_time REAL NOT NULL,
  effective_time_to_live REAL,
  expires_at REAL,
  delivery_count INTEGER NOT NULL,
  dead_letter_source TEXT,
  hops INTEGER NOT NULL,
  PRIMARY KEY (entity, sequence_number)
);
CREATE TABLE IF NOT EXISTS sb_sequences (entity TEXT PRIMARY KEY, last_sequence_number INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sb_duplicates (
  entity TEXT NOT NULL,
  message_id TEXT NOT NULL,
  until REAL NOT NULL,
  PRIMARY KEY (entity, message_id)
);
CREATE INDEX IF NOT EXISTS sb_duplicates_until ON sb_duplicates (entity, until);
CREATE TABLE IF NOT EXISTS sb_session_states (
  entity TEXT NOT NULL,
  session_id TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (entity, session_id)
);
CREATE TABLE IF NOT EXISTS sb_rules (entity TEXT PRIMARY KEY, configured TEXT NOT NULL, rules TEXT NOT NULL);
`;

/** A row of sb_messages, as read back; written positionally in this order (`rowValues`). */
interface MessageRow {
  entity: string;
  sequence_number: number;
  state: MessageState;
  message_id: string;
  body: Buffer;
  content_type: string | null;
  correlation_id: string | null;
  subject: string | null;
  to_address: string | null;
  reply_to: string | null;
  reply_to_session_id: string | null;
  session_id: string | null;
  partition_key: string | null;
  time_to_live: number | null;
  scheduled_enqueue_time: number | null;
  application_properties: string;
  enqueued_time: number;
  effective_time_to_live: number | null;
  expires_at: number | null;
  delivery_count: number;
  dead_letter_source: string | null;
  hops: number;
}

// Application properties as JSON; a Date (the only object a property can hold) as {"$date": epoch ms}.
function propertiesText(props: Record<string, PropertyValue>): string {
  // A replacer costs on every send; most messages carry no dates.
  if (!Object.values(props).some((v) => v instanceof Date)) return JSON.stringify(props);
  return JSON.stringify(props, function (key, value: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof Date ? { $date: raw.getTime() } : value;
  });
}

function propertiesOf(text: string): Record<string, PropertyValue> {
  const props = JSON.parse(text) as Record<string, Exclude<PropertyValue, Date> | { $date: number }>;
  const out: Record<string, PropertyValue> = {};
  for (const [k, v] of Object.entries(props)) out[k] = v !== null && typeof v === 'object' ? new Date(v.$date) : v;
  return out;
}

/** SQLite has no infinity in a REAL column that JSON or better-sqlite3 would round-trip; NULL means "never". */
const finiteOrNull = (ms: number): number | null => (Number.isFinite(ms) ? ms : null);

/** The values of a MessageRow in column order (positional binding is the cheaper one on every send). */
function rowValues(entityKey: string, m: StoredMessage): unknown[] {
  return [
    entityKey,
    m.sequenceNumber,
    m.state,
    m.messageId,
    m.body,
    m.contentType ?? null,
    m.correlationId ?? null,
    m.subject ?? null,
    m.to ?? null,
    m.replyTo ?? null,
    m.replyToSessionId ?? null,
    m.sessionId ?? null,
    m.partitionKey ?? null,
    m.timeToLive ?? null,
    m.scheduledEnqueueTime ?? null,
    propertiesText(m.applicationProperties),
    m.enqueuedTime,
    finiteOrNull(m.effectiveTimeToLive),
    finiteOrNull(m.expiresAt),
    m.deliveryCount,
    m.deadLetterSource ?? null,
    m.hops,
  ];
}

function messageOf(r: MessageRow): StoredMessage {
  const optional = (v: string | null): string | undefined => v ?? undefined;
  return {
    body: r.body,
    contentType: optional(r.content_type),
    messageId: r.message_id,
    correlationId: optional(r.correlation_id),
    subject: optional(r.subject),
    to: optional(r.to_address),
    replyTo: optional(r.reply_to),
    replyToSessionId: optional(r.reply_to_session_id),
    sessionId: optional(r.session_id),
    partitionKey: optional(r.partition_key),
    timeToLive: r.time_to_live ?? undefined,
    scheduledEnqueueTime: r.scheduled_enqueue_time ?? undefined,
    applicationProperties: propertiesOf(r.application_properties),
    sequenceNumber: r.sequence_number,
    enqueuedTime: r.enqueued_time,
    effectiveTimeToLive: r.effective_time_to_live ?? Infinity,
    expiresAt: r.expires_at ?? Infinity,
    deliveryCount: r.delivery_count,
    state: r.state,
    deadLetterSource: optional(r.dead_letter_source),
    hops: r.hops,
  };
}

/** One message's net change since the last commit: written whole, updated in place, or deleted. */
type RowChange =
  | { kind: 'save'; entityKey: string; message: StoredMessage }
  | { kind: 'change'; entityKey: string; message: StoredMessage }
  | { kind: 'count'; entityKey: string; message: StoredMessage }
  | { kind: 'remove'; entityKey: string; sequenceNumber: number };

/**
 * An update in place needs the row to exist: after a save that did not reach the database, it is a save. A count
 * after a save or a change is carried by that write, which reads the message as it is at the commit.
 */
function merged(older: RowChange | undefined, newer: RowChange): RowChange {
  if (newer.kind === 'change' && older?.kind === 'save') return { ...newer, kind: 'save' };
  if (newer.kind === 'count' && (older?.kind === 'save' || older?.kind === 'change')) return older;
  return newer;
}

/** The changes recorded since the last commit, coalesced: a message changed ten times in one turn is written once. */
class PendingChanges {
  readonly rows = new Map<string, RowChange>();
  readonly sequences = new Map<string, number>();
  readonly duplicates: { entityKey: string; messageId: string; until: number }[] = [];
  /** Per entity, duplicate-detection windows that closed before this time can be deleted. */
  readonly closedWindows = new Map<string, number>();
  /** `entityKey \0 sessionId` → the state to keep (undefined: delete the row). */
  readonly sessionStates = new Map<string, { entityKey: string; sessionId: string; state: Buffer | undefined }>();
  /** Serialised only when written: a burst of rule changes costs one JSON text per subscription and commit. */
  readonly ruleSets = new Map<string, { configured: RuleSpec[]; rules: RuleSpec[] }>();

  get empty(): boolean {
    return (
      this.rows.size === 0 &&
      this.sequences.size === 0 &&
      this.duplicates.length === 0 &&
      this.sessionStates.size === 0 &&
      this.ruleSets.size === 0
    );
  }

  row(change: RowChange): void {
    const key = `${change.entityKey}\u0000${change.kind === 'remove' ? change.sequenceNumber : change.message.sequenceNumber}`;
    const older = this.rows.get(key);
    // Re-inserted so that the map's order stays the order of the last change (a delete, then a save of the same key).
    this.rows.delete(key);
    this.rows.set(key, merged(older, change));
  }

  /** `newer` recorded on top of these (used to put back the changes of a failed commit under what came since). */
  underneath(newer: PendingChanges): PendingChanges {
    for (const change of newer.rows.values()) this.row(change);
    for (const [k, n] of newer.sequences) this.sequences.set(k, Math.max(n, this.sequences.get(k) ?? 0));
    this.duplicates.push(...newer.duplicates);
    for (const [k, t] of newer.closedWindows) this.closedWindows.set(k, Math.max(t, this.closedWindows.get(k) ?? 0));
    for (const [k, v] of newer.sessionStates) this.sessionStates.set(k, v);
    for (const [k, v] of newer.ruleSets) this.ruleSets.set(k, v);
    return this;
  }
}

/**
 * The namespace's journal on the platform's ServiceDatabase (tables `sb_*`). The in-memory model stays the one the
 * broker works on; every change is written through, coalesced per message, in the database's next group commit.
 * Callers that acknowledge something (the REST API, the trigger host) await `committed()` first, so a `kill -9`
 * loses nothing that was acknowledged. Locks are not stored: they do not survive a restart, as on a broker failover.
 */
export class MessageStore implements MessageJournal {
  private pending = new PendingChanges();
  /** Entity path → lookup key; the namespace passes the same few canonical paths on every operation. */
  private readonly keys = new Map<string, string>();
  /** The commit that will carry `pending`, once one was asked for. */
  private nextCommit?: Promise<void>;
  private readonly sql: {
    save: Database.Statement;
    change: Database.Statement;
    count: Database.Statement;
    remove: Database.Statement;
    sequence: Database.Statement;
    duplicate: Database.Statement;
    closeWindows: Database.Statement;
    sessionState: Database.Statement;
    clearSessionState: Database.Statement;
    ruleSet: Database.Statement;
  };

  constructor(
    private readonly database: ServiceDatabase,
    private readonly reportFailure: (error: MessageStoreError) => void,
  ) {
    const db = database.db;
    db.exec(SCHEMA);
    this.sql = {
      save: db.prepare(`INSERT OR REPLACE INTO sb_messages VALUES (${Array(22).fill('?').join(', ')})`),
      change: db.prepare(
        'UPDATE sb_messages SET state = ?, delivery_count = ?, application_properties = ? WHERE entity = ? AND sequence_number = ?',
      ),
      count: db.prepare(
        'UPDATE sb_messages SET state = ?, delivery_count = ? WHERE entity = ? AND sequence_number = ?',
      ),
      remove: db.prepare('DELETE FROM sb_messages WHERE entity = ? AND sequence_number = ?'),
      sequence: db.prepare(
        `INSERT INTO sb_sequences VALUES (?, ?) ON CONFLICT (entity)
         DO UPDATE SET last_sequence_number = max(last_sequence_number, excluded.last_sequence_number)`,
      ),
      duplicate: db.prepare('INSERT OR REPLACE INTO sb_duplicates VALUES (?, ?, ?)'),
      closeWindows: db.prepare('DELETE FROM sb_duplicates WHERE entity = ? AND until <= ?'),
      sessionState: db.prepare('INSERT OR REPLACE INTO sb_session_states VALUES (?, ?, ?)'),
      clearSessionState: db.prepare('DELETE FROM sb_session_states WHERE entity = ? AND session_id = ?'),
      ruleSet: db.prepare('INSERT OR REPLACE INTO sb_rules VALUES (?, ?, ?)'),
    };
  }

  saved(entityPath: string, message: StoredMessage): void {
    this.record().row({ kind: 'save', entityKey: this.keyOf(entityPath), message });
  }

  changed(entityPath: string, message: StoredMessage): void {
    this.record().row({ kind: 'change', entityKey: this.keyOf(entityPath), message });
  }

  counted(entityPath: string, message: StoredMessage): void {
    this.record().row({ kind: 'count', entityKey: this.keyOf(entityPath), message });
  }

  removed(entityPath: string, sequenceNumber: number): void {
    this.record().row({ kind: 'remove', entityKey: this.keyOf(entityPath), sequenceNumber });
  }

  sequenceUsed(entityPath: string, sequenceNumber: number): void {
    this.record().sequences.set(this.keyOf(entityPath), sequenceNumber);
  }

  duplicateWindowOpened(entityPath: string, messageId: string, until: number, now: number): void {
    const entityKey = this.keyOf(entityPath);
    const pending = this.record();
    pending.duplicates.push({ entityKey, messageId, until });
    pending.closedWindows.set(entityKey, now);
  }

  sessionStateSet(entityPath: string, sessionId: string, state: Buffer | undefined): void {
    const entityKey = this.keyOf(entityPath);
    this.record().sessionStates.set(`${entityKey}\u0000${sessionId}`, { entityKey, sessionId, state });
  }

  rulesChanged(entityPath: string, rules: RuleSpec[], configured: RuleSpec[]): void {
    this.record().ruleSets.set(this.keyOf(entityPath), { configured, rules });
  }

  committed(): Promise<void> {
    if (!this.nextCommit && !this.pending.empty) this.record();
    return this.nextCommit ?? Promise.resolve();
  }

  load(now: number): SavedState {
    const db = this.database.db;
    db.prepare('DELETE FROM sb_duplicates WHERE until <= ?').run(now);
    const rows = db.prepare('SELECT * FROM sb_messages ORDER BY entity, sequence_number').all() as MessageRow[];
    const sequences = db.prepare('SELECT entity, last_sequence_number AS last FROM sb_sequences').all() as {
      entity: string;
      last: number;
    }[];
    const duplicates = db
      .prepare('SELECT entity AS entityKey, message_id AS messageId, until FROM sb_duplicates ORDER BY until')
      .all() as SavedState['duplicates'];
    const sessionStates = db
      .prepare('SELECT entity AS entityKey, session_id AS sessionId, state FROM sb_session_states')
      .all() as SavedState['sessionStates'];
    const ruleSets = (
      db.prepare('SELECT entity AS entityKey, configured, rules FROM sb_rules').all() as {
        entityKey: string;
        configured: string;
        rules: string;
      }[]
    ).map((r) => ({ ...r, rules: JSON.parse(r.rules) as RuleSpec[] }));
    return {
      ruleSets,
      messages: rows.map((r) => ({ entityKey: r.entity, message: messageOf(r) })),
      sequences: new Map(sequences.map((s) => [s.entity, s.last])),
      duplicates,
      sessionStates,
    };
  }

  private keyOf(entityPath: string): string {
    let key = this.keys.get(entityPath);
    if (key === undefined) this.keys.set(entityPath, (key = pathKey(entityPath)));
    return key;
  }

  /** The changes of this turn, with a commit asked for to carry them. */
  private record(): PendingChanges {
    if (!this.nextCommit) {
      let taken: PendingChanges | undefined;
      const commit: Promise<void> = this.database
        .commit(() => {
          // From here on, changes belong to the next commit.
          taken = this.pending;
          this.pending = new PendingChanges();
          if (this.nextCommit === commit) this.nextCommit = undefined;
          this.write(taken);
        })
        .catch((e: unknown) => {
          if (this.nextCommit === commit) this.nextCommit = undefined;
          // Nothing of it reached the file: keep it for the next commit, under what was recorded since.
          if (taken) this.pending = taken.underneath(this.pending);
          const error = new MessageStoreError(this.database.options.location, e);
          this.reportFailure(error);
          throw error;
        });
      // Failures are reported above; a caller that awaits `committed()` sees them too.
      commit.catch(() => undefined);
      this.nextCommit = commit;
    }
    return this.pending;
  }

  private write(changes: PendingChanges): void {
    for (const c of changes.rows.values()) {
      if (c.kind === 'save') this.sql.save.run(rowValues(c.entityKey, c.message));
      else if (c.kind === 'change')
        this.sql.change.run(
          c.message.state,
          c.message.deliveryCount,
          propertiesText(c.message.applicationProperties),
          c.entityKey,
          c.message.sequenceNumber,
        );
      else if (c.kind === 'count')
        this.sql.count.run(c.message.state, c.message.deliveryCount, c.entityKey, c.message.sequenceNumber);
      else this.sql.remove.run(c.entityKey, c.sequenceNumber);
    }
    for (const [entityKey, last] of changes.sequences) this.sql.sequence.run(entityKey, last);
    for (const [entityKey, before] of changes.closedWindows) this.sql.closeWindows.run(entityKey, before);
    for (const d of changes.duplicates) this.sql.duplicate.run(d.entityKey, d.messageId, d.until);
    for (const s of changes.sessionStates.values())
      if (s.state) this.sql.sessionState.run(s.entityKey, s.sessionId, s.state);
      else this.sql.clearSessionState.run(s.entityKey, s.sessionId);
    for (const [entityKey, r] of changes.ruleSets)
      this.sql.ruleSet.run(entityKey, JSON.stringify(r.configured), JSON.stringify(r.rules));
  }
}
