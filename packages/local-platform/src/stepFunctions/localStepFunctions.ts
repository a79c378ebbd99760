import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { MountRequest } from '../http/mountedApi';
import type { LambdaInvoker } from '../lambda/invoke';
import { dispatch, Redrivability, StepFunctionsService } from './api';
import { ArnScope, checkExecutionArn, checkName, executionArn, parseStateMachineArn, stateMachineArn } from './arns';
import { AslDefinition, compile, CompiledMachine, parseDefinition } from './definition';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  InvalidExecutionInput,
  InvalidOutput,
  InvalidToken,
  StateMachineAlreadyExists,
  StateMachineDeleting,
  StateMachineDoesNotExist,
  StepFunctionsApiError,
  TaskDoesNotExist,
  TaskTimedOut,
  validationError,
} from './errors';
import { ExecutionHost, ExecutionRun, ResumePoint } from './execution';
import { dataDetails, eventForWire } from './historyEvents';
import { errorResponse, JsonResponse } from './jsonProtocol';
import {
  MAX_CAUSE_LENGTH,
  MAX_ERROR_LENGTH,
  MAX_PAYLOAD_BYTES,
  MAX_TASK_TOKEN_LENGTH,
  REDRIVE_HISTORY_LIMIT,
  REDRIVE_WINDOW_MS,
  utf8Bytes,
} from './limits';
import { decodePageToken, encodePageToken, pageSize } from './paging';
import { ExecutionRow, ExecutionStatus, StateMachineRow, StepFunctionsStore } from './store';
import { TaskExecutor } from './tasks';
import { isWellFormedToken, TaskOutcome, TaskTokenWaiters } from './taskTokens';

export interface LocalStepFunctionsOptions {
  /** ALL waiting (Wait states, retries, timeouts, heartbeats) goes through it: a VirtualClock skips it in tests. */
  clock: Clock;
  lambda: LambdaInvoker;
  /** SQLite file path or ':memory:'. */
  location: string;
  region?: string;
  accountId?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * A local AWS Step Functions (Standard) endpoint: state machines, executions on aws-local-stepfunctions with
 * the platform clock, Lambda tasks through a LambdaInvoker, callback tokens, redrive and SQLite persistence.
 * `handle` serves the AWS JSON 1.0 protocol so the real @aws-sdk/client-sfn works against it.
 */
export class LocalStepFunctions implements StepFunctionsService {
  readonly scope: ArnScope;
  readonly clock: Clock;
  readonly store: StepFunctionsStore;
  private readonly waiters = new TaskTokenWaiters();
  private readonly runs = new Map<string, ExecutionRun>();
  private readonly compiledCache = new Map<string, CompiledMachine>();
  private readonly host: ExecutionHost;
  private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  private started = false;

  constructor(options: LocalStepFunctionsOptions) {
    this.scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    this.clock = options.clock;
    this.log = options.log ?? (() => undefined);
    this.store = new StepFunctionsStore(options.location);
    const tasks = new TaskExecutor({
      clock: options.clock,
      lambda: options.lambda,
      store: this.store,
      waiters: this.waiters,
      region: this.scope.region,
    });
    this.host = {
      clock: options.clock,
      store: this.store,
      tasks,
      log: this.log,
      released: (run) => this.released(run),
    };
  }

  async handle(req: MountRequest): Promise<JsonResponse> {
    try {
      return await dispatch(this, req);
    } catch (e) {
      if (e instanceof StepFunctionsApiError) return errorResponse(e);
      throw e;
    }
  }

  /** Resumes executions that were RUNNING when the process stopped. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const row of this.store.runningExecutions()) {
      if (this.runs.has(row.arn)) continue;
      const run = this.newRun(row);
      run.adoptTokens(this.store.liveTokens(row.arn));
      this.log('info', `Resuming Step Functions execution ${row.arn} at state '${row.cursorState}'.`);
      this.launch(run, { state: row.cursorState, input: row.cursorInput, enter: !row.cursorEntered });
    }
  }

  async stop(): Promise<void> {
    for (const run of [...this.runs.values()]) run.haltForShutdown();
    // Let the library's runs observe the abort before the database goes away.
    await new Promise((r) => setImmediate(r));
    this.store.close();
  }

  inFlight(): number {
    let n = 0;
    for (const run of this.runs.values()) if (run.busy) n++;
    return n;
  }

  // ---- state machines ----

  /** Direct creation used by the platform: idempotent for identical definition and role, updates otherwise. */
  createStateMachine(input: { name: string; definition: string; roleArn?: string; type?: 'STANDARD' }): string {
    checkName(input.name, 'name', 'State machine');
    parseDefinition(input.definition);
    const arn = stateMachineArn(this.scope, input.name);
    const roleArn = input.roleArn ?? this.defaultRole();
    const existing = this.store.getMachine(arn);
    if (!existing) this.insertMachine(arn, input.name, input.definition, roleArn);
    else if (existing.definition !== input.definition || existing.roleArn !== roleArn || existing.status !== 'ACTIVE')
      this.store.updateMachine({
        ...existing,
        definition: input.definition,
        roleArn,
        status: 'ACTIVE',
        updateDate: this.clock.now(),
        revisionId: revisionOf(input.definition, roleArn),
      });
    return arn;
  }

  createStateMachineApi(name: string, definition: string, roleArn: string, type: string | undefined): StateMachineRow {
    checkName(name, 'name', 'State machine');
    if (type !== undefined && type !== 'STANDARD')
      throw validationError(
        'type',
        'Member must satisfy enum value set: [STANDARD] (EXPRESS is not emulated locally)',
        type,
      );
    parseDefinition(definition);
    const arn = stateMachineArn(this.scope, name);
    const existing = this.store.getMachine(arn);
    if (existing) {
      if (existing.status === 'DELETING') throw new StateMachineDeleting(`State Machine is being deleted: '${arn}'`);
      if (existing.definition === definition && existing.roleArn === roleArn) return existing;
      throw new StateMachineAlreadyExists(
        `State Machine Already Exists: '${arn}' has another definition or role; use UpdateStateMachine to change it.`,
      );
    }
    return this.insertMachine(arn, name, definition, roleArn);
  }

  private insertMachine(arn: string, name: string, definition: string, roleArn: string): StateMachineRow {
    const row: StateMachineRow = {
      arn,
      name,
      definition,
      roleArn,
      type: 'STANDARD',
      status: 'ACTIVE',
      creationDate: this.clock.now(),
      updateDate: null,
      revisionId: revisionOf(definition, roleArn),
    };
    this.store.insertMachine(row);
    return row;
  }

  machine(arn: string): StateMachineRow {
    parseStateMachineArn(arn, this.scope);
    const row = this.store.getMachine(arn);
    if (!row) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
    return row;
  }

  updateStateMachine(arn: string, definition: string | undefined, roleArn: string | undefined): StateMachineRow {
    const row = this.machine(arn);
    if (row.status === 'DELETING') throw new StateMachineDeleting(`State Machine is being deleted: '${arn}'`);
    if (definition !== undefined) parseDefinition(definition);
    const next = { ...row, definition: definition ?? row.definition, roleArn: roleArn ?? row.roleArn };
    next.updateDate = this.clock.now();
    next.revisionId = revisionOf(next.definition, next.roleArn);
    this.store.updateMachine(next);
    return next;
  }

  /** Running executions finish on the definition they started with; the machine goes once they are done. */
  deleteStateMachine(arn: string): void {
    parseStateMachineArn(arn, this.scope);
    const row = this.store.getMachine(arn);
    if (!row) return;
    if (this.store.countRunning(arn) === 0) this.store.deleteMachine(arn);
    else this.store.updateMachine({ ...row, status: 'DELETING' });
  }

  listStateMachines(
    nextToken: string | undefined,
    maxResults: unknown,
  ): { rows: StateMachineRow[]; nextToken?: string } {
    const limit = pageSize(maxResults);
    const after = nextToken ? decodePageToken(nextToken, 'machines') : 0;
    const page = this.store.listMachines(after, limit + 1);
    const rows = page.slice(0, limit);
    return {
      rows: rows.map((r) => r.row),
      nextToken: page.length > limit ? encodePageToken('machines', rows[rows.length - 1].seq) : undefined,
    };
  }

  // ---- executions ----

  startExecution(machineArn: string, name: string | undefined, input: string | undefined): ExecutionRow {
    const machine = this.machine(machineArn);
    if (machine.status === 'DELETING')
      throw new StateMachineDeleting(`State Machine is being deleted: '${machineArn}'`);
    const execName = name ?? randomUUID();
    checkName(execName, 'name', 'Execution');
    const inputText = input ?? '{}';
    const bytes = utf8Bytes(inputText);
    if (bytes > MAX_PAYLOAD_BYTES)
      throw validationError(
        'input',
        `Member must have length less than or equal to ${MAX_PAYLOAD_BYTES} (the input is ${bytes} bytes as UTF-8; Step Functions allows ${MAX_PAYLOAD_BYTES} bytes)`,
        `${inputText.slice(0, 32)}...`,
      );
    try {
      JSON.parse(inputText);
    } catch (e) {
      throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }
    const arn = executionArn(this.scope, machine.name, execName);
    const existing = this.store.getExecution(arn);
    if (existing) {
      // Same name and input while running is an idempotent retry of the same call.
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new ExecutionAlreadyExists(
        `Execution Already Exists: '${arn}' (${existing.status === 'RUNNING' ? 'running with another input' : `closed as ${existing.status}`}; ` +
          'execution names are unique per state machine for 90 days).',
      );
    }
    const definition = this.compiledFor(machine.definition).definition;
    const now = this.clock.now();
    const row: ExecutionRow = {
      seq: 0,
      arn,
      machineArn,
      name: execName,
      definition: machine.definition,
      roleArn: machine.roleArn,
      status: 'RUNNING',
      input: inputText,
      output: null,
      error: null,
      cause: null,
      startDate: now,
      stopDate: null,
      redriveCount: 0,
      redriveDate: null,
      deadline: definition.TimeoutSeconds !== undefined ? now + definition.TimeoutSeconds * 1000 : null,
      eventCount: 0,
      cursorState: definition.StartAt,
      cursorInput: inputText,
      cursorEntered: false,
    };
    this.store.insertExecution(row);
    const run = this.newRun(this.store.getExecution(arn) as ExecutionRow);
    run.record([
      {
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: inputText, inputDetails: dataDetails, roleArn: machine.roleArn },
      },
    ]);
    this.launch(run, { state: definition.StartAt, input: inputText, enter: true });
    return run.row;
  }

  execution(arn: string): ExecutionRow {
    checkExecutionArn(arn);
    const row = this.runs.get(arn)?.row ?? this.store.getExecution(arn);
    if (!row) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    return row;
  }

  listExecutions(
    machineArn: string,
    status: ExecutionStatus | undefined,
    nextToken: string | undefined,
    maxResults: unknown,
  ): { rows: ExecutionRow[]; nextToken?: string } {
    this.machine(machineArn);
    const limit = pageSize(maxResults);
    const scope = `executions:${machineArn}:${status ?? ''}`;
    const before = nextToken ? decodePageToken(nextToken, scope) : Number.MAX_SAFE_INTEGER;
    const page = this.store.listExecutions(machineArn, status, before, limit + 1);
    const rows = page.slice(0, limit);
    return { rows, nextToken: page.length > limit ? encodePageToken(scope, rows[rows.length - 1].seq) : undefined };
  }

  history(
    arn: string,
    opts: { maxResults: unknown; nextToken?: string; reverseOrder?: boolean; includeExecutionData?: boolean },
  ): { events: Record<string, unknown>[]; nextToken?: string } {
    const row = this.execution(arn);
    const limit = pageSize(opts.maxResults);
    const reverse = opts.reverseOrder ?? false;
    const scope = `history:${arn}:${reverse}`;
    const from = opts.nextToken ? decodePageToken(opts.nextToken, scope) : reverse ? row.eventCount + 1 : 0;
    const page = this.store.history(arn, from, limit + 1, reverse);
    const events = page.slice(0, limit);
    return {
      events: events.map((e) => eventForWire(e, opts.includeExecutionData ?? true)),
      nextToken: page.length > limit ? encodePageToken(scope, events[events.length - 1].id) : undefined,
    };
  }

  stopExecution(arn: string, error: string | undefined, cause: string | undefined): ExecutionRow {
    const row = this.execution(arn);
    if (error !== undefined && error.length > MAX_ERROR_LENGTH)
      throw validationError('error', `Member must have length less than or equal to ${MAX_ERROR_LENGTH}`);
    if (cause !== undefined && cause.length > MAX_CAUSE_LENGTH)
      throw validationError('cause', `Member must have length less than or equal to ${MAX_CAUSE_LENGTH}`);
    if (row.status !== 'RUNNING') return row;
    const run = this.runs.get(arn);
    if (run) run.close('ABORTED', { error, cause }, 'ExecutionAborted', 'executionAbortedEventDetails');
    return this.execution(arn);
  }

  redrivability(row: ExecutionRow): Redrivability {
    if (row.status === 'RUNNING' || row.status === 'PENDING_REDRIVE')
      return { redrivable: false, reason: `Execution is ${row.status} and cannot be redriven` };
    if (row.status === 'SUCCEEDED')
      return { redrivable: false, reason: 'Execution is SUCCEEDED and cannot be redriven' };
    if (row.stopDate !== null && this.clock.now() - row.stopDate > REDRIVE_WINDOW_MS)
      return { redrivable: false, reason: 'Execution cannot be redriven more than 14 days after it closed' };
    if (row.eventCount >= REDRIVE_HISTORY_LIMIT)
      return {
        redrivable: false,
        reason: `Execution history has ${row.eventCount} events; redrive needs fewer than ${REDRIVE_HISTORY_LIMIT}`,
      };
    if (!this.store.getMachine(row.machineArn))
      return { redrivable: false, reason: 'The state machine of this execution was deleted' };
    return { redrivable: true, reason: 'Execution can be redriven' };
  }

  /** Resumes a FAILED/TIMED_OUT/ABORTED execution at its unsuccessful state with that state's recorded input. */
  redriveExecution(arn: string): ExecutionRow {
    const row = this.execution(arn);
    const check = this.redrivability(row);
    if (!check.redrivable) throw new ExecutionNotRedrivable(`Execution is not redrivable: '${arn}'. ${check.reason}.`);
    const now = this.clock.now();
    const definition = this.compiledFor(row.definition).definition;
    const redriven: ExecutionRow = {
      ...row,
      status: 'RUNNING',
      stopDate: null,
      output: null,
      error: null,
      cause: null,
      redriveCount: row.redriveCount + 1,
      redriveDate: now,
      deadline: definition.TimeoutSeconds !== undefined ? now + definition.TimeoutSeconds * 1000 : null,
    };
    this.store.updateExecution(redriven);
    const run = this.newRun(redriven);
    run.record([{ type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: redriven.redriveCount } }]);
    this.launch(run, { state: redriven.cursorState, input: redriven.cursorInput, enter: true });
    return run.row;
  }

  // ---- callback tokens ----

  sendTaskSuccess(token: string, output: string): void {
    this.liveToken(token);
    if (utf8Bytes(output) > MAX_PAYLOAD_BYTES)
      throw validationError('output', `Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`);
    try {
      JSON.parse(output);
    } catch (e) {
      throw new InvalidOutput(`Invalid Output: '${(e as Error).message}'`);
    }
    this.deliver(token, { kind: 'success', output });
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    this.liveToken(token);
    if (error !== undefined && error.length > MAX_ERROR_LENGTH)
      throw validationError('error', `Member must have length less than or equal to ${MAX_ERROR_LENGTH}`);
    if (cause !== undefined && cause.length > MAX_CAUSE_LENGTH)
      throw validationError('cause', `Member must have length less than or equal to ${MAX_CAUSE_LENGTH}`);
    this.deliver(token, { kind: 'failure', error, cause });
  }

  sendTaskHeartbeat(token: string): void {
    const row = this.liveToken(token);
    const waiter = this.waiters.get(token);
    if (row.heartbeatMs !== null) this.store.putToken({ ...row, heartbeatAt: this.clock.now() + row.heartbeatMs });
    waiter?.heartbeat();
  }

  private liveToken(token: string) {
    if (token.length > MAX_TASK_TOKEN_LENGTH)
      throw validationError('taskToken', `Member must have length less than or equal to ${MAX_TASK_TOKEN_LENGTH}`);
    if (!isWellFormedToken(token))
      throw new InvalidToken(`Invalid Token: '${token.slice(0, 40)}' is not a task token.`);
    const row = this.store.getToken(token);
    if (!row) throw new TaskDoesNotExist('Task Does Not Exist: no task was given this token.');
    if (row.status === 'closed' || row.status === 'completed')
      throw new TaskTimedOut(
        `Task Timed Out: 'Provided task does not exist anymore' (the task ${row.status === 'completed' ? 'already got its result' : `was closed: ${row.closedReason ?? 'finished'}`}).`,
      );
    return row;
  }

  private deliver(token: string, outcome: TaskOutcome): void {
    const waiter = this.waiters.get(token);
    if (waiter) return waiter.deliver(outcome);
    // No task waits in this process yet (a restart before start() resumed it): keep the result for the resumed task.
    const row = this.store.getToken(token);
    if (row) this.store.putToken({ ...row, status: 'completed', outcome: JSON.stringify(outcome) });
  }

  // ---- internals ----

  private defaultRole(): string {
    return `arn:aws:iam::${this.scope.accountId}:role/local-step-functions`;
  }

  private compiledFor(definitionText: string): CompiledMachine {
    let compiled = this.compiledCache.get(definitionText);
    if (!compiled) {
      compiled = compile(JSON.parse(definitionText) as AslDefinition);
      this.compiledCache.set(definitionText, compiled);
    }
    return compiled;
  }

  private newRun(row: ExecutionRow): ExecutionRun {
    const compiled = this.compiledFor(row.definition);
    const run = new ExecutionRun(row, compiled, this.host);
    this.runs.set(row.arn, run);
    run.armTimeout(compiled.definition.TimeoutSeconds);
    return run;
  }

  private launch(run: ExecutionRun, from: ResumePoint): void {
    void run.drive(from);
  }

  private released(run: ExecutionRun): void {
    if (this.runs.get(run.arn) === run) this.runs.delete(run.arn);
    const machine = this.store.getMachine(run.row.machineArn);
    if (machine?.status === 'DELETING' && run.row.status !== 'RUNNING' && this.store.countRunning(machine.arn) === 0)
      this.store.deleteMachine(machine.arn);
  }
}

function revisionOf(definition: string, roleArn: string): string {
  return createHash('sha256').update(definition).update('\0').update(roleArn).digest('hex').slice(0, 32);
}
