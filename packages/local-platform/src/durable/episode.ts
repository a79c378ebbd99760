import { Action, ActionType, actionSignature, flattenActions } from './actions';
import { NonDeterministicOrchestrationError, UnsupportedActionError } from './errors';
import { completionTaskId, EventType, FailureDetails, HistoryEvent, isoTime } from './historyEvents';
import { nextRetryDelayMs, retryTimeoutElapsed } from './retrySchedule';
import type { OpenTask, Tracker } from './tracker';

/** What the library answered for one episode. */
export interface OrchestratorOutcome {
  isDone: boolean;
  actions: Action[];
  output?: unknown;
  customStatus?: unknown;
  /** Set when the orchestrator failed (its error message). */
  error?: string;
  failureDetails?: FailureDetails;
}

export interface TimerSettings {
  /** Timers further away than this are split into intervals (the extension's maximumShortTimerDuration). */
  maxShortTimerMs: number;
  longTimerIntervalMs: number;
}

export type Work =
  | { kind: 'activity'; taskId: number; name: string; input: string | null }
  | { kind: 'timer'; timerId: number; fireAt: number }
  | { kind: 'cancelTimer'; timerId: number }
  | { kind: 'startChild'; taskId: number; name: string; instanceId: string; input: string | null; version?: string }
  /** A completion the host answers itself (attempts left after the retry timeout elapsed). */
  | { kind: 'selfMessage'; event: HistoryEvent };

export type EpisodeResult =
  | { status: 'Running' }
  | { status: 'Completed'; output: string }
  | { status: 'Failed'; output: string; failureDetails?: FailureDetails }
  | { status: 'ContinuedAsNew'; input: string | null };

export interface EpisodePlan {
  /** Events to append after the episode's new events: continuations, scheduled work, completion. */
  appended: HistoryEvent[];
  work: Work[];
  result: EpisodeResult;
  customStatus: string | null;
}

export interface EpisodeContext {
  instanceId: string;
  now: number;
  tracker: Tracker;
  timers: TimerSettings;
  /** The first new event of the episode when it triggers an internal continuation (see `isContinuation`). */
  continuationEvent?: HistoryEvent;
}

/**
 * True for completions after which the library schedules work by itself before user code resumes: a failed
 * attempt of a retried call (it waits on a retry timer), a fired retry timer (it reschedules the call) and a
 * fired interval of a long timer (it starts the next interval). Such an event must be the first new event of
 * its episode, so the host knows its continuation takes the next sequence numbers before any user action.
 */
export function isContinuation(tracker: Tracker, e: HistoryEvent): boolean {
  const id = completionTaskId(e);
  if (id === undefined) return false;
  const task = tracker.open[id];
  if (!task) return false;
  if (task.kind === 'retryTimer') return true;
  if (task.kind === 'timer') return task.finalFireAt > task.fireAt;
  const failed = e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed;
  return failed && task.retry !== undefined;
}

const at = (ms: number): string => isoTime(ms);

function baseEvent(type: EventType, eventId: number, now: number): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at(now) };
}

/** Activity and sub-orchestration inputs: the library JSON-encodes strings already, everything else is a value. */
export function inputText(input: unknown, alreadyEncodedStrings: boolean): string | null {
  if (input === undefined) return null;
  if (typeof input === 'string' && alreadyEncodedStrings) return input;
  return JSON.stringify(input);
}

/**
 * Turns one episode's outcome into history and work. Mutates `ctx.tracker`. Pure apart from that: no I/O,
 * so the engine can commit the result atomically and replays of this function are deterministic.
 */
export function planEpisode(
  ctx: EpisodeContext,
  newEvents: readonly HistoryEvent[],
  outcome: OrchestratorOutcome,
): EpisodePlan {
  const { tracker, now, instanceId } = ctx;
  const appended: HistoryEvent[] = [];
  const work: Work[] = [];

  // Settle the tasks answered in this episode; the continuation (if any) takes the next ids first.
  for (const e of newEvents) {
    const id = completionTaskId(e);
    if (id === undefined) continue;
    const task = tracker.open[id];
    if (!task) continue;
    delete tracker.open[id];
    if (e === ctx.continuationEvent) continueTask(ctx, task, e, appended, work);
    else if (task.kind === 'activity' || task.kind === 'subOrchestration') {
      if (
        task.retry !== undefined &&
        e.EventType !== EventType.TaskFailed &&
        e.EventType !== EventType.SubOrchestrationInstanceFailed
      ) {
        delete tracker.retries[task.retry];
      }
    }
  }

  const flat = flattenActions(outcome.actions);
  const known = tracker.actions.length;

  // Determinism: what was recorded must be asked for again, in the same order.
  for (let i = 0; i < Math.min(known, flat.length); i++) {
    const sig = actionSignature(flat[i]);
    const [recorded, eventId] = tracker.actions[i];
    if (sig !== recorded) throw new NonDeterministicOrchestrationError(instanceId, eventId, recorded, sig);
    if (flat[i].actionType === ActionType.CreateTimer && flat[i].isCanceled) cancelTimerOfAction(tracker, i, work);
  }
  if (flat.length < known && !outcome.error && outcome.isDone === false) {
    const [recorded, eventId] = tracker.actions[flat.length];
    throw new NonDeterministicOrchestrationError(instanceId, eventId, recorded, 'no call');
  }

  let continueAsNew: Action | undefined;
  for (let i = known; i < flat.length; i++) {
    const a = flat[i];
    const eventId = scheduleAction(ctx, a, i, appended, work);
    tracker.actions.push([actionSignature(a), eventId]);
    if (a.actionType === ActionType.ContinueAsNew) continueAsNew = a;
  }

  const customStatus = outcome.customStatus === undefined ? null : JSON.stringify(outcome.customStatus);
  appended.push(baseEvent(EventType.OrchestratorCompleted, -1, now));

  let result: EpisodeResult = { status: 'Running' };
  if (outcome.error !== undefined) {
    const failure = outcome.failureDetails ?? { ErrorType: 'Error', ErrorMessage: outcome.error };
    result = { status: 'Failed', output: JSON.stringify(outcome.error), failureDetails: failure };
    appended.push({
      ...baseEvent(EventType.ExecutionCompleted, -1, now),
      OrchestrationStatus: 'Failed',
      Result: outcome.error,
      FailureDetails: failure,
    });
  } else if (outcome.isDone && continueAsNew) {
    result = { status: 'ContinuedAsNew', input: inputText(continueAsNew.input, false) };
    appended.push({
      ...baseEvent(EventType.ExecutionCompleted, -1, now),
      OrchestrationStatus: 'ContinuedAsNew',
      Result: result.input,
    });
  } else if (outcome.isDone) {
    const output = JSON.stringify(outcome.output ?? null);
    result = { status: 'Completed', output };
    appended.push({
      ...baseEvent(EventType.ExecutionCompleted, -1, now),
      OrchestrationStatus: 'Completed',
      Result: output,
    });
  }
  return { appended, work, result, customStatus };
}

function cancelTimerOfAction(tracker: Tracker, actionIndex: number, work: Work[]): void {
  const timerId = tracker.timerOfAction[actionIndex];
  if (timerId === undefined) return;
  delete tracker.timerOfAction[actionIndex];
  if (tracker.open[timerId]) {
    delete tracker.open[timerId];
    work.push({ kind: 'cancelTimer', timerId });
  }
}

function firstIntervalFireAt(ctx: EpisodeContext, finalFireAt: number): number {
  return finalFireAt - ctx.now > ctx.timers.maxShortTimerMs ? ctx.now + ctx.timers.longTimerIntervalMs : finalFireAt;
}

function scheduleAction(
  ctx: EpisodeContext,
  a: Action,
  index: number,
  appended: HistoryEvent[],
  work: Work[],
): number | null {
  const { tracker, now, instanceId } = ctx;
  switch (a.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry: {
      const id = tracker.nextId++;
      const name = a.functionName as string;
      const input = inputText(a.input, true);
      let retry: number | undefined;
      if (a.actionType === ActionType.CallActivityWithRetry && a.retryOptions) {
        retry = index;
        tracker.retries[index] = {
          kind: 'activity',
          name,
          input,
          options: a.retryOptions,
          attempts: 1,
          firstAttemptAt: now,
        };
      }
      tracker.open[id] = { kind: 'activity', name, retry };
      appended.push({ ...baseEvent(EventType.TaskScheduled, id, now), Name: name, Input: input });
      work.push({ kind: 'activity', taskId: id, name, input });
      return id;
    }
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const id = tracker.nextId++;
      const name = a.functionName as string;
      const input = inputText(a.input, false);
      const childId = a.instanceId || `${instanceId}:${id}`;
      let retry: number | undefined;
      if (a.actionType === ActionType.CallSubOrchestratorWithRetry && a.retryOptions) {
        retry = index;
        tracker.retries[index] = {
          kind: 'subOrchestration',
          name,
          input,
          instanceId: childId,
          version: a.version,
          options: a.retryOptions,
          attempts: 1,
          firstAttemptAt: now,
        };
      }
      tracker.open[id] = { kind: 'subOrchestration', name, instanceId: childId, retry };
      appended.push({
        ...baseEvent(EventType.SubOrchestrationInstanceCreated, id, now),
        Name: name,
        InstanceId: childId,
        Input: input,
      });
      work.push({ kind: 'startChild', taskId: id, name, instanceId: childId, input, version: a.version });
      return id;
    }
    case ActionType.CreateTimer: {
      const id = tracker.nextId++;
      const finalFireAt = Date.parse(a.fireAt as string);
      const fireAt = firstIntervalFireAt(ctx, finalFireAt);
      appended.push({ ...baseEvent(EventType.TimerCreated, id, now), FireAt: at(fireAt) });
      if (!a.isCanceled) {
        tracker.open[id] = { kind: 'timer', action: index, finalFireAt, fireAt };
        tracker.timerOfAction[index] = id;
        work.push({ kind: 'timer', timerId: id, fireAt });
      }
      return id;
    }
    case ActionType.WaitForExternalEvent: {
      const name = a.externalEventName as string;
      tracker.waitsByName[name] = (tracker.waitsByName[name] ?? 0) + 1;
      return null;
    }
    case ActionType.ContinueAsNew:
      return null;
    default:
      throw new UnsupportedActionError(instanceId, ActionType[a.actionType] ?? `action type ${a.actionType}`);
  }
}

/** The work the library starts on its own after `e` (see `isContinuation`). */
function continueTask(
  ctx: EpisodeContext,
  task: OpenTask,
  e: HistoryEvent,
  appended: HistoryEvent[],
  work: Work[],
): void {
  const { tracker, now } = ctx;
  if (task.kind === 'timer') {
    if (task.finalFireAt <= now) return;
    const id = tracker.nextId++;
    const fireAt = firstIntervalFireAt(ctx, task.finalFireAt);
    tracker.open[id] = { kind: 'timer', action: task.action, finalFireAt: task.finalFireAt, fireAt };
    tracker.timerOfAction[task.action] = id;
    appended.push({ ...baseEvent(EventType.TimerCreated, id, now), FireAt: at(fireAt) });
    work.push({ kind: 'timer', timerId: id, fireAt });
    return;
  }
  if (task.kind === 'retryTimer') {
    const group = tracker.retries[task.retry];
    if (!group || group.attempts >= group.options.maxNumberOfAttempts) {
      // The library now fails the retried task with the last error; nothing more to schedule.
      delete tracker.retries[task.retry];
      return;
    }
    const id = tracker.nextId++;
    group.attempts++;
    if (group.kind === 'activity') {
      tracker.open[id] = { kind: 'activity', name: group.name, retry: task.retry };
      appended.push({ ...baseEvent(EventType.TaskScheduled, id, now), Name: group.name, Input: group.input });
      if (group.timedOut) {
        work.push({
          kind: 'selfMessage',
          event: retryTimedOutFailure(EventType.TaskFailed, id, group.lastFailure, now),
        });
      } else {
        work.push({ kind: 'activity', taskId: id, name: group.name, input: group.input });
      }
    } else {
      const childId = group.instanceId as string;
      tracker.open[id] = { kind: 'subOrchestration', name: group.name, instanceId: childId, retry: task.retry };
      appended.push({
        ...baseEvent(EventType.SubOrchestrationInstanceCreated, id, now),
        Name: group.name,
        InstanceId: childId,
        Input: group.input,
      });
      if (group.timedOut) {
        work.push({
          kind: 'selfMessage',
          event: retryTimedOutFailure(EventType.SubOrchestrationInstanceFailed, id, group.lastFailure, now),
        });
      } else {
        work.push({
          kind: 'startChild',
          taskId: id,
          name: group.name,
          instanceId: childId,
          input: group.input,
          version: group.version,
        });
      }
    }
    return;
  }
  // A failed attempt of a retried call: wait, then try again (or, after the last attempt, fire at once).
  const group = task.retry !== undefined ? tracker.retries[task.retry] : undefined;
  if (!group || task.retry === undefined) return;
  if (!group.timedOut) group.lastFailure = { Reason: e.Reason, Details: e.Details, FailureDetails: e.FailureDetails };
  let fireAt = now;
  if (group.attempts < group.options.maxNumberOfAttempts && !group.timedOut) {
    if (retryTimeoutElapsed(group.options, group.firstAttemptAt, now)) group.timedOut = true;
    else fireAt = now + nextRetryDelayMs(group.options, group.attempts);
  }
  const id = tracker.nextId++;
  tracker.open[id] = { kind: 'retryTimer', retry: task.retry };
  appended.push({ ...baseEvent(EventType.TimerCreated, id, now), FireAt: at(fireAt) });
  work.push({ kind: 'timer', timerId: id, fireAt });
}

/**
 * The library has no notion of a retry timeout: it keeps asking for attempts until maxNumberOfAttempts. Once
 * the timeout has elapsed the host answers the remaining attempts itself with the last real failure, without
 * running the function, so the orchestrator sees that failure as soon as possible.
 */
function retryTimedOutFailure(
  type: EventType,
  taskId: number,
  last: { Reason?: string; Details?: string; FailureDetails?: FailureDetails } | undefined,
  now: number,
): HistoryEvent {
  return {
    ...baseEvent(type, -1, now),
    TaskScheduledId: taskId,
    Reason: last?.Reason ?? 'Retry timeout elapsed',
    Details: last?.Details ?? 'The retry timeout elapsed before the call succeeded.',
    ...(last?.FailureDetails ? { FailureDetails: last.FailureDetails } : {}),
  };
}
