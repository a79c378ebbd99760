import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEvent } from './historyEvents';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface InstanceRow {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text, or null when the orchestration has none. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: number;
  lastUpdatedTime: number;
  parentInstanceId: string | null;
  parentTaskId: number | null;
  /** Host bookkeeping derived from actions (sequence counter, retry state); see engine `Tracker`. */
  tracker: string;
}

export interface MessageRow {
  id: number;
  instanceId: string;
  dueAt: number;
  body: string;
}

export interface ActivityRow {
  id: number;
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: string | null;
}

export interface StoreOptions {
  /** File path, or ':memory:'. */
  location: string;
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
}

export interface InstanceQuery {
  createdTimeFrom?: number;
  createdTimeTo?: number;
  statuses?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Exclusive lower bound on (createdTime, instanceId) for paging. */
  after?: { createdTime: number; instanceId: string };
  limit?: number;
}

export type Write = (db: Database.Database) => void;

interface PendingCommit {
  writes: Write[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * SQLite persistence for the durable engine. Writers hand over closures; everything handed over during one
 * turn of the event loop is committed in a single transaction (group commit), so concurrent episodes share
 * one fsync and each episode's history and the work it creates land atomically.
 */
export class DurableStore {
  readonly db: Database.Database;
  private queue: PendingCommit[] = [];
  private flushScheduled = false;
  commits = 0;
  private readonly stmts;

  constructor(readonly options: StoreOptions) {
    if (options.location !== ':memory:')
      fs.mkdirSync(path.dirname(path.resolve(options.location)), { recursive: true });
    this.db = new Database(options.location);
    if (options.location !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS instances (
        instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, execution_id TEXT NOT NULL, status TEXT NOT NULL,
        input TEXT, output TEXT, custom_status TEXT, created_time INTEGER NOT NULL, last_updated_time INTEGER NOT NULL,
        parent_instance_id TEXT, parent_task_id INTEGER, tracker TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS instances_by_created ON instances(created_time, instance_id);
      CREATE INDEX IF NOT EXISTS instances_by_status ON instances(status);
      CREATE TABLE IF NOT EXISTS history (
        instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (instance_id, seq)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, due_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS messages_by_instance ON messages(instance_id);
      CREATE TABLE IF NOT EXISTS activities (
        id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL, task_id INTEGER NOT NULL,
        name TEXT NOT NULL, input TEXT);
    `);
    this.stmts = {
      upsertInstance: this.db.prepare(
        `INSERT INTO instances VALUES (@instanceId, @name, @executionId, @status, @input, @output, @customStatus,
           @createdTime, @lastUpdatedTime, @parentInstanceId, @parentTaskId, @tracker)
         ON CONFLICT(instance_id) DO UPDATE SET name=excluded.name, execution_id=excluded.execution_id,
           status=excluded.status, input=excluded.input, output=excluded.output, custom_status=excluded.custom_status,
           created_time=excluded.created_time, last_updated_time=excluded.last_updated_time,
           parent_instance_id=excluded.parent_instance_id, parent_task_id=excluded.parent_task_id, tracker=excluded.tracker`,
      ),
      getInstance: this.db.prepare('SELECT * FROM instances WHERE instance_id = ?'),
      insertHistory: this.db.prepare('INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)'),
      getHistory: this.db.prepare('SELECT event FROM history WHERE instance_id = ? ORDER BY seq'),
      deleteHistory: this.db.prepare('DELETE FROM history WHERE instance_id = ?'),
      insertMessage: this.db.prepare('INSERT INTO messages (id, instance_id, due_at, body) VALUES (?, ?, ?, ?)'),
      deleteMessage: this.db.prepare('DELETE FROM messages WHERE id = ?'),
      deleteMessagesOf: this.db.prepare('DELETE FROM messages WHERE instance_id = ?'),
      insertActivity: this.db.prepare(
        'INSERT INTO activities (id, instance_id, execution_id, task_id, name, input) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteActivity: this.db.prepare('DELETE FROM activities WHERE id = ?'),
      deleteActivitiesOf: this.db.prepare('DELETE FROM activities WHERE instance_id = ?'),
      deleteInstance: this.db.prepare('DELETE FROM instances WHERE instance_id = ?'),
    };
  }

  /** Queues writes for the next group commit; resolves once they are durable. */
  commit(writes: Write[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const c of batch) for (const w of c.writes) w(this.db);
      })();
      this.commits++;
    } catch (e) {
      for (const c of batch) c.reject(e);
      return;
    }
    for (const c of batch) c.resolve();
  }

  // Write builders: closures run inside the group transaction.
  putInstance(row: InstanceRow): Write {
    return () => this.stmts.upsertInstance.run(row);
  }
  /**
   * One row per episode (keyed by the position of its first event), holding the episode's events as a JSON
   * array: a single insert per episode instead of one per event.
   */
  appendHistory(instanceId: string, fromSeq: number, eventTexts: readonly string[]): Write {
    const text = `[${eventTexts.join(',')}]`;
    return () => this.stmts.insertHistory.run(instanceId, fromSeq, text);
  }
  resetHistory(instanceId: string): Write {
    return () => this.stmts.deleteHistory.run(instanceId);
  }
  addMessage(m: MessageRow): Write {
    return () => this.stmts.insertMessage.run(m.id, m.instanceId, m.dueAt, m.body);
  }
  removeMessage(id: number): Write {
    return () => this.stmts.deleteMessage.run(id);
  }
  addActivity(a: ActivityRow): Write {
    return () => this.stmts.insertActivity.run(a.id, a.instanceId, a.executionId, a.taskId, a.name, a.input);
  }
  removeActivity(id: number): Write {
    return () => this.stmts.deleteActivity.run(id);
  }
  purge(instanceId: string): Write {
    return () => {
      this.stmts.deleteHistory.run(instanceId);
      this.stmts.deleteMessagesOf.run(instanceId);
      this.stmts.deleteActivitiesOf.run(instanceId);
      this.stmts.deleteInstance.run(instanceId);
    };
  }

  // Reads are synchronous and see only committed data.
  getInstance(instanceId: string): InstanceRow | undefined {
    const r = this.stmts.getInstance.get(instanceId) as Record<string, unknown> | undefined;
    return r ? toInstanceRow(r) : undefined;
  }
  getHistory(instanceId: string): HistoryEvent[] {
    return (this.stmts.getHistory.all(instanceId) as { event: string }[]).flatMap(
      (r) => JSON.parse(r.event) as HistoryEvent[],
    );
  }
  queryInstances(q: InstanceQuery): InstanceRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, ...values: unknown[]): void => {
      where.push(clause);
      args.push(...values);
    };
    if (q.createdTimeFrom !== undefined) add('created_time >= ?', q.createdTimeFrom);
    if (q.createdTimeTo !== undefined) add('created_time <= ?', q.createdTimeTo);
    if (q.statuses?.length) add(`status IN (${q.statuses.map(() => '?').join(',')})`, ...q.statuses);
    if (q.instanceIdPrefix) add('substr(instance_id, 1, ?) = ?', q.instanceIdPrefix.length, q.instanceIdPrefix);
    if (q.after) {
      where.push('(created_time > ? OR (created_time = ? AND instance_id > ?))');
      args.push(q.after.createdTime, q.after.createdTime, q.after.instanceId);
    }
    const sql = `SELECT * FROM instances ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_time, instance_id ${q.limit ? `LIMIT ${Math.floor(q.limit)}` : ''}`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(toInstanceRow);
  }
  loadMessages(): MessageRow[] {
    return (
      this.db.prepare('SELECT id, instance_id, due_at, body FROM messages ORDER BY id').all() as Record<
        string,
        unknown
      >[]
    ).map((r) => ({
      id: r.id as number,
      instanceId: r.instance_id as string,
      dueAt: r.due_at as number,
      body: r.body as string,
    }));
  }
  loadActivities(): ActivityRow[] {
    return (this.db.prepare('SELECT * FROM activities ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as number,
      instanceId: r.instance_id as string,
      executionId: r.execution_id as string,
      taskId: r.task_id as number,
      name: r.name as string,
      input: r.input as string | null,
    }));
  }
  loadActiveInstances(): InstanceRow[] {
    return (
      this.db
        .prepare("SELECT * FROM instances WHERE status NOT IN ('Completed','Failed','Terminated')")
        .all() as Record<string, unknown>[]
    ).map(toInstanceRow);
  }
  maxIds(): { message: number; activity: number } {
    const m = this.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM messages').get() as { n: number };
    const a = this.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM activities').get() as { n: number };
    return { message: m.n, activity: a.n };
  }

  /** Waits for queued writes, then closes the database. */
  async close(): Promise<void> {
    if (this.queue.length) await new Promise<void>((r) => setImmediate(r));
    this.flush();
    this.db.close();
  }
}

function toInstanceRow(r: Record<string, unknown>): InstanceRow {
  return {
    instanceId: r.instance_id as string,
    name: r.name as string,
    executionId: r.execution_id as string,
    status: r.status as RuntimeStatus,
    input: r.input as string | null,
    output: r.output as string | null,
    customStatus: r.custom_status as string | null,
    createdTime: r.created_time as number,
    lastUpdatedTime: r.last_updated_time as number,
    parentInstanceId: r.parent_instance_id as string | null,
    parentTaskId: r.parent_task_id as number | null,
    tracker: r.tracker as string,
  };
}
