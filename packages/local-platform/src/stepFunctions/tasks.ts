import type { Clock } from '../clock';
import type { LambdaInvoker, LambdaInvokeResult } from '../lambda/invoke';
import { ExecutionHalted, raceUnlessHalted, sleepUntil } from './clockWait';
import type { TaskSpec, WaitSpec } from './definition';
import { dataDetails, NewEvent } from './historyEvents';
import { lambdaErrorCause, lambdaInvokeResult } from './lambdaResult';
import { StatesError, statesErrorFields, statesTimeout } from './library';
import { dataLimitCause, MAX_PAYLOAD_BYTES, utf8Bytes } from './limits';
import { RetryPolicy } from './retry';
import type { StepFunctionsStore, TaskTokenRow } from './store';
import { newTaskToken, TaskOutcome, TaskTokenWaiters } from './taskTokens';

/** Stands for `$$.Task.Token` in the library's (static) context; each attempt swaps in its own token. */
export const TASK_TOKEN_SENTINEL = '__local-step-functions:task-token__';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_ARN = /^arn:aws:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?$/;
const SUPPORTED =
  `${INVOKE} (Parameters FunctionName, Payload), ${INVOKE_CALLBACK} (with "taskToken.$": "$$.Task.Token" in the ` +
  'Payload) and Lambda function ARNs (arn:aws:lambda:<region>:<account>:function:<name>)';

/** What a task needs from the execution it runs in. */
export interface TaskRunContext {
  readonly arn: string;
  readonly signal: AbortSignal;
  /** Appends history events; false once the execution closed (then the task must stop). */
  record(events: NewEvent[]): boolean;
  beginWait(): void;
  endWait(): void;
  /** A callback task's live token from before a restart, handed out once to the resumed task state. */
  claimToken(stateName: string): TaskTokenRow | undefined;
}

/** What the library passes to a local handler: see `compile` (`params` only when the state has Parameters). */
interface HandlerInput {
  params?: unknown;
  input: unknown;
  timeout?: unknown;
  heartbeat?: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

export interface TaskExecutorOptions {
  clock: Clock;
  lambda: LambdaInvoker;
  store: StepFunctionsStore;
  waiters: TaskTokenWaiters;
  region: string;
}

/**
 * Runs Task and Wait states for the library: the Lambda integrations, callback tokens, Retry with backoff and
 * TimeoutSeconds/HeartbeatSeconds, all timed on the platform clock. Each attempt records its own
 * TaskScheduled..TaskSucceeded/Failed/TimedOut events.
 */
export class TaskExecutor {
  constructor(private readonly o: TaskExecutorOptions) {}

  async run(ctx: TaskRunContext, spec: TaskSpec | WaitSpec, raw: unknown): Promise<unknown> {
    const input = raw as HandlerInput;
    if (spec.kind === 'wait') return this.wait(ctx, spec, input);
    const timeoutSeconds = spec.timeoutSeconds ?? positiveInteger(input.timeout, 'TimeoutSecondsPath', spec.name);
    const heartbeatSeconds =
      spec.heartbeatSeconds ?? positiveInteger(input.heartbeat, 'HeartbeatSecondsPath', spec.name);
    const policy = new RetryPolicy(spec.retry);
    let resumed = spec.resource === INVOKE_CALLBACK ? ctx.claimToken(spec.name) : undefined;
    for (;;) {
      try {
        if (resumed) {
          const row = resumed;
          resumed = undefined;
          return await this.awaitCallback(ctx, row);
        }
        return await this.attempt(ctx, spec, input, timeoutSeconds, heartbeatSeconds);
      } catch (e) {
        if (e instanceof ExecutionHalted || !(e instanceof Error) || !('catchable' in e) || !e.catchable) throw e;
        const delay = policy.nextDelayMs(statesErrorFields(e).error ?? '');
        if (delay === undefined) throw e;
        ctx.beginWait();
        try {
          await sleepUntil(this.o.clock, this.o.clock.now() + delay, ctx.signal);
        } finally {
          ctx.endWait();
        }
      }
    }
  }

  private attempt(
    ctx: TaskRunContext,
    spec: TaskSpec,
    input: HandlerInput,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Promise<unknown> {
    if (spec.resource === INVOKE) return this.invoke(ctx, input, timeoutSeconds, heartbeatSeconds);
    if (spec.resource === INVOKE_CALLBACK) return this.callback(ctx, spec, input, timeoutSeconds, heartbeatSeconds);
    if (LAMBDA_ARN.test(spec.resource)) return this.legacyLambda(ctx, spec, input, timeoutSeconds);
    throw new StatesError(
      'States.Runtime',
      `Task state '${spec.name}' uses Resource '${spec.resource}', which the local Step Functions endpoint cannot run. ` +
        `Supported: ${SUPPORTED}.`,
      false,
    );
  }

  private lambdaParams(
    input: HandlerInput,
    token?: string,
  ): { functionName: string; payload: unknown; params: object } {
    const params = (input.params ?? {}) as Record<string, unknown>;
    const withToken = token === undefined ? params : (replaceSentinel(params, token) as Record<string, unknown>);
    if (typeof withToken.FunctionName !== 'string' || !withToken.FunctionName)
      throw new StatesError(
        'States.Runtime',
        'The lambda:invoke integration needs Parameters.FunctionName (a function name or ARN), e.g. {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:reserve", "Payload.$": "$"}.',
        false,
      );
    // Invoking a function without a payload hands it an empty event, as the Lambda API does.
    return { functionName: withToken.FunctionName, payload: withToken.Payload ?? {}, params: withToken };
  }

  private async invoke(
    ctx: TaskRunContext,
    input: HandlerInput,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Promise<unknown> {
    const { functionName, payload, params } = this.lambdaParams(input);
    const kind = { resourceType: 'lambda', resource: 'invoke' };
    this.record(ctx, [
      {
        type: 'TaskScheduled',
        taskScheduledEventDetails: this.scheduled(kind, params, timeoutSeconds, heartbeatSeconds),
      },
      { type: 'TaskStarted', taskStartedEventDetails: kind },
    ]);
    const deadline = new AttemptDeadline(this.o.clock, timeoutSeconds, undefined, undefined);
    let result: LambdaInvokeResult;
    try {
      result = await raceUnlessHalted(ctx.signal, [this.o.lambda.invoke(functionName, payload), deadline.expired]);
    } catch (e) {
      this.recordTimeout(ctx, e, (d) => ({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...kind, ...d } }));
      throw e;
    } finally {
      deadline.cancel();
    }
    if (!result.ok)
      return this.taskFailed(
        ctx,
        kind,
        result.errorType,
        lambdaErrorCause(result.errorType, result.errorMessage, result.trace),
      );
    const output = lambdaInvokeResult(result.payload, result.executedVersion, this.o.clock.now());
    return this.taskSucceeded(ctx, kind, output);
  }

  private async callback(
    ctx: TaskRunContext,
    spec: TaskSpec,
    input: HandlerInput,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Promise<unknown> {
    const token = newTaskToken();
    const { functionName, payload, params } = this.lambdaParams(input, token);
    const kind = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    const now = this.o.clock.now();
    const row: TaskTokenRow = {
      token,
      executionArn: ctx.arn,
      stateName: spec.name,
      status: 'open',
      resource: kind.resource,
      timeoutAt: timeoutSeconds !== undefined ? now + timeoutSeconds * 1000 : null,
      heartbeatMs: heartbeatSeconds !== undefined ? heartbeatSeconds * 1000 : null,
      heartbeatAt: heartbeatSeconds !== undefined ? now + heartbeatSeconds * 1000 : null,
      outcome: null,
      closedReason: null,
    };
    this.record(ctx, [
      {
        type: 'TaskScheduled',
        taskScheduledEventDetails: this.scheduled(kind, params, timeoutSeconds, heartbeatSeconds),
      },
    ]);
    // The token is live before the function runs: a function may call SendTaskSuccess before it returns.
    this.o.store.putToken(row);
    const waiting = this.listen(row);
    this.record(ctx, [{ type: 'TaskStarted', taskStartedEventDetails: kind }]);
    const deadline = new AttemptDeadline(this.o.clock, undefined, undefined, row.timeoutAt ?? undefined);
    let result: LambdaInvokeResult;
    try {
      result = await raceUnlessHalted(ctx.signal, [this.o.lambda.invoke(functionName, payload), deadline.expired]);
    } catch (e) {
      waiting.stop();
      this.closeToken(token, e);
      this.recordTimeout(ctx, e, (d) => ({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...kind, ...d } }));
      throw e;
    } finally {
      deadline.cancel();
    }
    if (!result.ok && !waiting.delivered()) {
      waiting.stop();
      this.o.store.closeToken(token, 'failed');
      return this.taskFailed(
        ctx,
        kind,
        result.errorType,
        lambdaErrorCause(result.errorType, result.errorMessage, result.trace),
      );
    }
    const submitted = result.ok ? lambdaInvokeResult(result.payload, result.executedVersion, this.o.clock.now()) : {};
    this.record(ctx, [
      {
        type: 'TaskSubmitted',
        taskSubmittedEventDetails: { ...kind, output: JSON.stringify(submitted), outputDetails: dataDetails },
      },
    ]);
    const current = this.o.store.getToken(token);
    if (current && current.status === 'open') this.o.store.putToken({ ...current, status: 'submitted' });
    return this.finishCallback(ctx, kind, row, waiting);
  }

  /** A callback task that was already submitted before a restart: wait on its token and deadlines again. */
  private awaitCallback(ctx: TaskRunContext, row: TaskTokenRow): Promise<unknown> {
    const kind = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    return this.finishCallback(ctx, kind, row, this.listen(row));
  }

  private async finishCallback(
    ctx: TaskRunContext,
    kind: { resourceType: string; resource: string },
    row: TaskTokenRow,
    waiting: Listening,
  ): Promise<unknown> {
    const deadline = new AttemptDeadline(
      this.o.clock,
      undefined,
      row.heartbeatMs ?? undefined,
      row.timeoutAt ?? undefined,
      row.heartbeatAt ?? undefined,
    );
    waiting.onHeartbeat(() => deadline.heartbeat());
    let outcome: TaskOutcome;
    ctx.beginWait();
    try {
      outcome = await raceUnlessHalted(ctx.signal, [waiting.outcome, deadline.expired]);
    } catch (e) {
      this.closeToken(row.token, e);
      this.recordTimeout(ctx, e, (d) => ({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...kind, ...d } }));
      throw e;
    } finally {
      ctx.endWait();
      deadline.cancel();
      waiting.stop();
    }
    this.o.store.closeToken(row.token, outcome.kind === 'success' ? 'succeeded' : 'failed');
    if (outcome.kind === 'failure') return this.taskFailed(ctx, kind, outcome.error, outcome.cause);
    return this.taskSucceeded(ctx, kind, JSON.parse(outcome.output) as unknown);
  }

  private async legacyLambda(
    ctx: TaskRunContext,
    spec: TaskSpec,
    input: HandlerInput,
    timeoutSeconds: number | undefined,
  ): Promise<unknown> {
    const payload = input.params !== undefined ? input.params : input.input;
    this.record(ctx, [
      {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: spec.resource,
          input: JSON.stringify(payload),
          inputDetails: dataDetails,
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        },
      },
      { type: 'LambdaFunctionStarted' },
    ]);
    const deadline = new AttemptDeadline(this.o.clock, timeoutSeconds, undefined, undefined);
    let result: LambdaInvokeResult;
    try {
      result = await raceUnlessHalted(ctx.signal, [this.o.lambda.invoke(spec.resource, payload), deadline.expired]);
    } catch (e) {
      this.recordTimeout(ctx, e, (d) => ({ type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: d }));
      throw e;
    } finally {
      deadline.cancel();
    }
    if (!result.ok) {
      const cause = lambdaErrorCause(result.errorType, result.errorMessage, result.trace);
      this.record(ctx, [
        { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: result.errorType, cause } },
      ]);
      throw new StatesError(result.errorType, cause);
    }
    const output = JSON.stringify(result.payload ?? null);
    this.checkResultSize(ctx, output, spec.name);
    this.record(ctx, [
      { type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output, outputDetails: dataDetails } },
    ]);
    return result.payload ?? null;
  }

  private async wait(ctx: TaskRunContext, spec: WaitSpec, input: HandlerInput): Promise<unknown> {
    const now = this.o.clock.now();
    let due = now;
    if (spec.seconds !== undefined) due = now + spec.seconds * 1000;
    else if (spec.timestamp !== undefined) due = timestampMs(spec.timestamp, 'Timestamp', spec.name);
    else if (input.seconds !== undefined) {
      if (typeof input.seconds !== 'number' || !Number.isInteger(input.seconds) || input.seconds < 0)
        throw new StatesError(
          'States.Runtime',
          `Wait state '${spec.name}': SecondsPath must point to a non-negative integer, got ${JSON.stringify(input.seconds)}.`,
          false,
        );
      due = now + input.seconds * 1000;
    } else if (input.timestamp !== undefined) due = timestampMs(input.timestamp, 'TimestampPath', spec.name);
    ctx.beginWait();
    try {
      await sleepUntil(this.o.clock, due, ctx.signal);
    } finally {
      ctx.endWait();
    }
    return input.input;
  }

  private scheduled(
    kind: { resourceType: string; resource: string },
    params: object,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Record<string, unknown> {
    return {
      ...kind,
      region: this.o.region,
      parameters: JSON.stringify(params),
      ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
    };
  }

  private taskSucceeded(
    ctx: TaskRunContext,
    kind: { resourceType: string; resource: string },
    output: unknown,
  ): unknown {
    const text = JSON.stringify(output ?? null);
    this.checkResultSize(ctx, text, kind.resource, kind);
    this.record(ctx, [
      { type: 'TaskSucceeded', taskSucceededEventDetails: { ...kind, output: text, outputDetails: dataDetails } },
    ]);
    return output ?? null;
  }

  private taskFailed(
    ctx: TaskRunContext,
    kind: { resourceType: string; resource: string },
    error: string | undefined,
    cause: string | undefined,
  ): never {
    this.record(ctx, [{ type: 'TaskFailed', taskFailedEventDetails: { ...kind, ...defined({ error, cause }) } }]);
    throw new StatesError(error, cause);
  }

  /** A result above the payload limit fails the state with the terminal States.DataLimitExceeded. */
  private checkResultSize(
    ctx: TaskRunContext,
    text: string,
    what: string,
    kind?: { resourceType: string; resource: string },
  ): void {
    const bytes = utf8Bytes(text);
    if (bytes <= MAX_PAYLOAD_BYTES) return;
    const cause = dataLimitCause(`The result of task '${what}'`, bytes);
    if (kind)
      this.record(ctx, [
        { type: 'TaskFailed', taskFailedEventDetails: { ...kind, error: 'States.DataLimitExceeded', cause } },
      ]);
    throw new StatesError('States.DataLimitExceeded', cause, false);
  }

  private recordTimeout(
    ctx: TaskRunContext,
    e: unknown,
    event: (d: { error: string; cause?: string }) => NewEvent,
  ): void {
    if (e instanceof ExecutionHalted) return;
    const { error, cause } = statesErrorFields(e);
    if (error === 'States.Timeout' || error === 'States.HeartbeatTimeout')
      this.record(ctx, [event({ error, ...(cause !== undefined ? { cause } : {}) })]);
  }

  private closeToken(token: string, e: unknown): void {
    // A halted execution closes (or, on shutdown, keeps) its tokens itself.
    if (!(e instanceof ExecutionHalted)) this.o.store.closeToken(token, 'timedOut');
  }

  private record(ctx: TaskRunContext, events: NewEvent[]): void {
    if (!ctx.record(events)) throw new ExecutionHalted();
  }

  private listen(row: TaskTokenRow): Listening {
    let deliver!: (o: TaskOutcome) => void;
    let got = false;
    let heartbeat: () => void = () => undefined;
    const outcome = new Promise<TaskOutcome>((resolve) => (deliver = resolve));
    if (row.status === 'completed' && row.outcome) {
      got = true;
      deliver(JSON.parse(row.outcome) as TaskOutcome);
    }
    this.o.waiters.register(row.token, {
      deliver: (o) => {
        if (got) return;
        got = true;
        const current = this.o.store.getToken(row.token);
        if (current) this.o.store.putToken({ ...current, status: 'completed', outcome: JSON.stringify(o) });
        deliver(o);
      },
      heartbeat: () => heartbeat(),
    });
    return {
      outcome,
      delivered: () => got,
      onHeartbeat: (fn) => (heartbeat = fn),
      stop: () => this.o.waiters.unregister(row.token),
    };
  }
}

interface Listening {
  outcome: Promise<TaskOutcome>;
  delivered(): boolean;
  onHeartbeat(fn: () => void): void;
  stop(): void;
}

/** TimeoutSeconds and HeartbeatSeconds of one attempt, on the platform clock. */
class AttemptDeadline {
  readonly expired: Promise<never>;
  private reject!: (e: Error) => void;
  private timeoutWake?: { cancel(): void };
  private heartbeatWake?: { cancel(): void };

  constructor(
    private readonly clock: Clock,
    timeoutSeconds: number | undefined,
    private readonly heartbeatMs: number | undefined,
    timeoutAt: number | undefined,
    heartbeatAt?: number,
  ) {
    this.expired = new Promise<never>((_, reject) => (this.reject = reject));
    this.expired.catch(() => undefined);
    const at = timeoutAt ?? (timeoutSeconds !== undefined ? clock.now() + timeoutSeconds * 1000 : undefined);
    if (at !== undefined)
      this.timeoutWake = clock.schedule(at, () =>
        this.reject(
          statesTimeout(
            `The task did not finish within its TimeoutSeconds${timeoutSeconds ? ` (${timeoutSeconds} s)` : ''}.`,
          ),
        ),
      );
    if (heartbeatMs !== undefined) this.armHeartbeat(heartbeatAt ?? clock.now() + heartbeatMs);
  }

  private armHeartbeat(at: number): void {
    this.heartbeatWake?.cancel();
    this.heartbeatWake = this.clock.schedule(at, () =>
      this.reject(
        new StatesError(
          'States.HeartbeatTimeout',
          `No SendTaskHeartbeat, SendTaskSuccess or SendTaskFailure within HeartbeatSeconds (${(this.heartbeatMs ?? 0) / 1000} s).`,
        ),
      ),
    );
  }

  heartbeat(): void {
    if (this.heartbeatMs !== undefined) this.armHeartbeat(this.clock.now() + this.heartbeatMs);
  }

  cancel(): void {
    this.timeoutWake?.cancel();
    this.heartbeatWake?.cancel();
  }
}

function positiveInteger(value: unknown, field: string, state: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new StatesError(
      'States.Runtime',
      `Task state '${state}': ${field} must point to a positive integer, got ${JSON.stringify(value)}.`,
      false,
    );
  return value;
}

function timestampMs(value: unknown, field: string, state: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw new StatesError(
      'States.Runtime',
      `Wait state '${state}': ${field} must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z, got ${JSON.stringify(value)}.`,
      false,
    );
  return ms;
}

function replaceSentinel(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.split(TASK_TOKEN_SENTINEL).join(token);
  if (Array.isArray(value)) return value.map((v) => replaceSentinel(v, token));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSentinel(v, token)]));
  return value;
}

function defined(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
