import type { ServiceDatabase } from '../../persistence/serviceDatabase';
import type { ArchivedEvent } from '../archives';
import type { DeadLetterRecord } from '../deadLetters';
import type { DeliveryJob } from '../targets/types';
import type { Body } from '../jsonProtocol';

/** An API call that changed configuration, as the journal keeps it. */
export interface JournalEntry {
  operation: string;
  body: Body;
  /** The random ids the call drew (connection and API destination ARNs). */
  ids: string[];
}

/** A delivery not yet finished, and when its next attempt is due. */
export interface PendingDelivery {
  job: DeliveryJob;
  dueAt: number;
}

export interface EventBridgeState {
  journal: JournalEntry[];
  archivedEvents: { archive: string; event: ArchivedEvent }[];
  deadLetters: DeadLetterRecord[];
  deliveries: PendingDelivery[];
}

/**
 * The local EventBridge's state on SQLite (tables `eb_*` of the services database): the journal of configuration
 * calls made through the API (buses, rules, targets, connections, API destinations, archives; the SAM template's
 * resources are installed anew at every start and not journaled), archived events, dead letters, and deliveries
 * not yet finished. Writes go into the database's next group commit; the API answers once it is durable.
 */
export class EventBridgeStore {
  private readonly stmts;

  constructor(private readonly sdb: ServiceDatabase) {
    sdb.db.exec(`
      CREATE TABLE IF NOT EXISTS eb_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, operation TEXT NOT NULL,
        body TEXT NOT NULL, ids TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS eb_archived_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, archive TEXT NOT NULL,
        event TEXT NOT NULL, event_time INTEGER NOT NULL, ingestion_time INTEGER NOT NULL, size INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS eb_archived_by_archive ON eb_archived_events(archive, ingestion_time);
      CREATE TABLE IF NOT EXISTS eb_dead_letters (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS eb_deliveries (id INTEGER PRIMARY KEY, job TEXT NOT NULL, due_at INTEGER NOT NULL);
    `);
    const db = sdb.db;
    this.stmts = {
      journal: db.prepare('INSERT INTO eb_journal (operation, body, ids) VALUES (?, ?, ?)'),
      archive: db.prepare(
        'INSERT INTO eb_archived_events (archive, event, event_time, ingestion_time, size) VALUES (?, ?, ?, ?, ?)',
      ),
      prune: db.prepare('DELETE FROM eb_archived_events WHERE archive = ? AND ingestion_time < ?'),
      deadLetter: db.prepare('INSERT INTO eb_dead_letters (record) VALUES (?)'),
      schedule: db.prepare('INSERT OR REPLACE INTO eb_deliveries (id, job, due_at) VALUES (?, ?, ?)'),
      finish: db.prepare('DELETE FROM eb_deliveries WHERE id = ?'),
    };
  }

  /** Everything kept, in the order it happened. */
  load(): EventBridgeState {
    const db = this.sdb.db;
    return {
      journal: (db.prepare('SELECT operation, body, ids FROM eb_journal ORDER BY seq').all() as Row[]).map((r) => ({
        operation: r.operation as string,
        body: JSON.parse(r.body as string) as Body,
        ids: JSON.parse(r.ids as string) as string[],
      })),
      archivedEvents: (db.prepare('SELECT * FROM eb_archived_events ORDER BY seq').all() as Row[]).map((r) => ({
        archive: r.archive as string,
        event: {
          event: JSON.parse(r.event as string),
          eventTime: r.event_time as number,
          ingestionTime: r.ingestion_time as number,
          size: r.size as number,
        },
      })),
      deadLetters: (db.prepare('SELECT record FROM eb_dead_letters ORDER BY seq').all() as Row[]).map(
        (r) => JSON.parse(r.record as string) as DeadLetterRecord,
      ),
      deliveries: (db.prepare('SELECT job, due_at FROM eb_deliveries ORDER BY id').all() as Row[]).map((r) => ({
        job: storedJob(JSON.parse(r.job as string) as StoredJob),
        dueAt: r.due_at as number,
      })),
    };
  }

  journal(entry: JournalEntry): void {
    void this.write(() =>
      this.stmts.journal.run(entry.operation, JSON.stringify(entry.body), JSON.stringify(entry.ids)),
    );
  }

  /** Forgets the events of archives that no longer exist (deleted, or their bus deleted). */
  keepArchives(names: readonly string[]): void {
    void this.write(() =>
      this.sdb.db
        .prepare(`DELETE FROM eb_archived_events WHERE archive NOT IN (${names.map(() => '?').join(',') || "''"})`)
        .run(...names),
    );
  }

  archived(archive: string, e: ArchivedEvent): void {
    void this.write(() =>
      this.stmts.archive.run(archive, JSON.stringify(e.event), e.eventTime, e.ingestionTime, e.size),
    );
  }

  pruned(archive: string, cutoff: number): void {
    void this.write(() => this.stmts.prune.run(archive, cutoff));
  }

  deadLettered(record: DeadLetterRecord): void {
    void this.write(() => this.stmts.deadLetter.run(JSON.stringify(record)));
  }

  /** A delivery whose next attempt is due at `dueAt` (the first, or a retry). */
  scheduled(job: DeliveryJob, dueAt: number): void {
    // The event's text is the event serialized: kept once, not twice (once escaped), as it is written per event.
    const text = JSON.stringify({ ...job, eventText: undefined });
    void this.write(() => this.stmts.schedule.run(job.id, text, dueAt));
  }

  /** A delivery that ended: delivered, dead-lettered or dropped. */
  finished(jobId: number): void {
    void this.write(() => this.stmts.finish.run(jobId));
  }

  /** Resolves once every write handed over so far is committed: the API answers after it. */
  settled(): Promise<void> {
    return this.sdb.settled();
  }

  // A failed commit is reported to the caller waiting in settled(); the writers themselves do not wait.
  private write(statement: () => void): Promise<void> {
    return this.sdb.commit(statement).catch(() => undefined);
  }
}

type Row = Record<string, unknown>;

/** A delivery as kept: without the event's text, which is the event serialized (rows written before kept both). */
type StoredJob = Omit<DeliveryJob, 'eventText'> & { eventText?: string };

function storedJob(job: StoredJob): DeliveryJob {
  return { ...job, eventText: job.eventText ?? JSON.stringify(job.event) };
}
