import type { Clock, ScheduledWake } from '../clock';
import { ExecutionHalted } from './clockWait';
import type { CompiledMachine } from './definition';
import { dataDetails, NewEvent, stateEventType, StoredEvent } from './historyEvents';
import { learnTimeoutPrototype, statesErrorFields, stepFunctionsLibrary } from './library';
import { dataLimitCause, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, utf8Bytes } from './limits';
import type { ExecutionRow, ExecutionStatus, StepFunctionsStore, TaskTokenRow } from './store';
import { TASK_TOKEN_SENTINEL, TaskExecutor, TaskRunContext } from './tasks';

export interface ExecutionHost {
  clock: Clock;
  store: StepFunctionsStore;
  tasks: TaskExecutor;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Called once when the execution closes or halts, so the host can forget it. */
  released(run: ExecutionRun): void;
}

/** Where the driver continues: a top-level state, its input (JSON text), and whether it was already entered. */
export interface ResumePoint {
  state: string;
  input: string;
  enter: boolean;
}

type StateOutcome =
  | { kind: 'next'; next: string; caught: boolean; output: unknown }
  | { kind: 'end'; output: unknown }
  | { kind: 'fail'; error: string | undefined; cause: string | undefined }
  | { kind: 'halted' };

/**
 * One running execution. The driver runs one top-level state at a time on the library (see `compile`), records
 * the AWS history around it and persists the position after every transition, so a restart or a redrive continues
 * from the state that has not finished. Task work (and so at-least-once Lambda invocation after a crash) lives in
 * TaskExecutor.
 */
export class ExecutionRun implements TaskRunContext {
  private readonly halt = new AbortController();
  private closed = false;
  private driving = false;
  private activeHandlers = 0;
  private waitingHandlers = 0;
  private transition?: { target: string; caught: boolean; output: unknown };
  private libraryAbort?: () => void;
  private timeoutWake?: ScheduledWake;
  private readonly handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  private readonly resumableTokens = new Map<string, TaskTokenRow>();
  private originalInput: unknown;

  constructor(
    readonly row: ExecutionRow,
    private readonly compiled: CompiledMachine,
    private readonly host: ExecutionHost,
  ) {
    for (const [stub, t] of compiled.stubs)
      this.handlers[stub] = async (input) => {
        this.transition = { ...t, output: input };
        return null;
      };
    for (const [name, spec] of compiled.handlers)
      this.handlers[name] = async (input) => {
        this.activeHandlers++;
        try {
          // Let the library's event log (nested StateEntered) reach the history before the task's own events.
          if (spec.nested) await new Promise((r) => setImmediate(r));
          return await this.host.tasks.run(this, spec, input);
        } finally {
          this.activeHandlers--;
        }
      };
    this.originalInput = JSON.parse(row.input);
  }

  get arn(): string {
    return this.row.arn;
  }
  get signal(): AbortSignal {
    return this.halt.signal;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  /** Doing work: a state transition, a task attempt or a Lambda call, not only waiting on a token or the clock. */
  get busy(): boolean {
    return this.driving && !this.closed && (this.activeHandlers === 0 || this.waitingHandlers < this.activeHandlers);
  }
  beginWait(): void {
    this.waitingHandlers++;
  }
  endWait(): void {
    this.waitingHandlers--;
  }
  claimToken(stateName: string): TaskTokenRow | undefined {
    const row = this.resumableTokens.get(stateName);
    this.resumableTokens.delete(stateName);
    return row;
  }

  /**
   * Continues after a restart: callback tasks that were already submitted keep their token and deadlines; tokens
   * whose Lambda call was cut off are dropped and the task runs again (at-least-once, like a Lambda retry).
   */
  adoptTokens(rows: TaskTokenRow[]): void {
    for (const t of rows) {
      if (t.status === 'open') this.host.store.closeToken(t.token, 'restarted');
      else this.resumableTokens.set(t.stateName, t);
    }
  }

  armTimeout(timeoutSeconds: number | undefined): void {
    if (this.row.deadline === null) return;
    this.timeoutWake = this.host.clock.schedule(this.row.deadline, () =>
      this.close(
        'TIMED_OUT',
        {
          error: 'States.Timeout',
          cause: `The execution ran longer than its TimeoutSeconds${timeoutSeconds ? ` (${timeoutSeconds} s)` : ''}.`,
        },
        'ExecutionTimedOut',
        'executionTimedOutEventDetails',
      ),
    );
  }

  /** Appends events (and a row patch) in one transaction; fails the execution at the 25,000-event limit. */
  record(events: NewEvent[], patch: Partial<ExecutionRow> = {}): boolean {
    if (this.closed) return false;
    const room = MAX_HISTORY_EVENTS - 1 - this.row.eventCount;
    if (events.length > room) {
      this.write(events.slice(0, Math.max(0, room)), {});
      this.close(
        'FAILED',
        {
          error: 'States.Runtime',
          cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
        },
        'ExecutionFailed',
        'executionFailedEventDetails',
      );
      return false;
    }
    this.write(events, patch);
    return true;
  }

  private write(events: NewEvent[], patch: Partial<ExecutionRow>): void {
    const now = this.host.clock.now();
    this.host.store.transaction(() => {
      for (const e of events) {
        const id = this.row.eventCount + 1;
        const { type, ...details } = e;
        const stored: StoredEvent = { timestamp: now, type, id, previousEventId: id - 1, ...details };
        this.host.store.insertEvent(this.row.arn, stored);
        this.row.eventCount = id;
      }
      Object.assign(this.row, patch);
      this.host.store.updateExecution(this.row);
    });
  }

  /** Closes the execution with its final status and event; idempotent. */
  close(
    status: Exclude<ExecutionStatus, 'RUNNING' | 'PENDING_REDRIVE'>,
    fields: { output?: string; error?: string; cause?: string },
    eventType: string,
    detailsKey: string,
  ): void {
    if (this.closed) return;
    const details =
      status === 'SUCCEEDED'
        ? { output: fields.output, outputDetails: dataDetails }
        : Object.fromEntries(
            Object.entries({ error: fields.error, cause: fields.cause }).filter(([, v]) => v !== undefined),
          );
    this.write([{ type: eventType, [detailsKey]: details }], {
      status,
      stopDate: this.host.clock.now(),
      output: fields.output ?? null,
      error: fields.error ?? null,
      cause: fields.cause ?? null,
    });
    this.host.store.closeTokens(this.row.arn, status === 'ABORTED' ? 'aborted' : 'executionClosed');
    this.closed = true;
    this.stopWork();
    this.host.released(this);
  }

  /** Process shutdown: stop working but leave the execution RUNNING in the store for `start()` to resume. */
  haltForShutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWork();
    this.host.released(this);
  }

  private stopWork(): void {
    this.timeoutWake?.cancel();
    this.halt.abort();
    this.libraryAbort?.();
  }

  private fail(error: string | undefined, cause: string | undefined): void {
    this.close('FAILED', { error, cause }, 'ExecutionFailed', 'executionFailedEventDetails');
  }

  async drive(from: ResumePoint): Promise<void> {
    this.driving = true;
    try {
      await learnTimeoutPrototype();
      let { state, input, enter } = from;
      while (!this.closed) {
        const compiled = this.compiled.states[state];
        if (!compiled) {
          this.fail('States.Runtime', `The state machine has no state named '${state}'.`);
          return;
        }
        if (enter) {
          const bytes = utf8Bytes(input);
          if (bytes > MAX_PAYLOAD_BYTES) {
            this.fail('States.DataLimitExceeded', dataLimitCause(`The input to state '${state}'`, bytes));
            return;
          }
          const entered: NewEvent = {
            type: stateEventType(compiled.type, 'Entered'),
            stateEnteredEventDetails: { name: state, input, inputDetails: dataDetails },
          };
          if (!this.record([entered], { cursorState: state, cursorInput: input, cursorEntered: true })) return;
        }
        enter = true;
        const outcome = await this.runState(state, JSON.parse(input) as unknown);
        if (this.closed || outcome.kind === 'halted') return;
        if (outcome.kind === 'fail') {
          this.fail(outcome.error, outcome.cause);
          return;
        }
        const output = JSON.stringify(outcome.output ?? null);
        const bytes = utf8Bytes(output);
        if (bytes > MAX_PAYLOAD_BYTES) {
          this.fail('States.DataLimitExceeded', dataLimitCause(`The output of state '${state}'`, bytes));
          return;
        }
        const exited: NewEvent = {
          type: stateEventType(compiled.type, 'Exited'),
          stateExitedEventDetails: { name: state, output, outputDetails: dataDetails },
        };
        if (outcome.kind === 'end') {
          if (!this.record([exited])) return;
          this.close('SUCCEEDED', { output }, 'ExecutionSucceeded', 'executionSucceededEventDetails');
          return;
        }
        // A caught error leaves the state without a StateExited event, as in AWS histories.
        const moved = this.record(outcome.caught ? [] : [exited], {
          cursorState: outcome.next,
          cursorInput: output,
          cursorEntered: false,
        });
        if (!moved) return;
        state = outcome.next;
        input = output;
      }
    } catch (e) {
      if (!(e instanceof ExecutionHalted)) {
        this.host.log(
          'error',
          `Step Functions execution ${this.row.arn} failed inside the local endpoint: ${(e as Error).stack ?? e}`,
        );
        this.fail('States.Runtime', `The local Step Functions endpoint failed: ${(e as Error).message}`);
      }
    } finally {
      this.driving = false;
    }
  }

  private async runState(name: string, input: unknown): Promise<StateOutcome> {
    const compiled = this.compiled.states[name];
    this.transition = undefined;
    const { ExecutionError } = stepFunctionsLibrary();
    const handle = compiled.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.handlers as never },
      context: this.context(name),
      noThrowOnAbort: true,
    });
    this.libraryAbort = handle.abort;
    void this.recordNestedStates(handle.eventLogs, name);
    try {
      const result = await handle.result;
      if (this.closed) return { kind: 'halted' };
      const t = this.transition as { target: string; caught: boolean; output: unknown } | undefined;
      if (t) return { kind: 'next', next: t.target, caught: t.caught, output: t.output };
      return { kind: 'end', output: result };
    } catch (e) {
      if (this.closed) return { kind: 'halted' };
      const cause = e instanceof ExecutionError ? (e as Error & { cause: unknown }).cause : e;
      if (cause instanceof ExecutionHalted) return { kind: 'halted' };
      return { kind: 'fail', ...this.failureOf(name, cause) };
    } finally {
      this.libraryAbort = undefined;
    }
  }

  /** The library names a Fail state without Error "FailStateError"; AWS leaves error (and cause) out. */
  private failureOf(name: string, e: unknown): { error: string | undefined; cause: string | undefined } {
    const def = this.compiled.definition.States[name];
    const fields = statesErrorFields(e);
    if (def.Type !== 'Fail') return fields;
    return {
      error: def.Error ?? (def.ErrorPath ? fields.error : undefined),
      cause: def.Cause ?? (def.CausePath ? fields.cause : undefined),
    };
  }

  private context(stateName: string): Record<string, unknown> {
    const iso = (ms: number): string => new Date(ms).toISOString();
    const machineName = this.row.machineArn.slice(this.row.machineArn.lastIndexOf(':') + 1);
    return {
      Execution: {
        Id: this.row.arn,
        Name: this.row.name,
        RoleArn: this.row.roleArn,
        RedriveCount: this.row.redriveCount,
        ...(this.row.redriveDate !== null ? { RedriveTime: iso(this.row.redriveDate) } : {}),
        LocalInput: this.originalInput,
        LocalStartTime: iso(this.row.startDate),
      },
      StateMachine: { Id: this.row.machineArn, Name: machineName },
      State: { Name: stateName, EnteredTime: iso(this.host.clock.now()), RetryCount: 0 },
      Task: { Token: TASK_TOKEN_SENTINEL },
    };
  }

  /** States inside Parallel branches and Map iterations appear in the history from the library's event log. */
  private async recordNestedStates(events: AsyncGenerator<unknown>, topLevel: string): Promise<void> {
    try {
      for await (const raw of events) {
        const e = raw as { type: string; state?: { name: string; type: string; input: unknown; output?: unknown } };
        if (!e.state || e.state.name === topLevel || this.compiled.stubs.has(e.state.name)) continue;
        const type = this.compiled.handlers.get(e.state.name)?.kind === 'wait' ? 'Wait' : e.state.type;
        if (e.type === 'StateEntered')
          this.record([
            {
              type: stateEventType(type, 'Entered'),
              stateEnteredEventDetails: {
                name: e.state.name,
                input: JSON.stringify(e.state.input ?? null),
                inputDetails: dataDetails,
              },
            },
          ]);
        else if (e.type === 'StateExited')
          this.record([
            {
              type: stateEventType(type, 'Exited'),
              stateExitedEventDetails: {
                name: e.state.name,
                output: JSON.stringify(e.state.output ?? null),
                outputDetails: dataDetails,
              },
            },
          ]);
      }
    } catch (e) {
      this.host.log('warn', `Could not read nested state events of ${this.row.arn}: ${(e as Error).message}`);
    }
  }
}
