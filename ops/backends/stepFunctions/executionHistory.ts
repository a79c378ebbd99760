import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { SagaDefinition } from '../../../saga/definition/types';
import type { AttemptEntry, TimelineEntry, WaitEntry } from '../../model/timeline';
import type { RunActivity } from '../../status/stepDeadline';

/** What the state machine hands a task (the Lambda payload): an activity call, or a wait for an event. */
export interface ScheduledTask {
  activity?: string;
  event?: string;
  taskToken?: string;
}

export function scheduledTask(e: HistoryEvent): ScheduledTask | undefined {
  const text = e.taskScheduledEventDetails?.parameters;
  if (!text) return undefined;
  try {
    const payload = (JSON.parse(text) as { Payload?: Record<string, unknown> }).Payload ?? {};
    return {
      ...(typeof payload.activity === 'string' ? { activity: payload.activity } : {}),
      ...(typeof payload.event === 'string' ? { event: payload.event } : {}),
      ...(typeof payload.taskToken === 'string' ? { taskToken: payload.taskToken } : {}),
    };
  } catch {
    return undefined;
  }
}

const iso = (d: Date | undefined): string => (d ?? new Date(0)).toISOString();
const ENDS = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut']);

/**
 * Where a running execution is, from its latest events (newest first or oldest first, either): the last task
 * scheduled and whether it has ended. Parked = the last task is the decision wait and has not ended; its token
 * (in the scheduled parameters) is what SendTaskSuccess needs.
 */
export function runActivity(
  events: HistoryEvent[],
  definition: SagaDefinition,
): { at: RunActivity; lastProgressMs: number; decisionToken?: string } {
  const ordered = [...events].sort((a, b) => Number(a.id ?? 0) - Number(b.id ?? 0));
  const last = ordered.at(-1);
  const lastProgressMs = last?.timestamp ? new Date(last.timestamp).getTime() : 0;
  let scheduledAt = -1;
  for (let i = ordered.length - 1; i >= 0; i--)
    if (ordered[i].type === 'TaskScheduled') {
      scheduledAt = i;
      break;
    }
  if (scheduledAt < 0) return { at: { phase: 'unknown' }, lastProgressMs };
  const task = scheduledTask(ordered[scheduledAt]) ?? {};
  const ended = ordered.slice(scheduledAt + 1).some((e) => ENDS.has(e.type ?? ''));
  if (task.event === definition.park.event)
    return ended
      ? { at: { phase: 'parked' }, lastProgressMs }
      : { at: { phase: 'parked' }, lastProgressMs, decisionToken: task.taskToken };
  if (task.event) {
    const step = definition.steps.find((s) => s.awaitEvent?.event === task.event);
    return { at: { phase: ended ? 'running' : 'awaiting', step: step?.name }, lastProgressMs };
  }
  const compensating = definition.steps.find((s) => s.compensation === task.activity);
  if (compensating) return { at: { phase: 'compensating', step: task.activity }, lastProgressMs };
  const step = definition.steps.find((s) => s.activity === task.activity);
  return { at: { phase: 'running', step: step?.name ?? task.activity }, lastProgressMs };
}

/**
 * The timeline of an execution: each TaskScheduled is an attempt (a retry when no TaskStateEntered came
 * between) or a wait, whose deadline is its TimeoutSeconds from when it was scheduled.
 */
export function executionTimeline(events: HistoryEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let current: AttemptEntry | WaitEntry | undefined;
  let entered = false;
  let lastAttempt: AttemptEntry | undefined;
  for (const e of events) {
    if (e.type === 'TaskStateEntered') entered = true;
    if (e.type === 'TaskScheduled') {
      const task = scheduledTask(e) ?? {};
      // A task that is neither an activity nor a wait (the input check) is plumbing, not a saga step.
      if (!task.activity && !task.event) {
        entered = false;
        current = undefined;
        continue;
      }
      const start = iso(e.timestamp);
      if (task.event) {
        const timeout = e.taskScheduledEventDetails?.timeoutInSeconds;
        const deadline = new Date(Date.parse(start) + Number(timeout ?? 0) * 1000).toISOString();
        current = { kind: 'wait', event: task.event, start, deadline, result: 'waiting' };
      } else {
        const activity = task.activity!;
        const attempt = !entered && lastAttempt?.activity === activity ? lastAttempt.attempt + 1 : 1;
        current = lastAttempt = { kind: 'attempt', activity, attempt, start, result: 'running' };
      }
      entries.push(current);
      entered = false;
      continue;
    }
    if (!current || !ENDS.has(e.type ?? '')) continue;
    const end = iso(e.timestamp);
    if (current.kind === 'wait') {
      current.end = end;
      current.result = e.type === 'TaskSucceeded' ? 'received' : 'timedOut';
    } else {
      current.end = end;
      current.durationMs = Date.parse(end) - Date.parse(current.start);
      current.result = e.type === 'TaskSucceeded' ? 'succeeded' : e.type === 'TaskTimedOut' ? 'timedOut' : 'failed';
      const failed = e.taskFailedEventDetails ?? e.taskTimedOutEventDetails;
      if (failed?.error)
        current.error = [failed.error, failed.cause?.split('\n')[0]?.slice(0, 300)].filter(Boolean).join(': ');
    }
    current = undefined;
  }
  return entries;
}
