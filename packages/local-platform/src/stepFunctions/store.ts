import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StoredEvent } from './historyEvents';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
];

export interface StateMachineRow {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  status: 'ACTIVE' | 'DELETING';
  creationDate: number;
  updateDate: number | null;
  revisionId: string;
}

export interface ExecutionRow {
  seq: number;
  arn: string;
  machineArn: string;
  name: string;
  /** The definition the execution started with: updates to the machine apply to new executions only. */
  definition: string;
  roleArn: string;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startDate: number;
  stopDate: number | null;
  redriveCount: number;
  redriveDate: number | null;
  /** Execution-level TimeoutSeconds deadline on the platform clock. */
  deadline: number | null;
  eventCount: number;
  /**
   * Where the execution continues after a restart or redrive: the top-level state that has not exited successfully,
   * its recorded input, and whether its StateEntered event is already in the history.
   */
  cursorState: string;
  cursorInput: string;
  cursorEntered: boolean;
}

export type TokenStatus = 'open' | 'submitted' | 'completed' | 'closed';

export interface TaskTokenRow {
  token: string;
  executionArn: string;
  stateName: string;
  status: TokenStatus;
  resource: string;
  timeoutAt: number | null;
  heartbeatMs: number | null;
  heartbeatAt: number | null;
  /** A SendTaskSuccess/Failure that arrived while no task was waiting (before a restart resumed it). */
  outcome: string | null;
  closedReason: string | null;
}

/**
 * SQLite persistence of the local Step Functions endpoint. All writes are synchronous (better-sqlite3) so that an
 * acknowledged API call or a recorded history event survives a crash; several events of one transition share a
 * transaction.
 */
export class StepFunctionsStore {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(location: string) {
    if (location !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new Database(location);
    if (location !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state_machines (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, name TEXT NOT NULL, definition TEXT NOT NULL,
        role_arn TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, creation_date INTEGER NOT NULL,
        update_date INTEGER, revision_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS executions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, machine_arn TEXT NOT NULL, name TEXT NOT NULL,
        definition TEXT NOT NULL, role_arn TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL, output TEXT,
        error TEXT, cause TEXT, start_date INTEGER NOT NULL, stop_date INTEGER, redrive_count INTEGER NOT NULL,
        redrive_date INTEGER, deadline INTEGER, event_count INTEGER NOT NULL, cursor_state TEXT NOT NULL,
        cursor_input TEXT NOT NULL, cursor_entered INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS executions_by_machine ON executions(machine_arn, seq);
      CREATE INDEX IF NOT EXISTS executions_by_status ON executions(status);
      CREATE TABLE IF NOT EXISTS history (
        execution_arn TEXT NOT NULL, id INTEGER NOT NULL, event TEXT NOT NULL,
        PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS task_tokens (
        token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, state_name TEXT NOT NULL, status TEXT NOT NULL,
        resource TEXT NOT NULL, timeout_at INTEGER, heartbeat_ms INTEGER, heartbeat_at INTEGER, outcome TEXT,
        closed_reason TEXT);
      CREATE INDEX IF NOT EXISTS task_tokens_by_execution ON task_tokens(execution_arn, status);
    `);
    this.stmts = {
      insertMachine: this.db.prepare(
        `INSERT INTO state_machines (arn, name, definition, role_arn, type, status, creation_date, update_date, revision_id)
         VALUES (@arn, @name, @definition, @roleArn, @type, @status, @creationDate, @updateDate, @revisionId)`,
      ),
      updateMachine: this.db.prepare(
        `UPDATE state_machines SET definition=@definition, role_arn=@roleArn, status=@status, update_date=@updateDate,
           revision_id=@revisionId WHERE arn=@arn`,
      ),
      getMachine: this.db.prepare('SELECT * FROM state_machines WHERE arn = ?'),
      deleteMachine: this.db.prepare('DELETE FROM state_machines WHERE arn = ?'),
      insertExecution: this.db.prepare(
        `INSERT INTO executions (arn, machine_arn, name, definition, role_arn, status, input, output, error, cause,
           start_date, stop_date, redrive_count, redrive_date, deadline, event_count, cursor_state, cursor_input, cursor_entered)
         VALUES (@arn, @machineArn, @name, @definition, @roleArn, @status, @input, @output, @error, @cause, @startDate,
           @stopDate, @redriveCount, @redriveDate, @deadline, @eventCount, @cursorState, @cursorInput, @cursorEntered)`,
      ),
      updateExecution: this.db.prepare(
        `UPDATE executions SET status=@status, output=@output, error=@error, cause=@cause, stop_date=@stopDate,
           redrive_count=@redriveCount, redrive_date=@redriveDate, deadline=@deadline, event_count=@eventCount,
           cursor_state=@cursorState, cursor_input=@cursorInput, cursor_entered=@cursorEntered WHERE arn=@arn`,
      ),
      getExecution: this.db.prepare('SELECT * FROM executions WHERE arn = ?'),
      insertEvent: this.db.prepare('INSERT INTO history (execution_arn, id, event) VALUES (?, ?, ?)'),
      putToken: this.db.prepare(
        `INSERT OR REPLACE INTO task_tokens (token, execution_arn, state_name, status, resource, timeout_at, heartbeat_ms,
           heartbeat_at, outcome, closed_reason) VALUES (@token, @executionArn, @stateName, @status, @resource,
           @timeoutAt, @heartbeatMs, @heartbeatAt, @outcome, @closedReason)`,
      ),
      getToken: this.db.prepare('SELECT * FROM task_tokens WHERE token = ?'),
      tokenForState: this.db.prepare(
        `SELECT * FROM task_tokens WHERE execution_arn = ? AND state_name = ? AND status IN ('open','submitted','completed')
         ORDER BY rowid DESC LIMIT 1`,
      ),
      closeTokens: this.db.prepare(
        `UPDATE task_tokens SET status='closed', closed_reason=? WHERE execution_arn = ? AND status != 'closed'`,
      ),
    };
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  insertMachine(row: StateMachineRow): void {
    this.stmts.insertMachine.run(row);
  }
  updateMachine(row: StateMachineRow): void {
    this.stmts.updateMachine.run(row);
  }
  getMachine(arn: string): StateMachineRow | undefined {
    const r = this.stmts.getMachine.get(arn) as Record<string, unknown> | undefined;
    return r ? toMachine(r) : undefined;
  }
  deleteMachine(arn: string): void {
    this.stmts.deleteMachine.run(arn);
  }
  /** Machines in creation order after `afterSeq`, with their sequence for paging. */
  listMachines(afterSeq: number, limit: number): { seq: number; row: StateMachineRow }[] {
    return (
      this.db.prepare('SELECT * FROM state_machines WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Record<
        string,
        unknown
      >[]
    ).map((r) => ({ seq: r.seq as number, row: toMachine(r) }));
  }

  insertExecution(row: Omit<ExecutionRow, 'seq'>): void {
    this.stmts.insertExecution.run({ ...row, cursorEntered: row.cursorEntered ? 1 : 0 });
  }
  updateExecution(row: ExecutionRow): void {
    this.stmts.updateExecution.run({ ...row, cursorEntered: row.cursorEntered ? 1 : 0 });
  }
  getExecution(arn: string): ExecutionRow | undefined {
    const r = this.stmts.getExecution.get(arn) as Record<string, unknown> | undefined;
    return r ? toExecution(r) : undefined;
  }
  /** Newest first, below `beforeSeq` when paging. */
  listExecutions(
    machineArn: string,
    status: ExecutionStatus | undefined,
    beforeSeq: number,
    limit: number,
  ): ExecutionRow[] {
    const rows = status
      ? this.db
          .prepare(
            'SELECT * FROM executions WHERE machine_arn = ? AND status = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
          )
          .all(machineArn, status, beforeSeq, limit)
      : this.db
          .prepare('SELECT * FROM executions WHERE machine_arn = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
          .all(machineArn, beforeSeq, limit);
    return (rows as Record<string, unknown>[]).map(toExecution);
  }
  runningExecutions(): ExecutionRow[] {
    return (
      this.db.prepare("SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY seq").all() as Record<
        string,
        unknown
      >[]
    ).map(toExecution);
  }
  countRunning(machineArn: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM executions WHERE machine_arn = ? AND status = 'RUNNING'")
        .get(machineArn) as { n: number }
    ).n;
  }

  insertEvent(executionArn: string, event: StoredEvent): void {
    this.stmts.insertEvent.run(executionArn, event.id, JSON.stringify(event));
  }
  history(executionArn: string, afterId: number, limit: number, reverse: boolean): StoredEvent[] {
    const sql = reverse
      ? 'SELECT event FROM history WHERE execution_arn = ? AND id < ? ORDER BY id DESC LIMIT ?'
      : 'SELECT event FROM history WHERE execution_arn = ? AND id > ? ORDER BY id LIMIT ?';
    return (this.db.prepare(sql).all(executionArn, afterId, limit) as { event: string }[]).map(
      (r) => JSON.parse(r.event) as StoredEvent,
    );
  }

  putToken(row: TaskTokenRow): void {
    this.stmts.putToken.run(row);
  }
  getToken(token: string): TaskTokenRow | undefined {
    const r = this.stmts.getToken.get(token) as Record<string, unknown> | undefined;
    return r ? toToken(r) : undefined;
  }
  /** The live token of a task state, if a waitForTaskToken task of it was scheduled and not closed. */
  tokenForState(executionArn: string, stateName: string): TaskTokenRow | undefined {
    const r = this.stmts.tokenForState.get(executionArn, stateName) as Record<string, unknown> | undefined;
    return r ? toToken(r) : undefined;
  }
  /** Tokens of an execution that are still live (open, submitted, or completed but not yet consumed). */
  liveTokens(executionArn: string): TaskTokenRow[] {
    return (
      this.db
        .prepare("SELECT * FROM task_tokens WHERE execution_arn = ? AND status != 'closed' ORDER BY rowid")
        .all(executionArn) as Record<string, unknown>[]
    ).map(toToken);
  }
  closeToken(token: string, reason: string): void {
    this.db.prepare("UPDATE task_tokens SET status='closed', closed_reason=? WHERE token = ?").run(reason, token);
  }
  closeTokens(executionArn: string, reason: string): void {
    this.stmts.closeTokens.run(reason, executionArn);
  }

  close(): void {
    this.db.close();
  }
}

function toMachine(r: Record<string, unknown>): StateMachineRow {
  return {
    arn: r.arn as string,
    name: r.name as string,
    definition: r.definition as string,
    roleArn: r.role_arn as string,
    type: r.type as 'STANDARD',
    status: r.status as 'ACTIVE' | 'DELETING',
    creationDate: r.creation_date as number,
    updateDate: r.update_date as number | null,
    revisionId: r.revision_id as string,
  };
}

function toExecution(r: Record<string, unknown>): ExecutionRow {
  return {
    seq: r.seq as number,
    arn: r.arn as string,
    machineArn: r.machine_arn as string,
    name: r.name as string,
    definition: r.definition as string,
    roleArn: r.role_arn as string,
    status: r.status as ExecutionStatus,
    input: r.input as string,
    output: r.output as string | null,
    error: r.error as string | null,
    cause: r.cause as string | null,
    startDate: r.start_date as number,
    stopDate: r.stop_date as number | null,
    redriveCount: r.redrive_count as number,
    redriveDate: r.redrive_date as number | null,
    deadline: r.deadline as number | null,
    eventCount: r.event_count as number,
    cursorState: r.cursor_state as string,
    cursorInput: r.cursor_input as string,
    cursorEntered: r.cursor_entered === 1,
  };
}

function toToken(r: Record<string, unknown>): TaskTokenRow {
  return {
    token: r.token as string,
    executionArn: r.execution_arn as string,
    stateName: r.state_name as string,
    status: r.status as TokenStatus,
    resource: r.resource as string,
    timeoutAt: r.timeout_at as number | null,
    heartbeatMs: r.heartbeat_ms as number | null,
    heartbeatAt: r.heartbeat_at as number | null,
    outcome: r.outcome as string | null,
    closedReason: r.closed_reason as string | null,
  };
}
