import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ServiceDatabaseOptions {
  /** A SQLite file (its folder is created), or ':memory:' to keep nothing on disk. */
  location: string;
  /** SQLite `synchronous`: FULL survives power loss, NORMAL (default) a process crash. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
}

interface PendingWrite {
  write: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Thrown to writers whose commit failed or that wrote after the database was closed. */
export class ServiceDatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceDatabaseError';
  }
}

/**
 * The SQLite database an emulated service keeps its state in, with the durable engine's rule: a caller is answered
 * only once its write is committed, so a `kill -9` at any moment loses nothing that was acknowledged. Writes handed
 * over during one turn of the event loop share one transaction (group commit), so concurrent requests share one
 * fsync. Each service creates its own tables (prefixed with its name) in `db`; several services may share one file.
 */
export class ServiceDatabase {
  readonly db: Database.Database;
  /** Transactions committed so far (benchmarks report commits per operation). */
  commits = 0;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(readonly options: ServiceDatabaseOptions) {
    const memory = options.location === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(options.location)), { recursive: true });
    this.db = new Database(options.location);
    if (!memory) this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  }

  get inMemory(): boolean {
    return this.options.location === ':memory:';
  }

  /**
   * Runs `write` (synchronous statements on `db`) in the next group commit; resolves once it is durable, rejects
   * when the transaction failed (then none of the writes grouped with it happened).
   */
  commit(write: () => void): Promise<void> {
    if (this.closed)
      return Promise.reject(new ServiceDatabaseError(`The database ${this.options.location} is closed.`));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Resolves once every write handed over so far is committed; rejects when their transaction failed, so an API
   * that waits here before answering never acknowledges a write that was lost.
   */
  async settled(): Promise<void> {
    if (this.queue.length) await this.commit(() => undefined);
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const w of batch) w.write();
      })();
      this.commits++;
    } catch (e) {
      const error = new ServiceDatabaseError(
        `A commit to ${this.options.location} failed, so none of its ${batch.length} grouped writes happened: ${(e as Error).message}`,
        { cause: e },
      );
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
  }

  /** Commits what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
