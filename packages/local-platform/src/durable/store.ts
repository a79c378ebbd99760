import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEvent } from './historyEvents';
import type {
  ActivityRow,
  EpisodeChanges,
  InFlight,
  InstanceQuery,
  InstanceRow,
  InstanceStore,
  MessageRow,
  NewInstance,
  RuntimeStatus,
} from './instanceStore';

export interface StoreOptions {
  /** File path, or ':memory:'. */
  location: string;
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
}

interface PendingCommit {
  write: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * SQLite persistence for the durable engine. Everything handed over during one turn of the event loop is
 * committed in a single transaction (group commit), so concurrent episodes share one fsync and each episode's
 * history and the work it creates land atomically.
 */
export class DurableStore implements InstanceStore {
  private readonly db: Database.Database;
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

  // ---------------------------------------------------------------- writes (group-committed)

  createInstance(instance: NewInstance): Promise<void> {
    return this.enqueue(() => this.writeNewInstance(instance));
  }

  commitEpisode(c: EpisodeChanges): Promise<void> {
    return this.enqueue(() => {
      for (const id of c.removedMessages) this.stmts.deleteMessage.run(id);
      for (const id of c.removedActivities) this.stmts.deleteActivity.run(id);
      for (const started of c.started) this.writeNewInstance(started);
      const instanceId = c.instance.instanceId;
      if (c.resetHistory) this.stmts.deleteHistory.run(instanceId);
      // One row per episode, holding its events as a JSON array: a single insert instead of one per event.
      if (c.appendHistory)
        this.stmts.insertHistory.run(instanceId, c.appendHistory.fromSeq, `[${c.appendHistory.events.join(',')}]`);
      this.stmts.upsertInstance.run(c.instance);
      for (const m of c.messages) this.writeMessage(m);
      for (const a of c.activities) this.writeActivity(a);
    });
  }

  sendMessage(message: MessageRow): Promise<void> {
    return this.enqueue(() => this.writeMessage(message));
  }

  purgeInstances(instanceIds: readonly string[]): Promise<void> {
    return this.enqueue(() => instanceIds.forEach((id) => this.deleteInstance(id)));
  }

  discardWork(work: { messages: readonly number[]; activities: readonly number[] }): Promise<void> {
    return this.enqueue(() => {
      for (const id of work.messages) this.stmts.deleteMessage.run(id);
      for (const id of work.activities) this.stmts.deleteActivity.run(id);
    });
  }

  private writeNewInstance({ row, start, replaces }: NewInstance): void {
    if (replaces) this.deleteInstance(row.instanceId);
    this.stmts.upsertInstance.run(row);
    this.writeMessage(start);
  }

  private writeMessage(m: MessageRow): void {
    this.stmts.insertMessage.run(m.id, m.instanceId, m.dueAt, m.body);
  }

  private writeActivity(a: ActivityRow): void {
    this.stmts.insertActivity.run(a.id, a.instanceId, a.executionId, a.taskId, a.name, a.input);
  }

  private deleteInstance(instanceId: string): void {
    this.stmts.deleteHistory.run(instanceId);
    this.stmts.deleteMessagesOf.run(instanceId);
    this.stmts.deleteActivitiesOf.run(instanceId);
    this.stmts.deleteInstance.run(instanceId);
  }

  /** Queues a write for the next group commit; resolves once it is durable. */
  private enqueue(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
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
        for (const c of batch) c.write();
      })();
      this.commits++;
    } catch (e) {
      for (const c of batch) c.reject(e);
      return;
    }
    for (const c of batch) c.resolve();
  }

  // ---------------------------------------------------------------- reads (committed data only)

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

  loadInFlight(): InFlight {
    const maxId = (table: string): number =>
      (this.db.prepare(`SELECT COALESCE(MAX(id), 0) AS n FROM ${table}`).get() as { n: number }).n;
    const lastIds = { message: maxId('messages'), activity: maxId('activities') };
    const rows = this.db
      .prepare("SELECT * FROM instances WHERE status NOT IN ('Completed','Failed','Terminated')")
      .all() as Record<string, unknown>[];
    const instances = rows.map(toInstanceRow).map((row) => ({ row, history: this.getHistory(row.instanceId) }));
    const messages = (
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
    const activities = (this.db.prepare('SELECT * FROM activities ORDER BY id').all() as Record<string, unknown>[]).map(
      (r) => ({
        id: r.id as number,
        instanceId: r.instance_id as string,
        executionId: r.execution_id as string,
        taskId: r.task_id as number,
        name: r.name as string,
        input: r.input as string | null,
      }),
    );
    return { instances, messages, activities, lastIds };
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
