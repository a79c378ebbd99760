import type { SagaDefinition } from '../../../saga/definition/types';
import type { AttemptEntry, TimelineEntry, WaitEntry } from '../../model/timeline';

type Event = Record<string, unknown>;

const iso = (v: unknown): string => new Date(String(v)).toISOString();
const ms = (v: unknown): number => Date.parse(String(v));

/** The per-attempt deadline the runner races each activity call against. */
export function attemptTimeoutMs(definition: SagaDefinition, activity: string): number | undefined {
  const step = definition.steps.find((s) => s.activity === activity);
  if (step) return step.attemptTimeoutMs;
  const verify = definition.steps.find((s) => s.awaitEvent?.verify?.activity === activity)?.awaitEvent?.verify;
  if (verify) return verify.attemptTimeoutMs;
  if (definition.steps.some((s) => s.compensation === activity)) return definition.compensationAttemptTimeoutMs;
  return undefined;
}

/** The event a timer of this length waits for, when it is one of the definition's waits. */
function waitFor(definition: SagaDefinition, durationMs: number): string | undefined {
  for (const s of definition.steps) if (s.awaitEvent?.timeoutMs === durationMs) return s.awaitEvent.event;
  return definition.park.timeoutMs === durationMs ? definition.park.event : undefined;
}

function errorOf(e: Event): string | undefined {
  const details = e.FailureDetails as { ErrorType?: string; ErrorMessage?: string } | undefined;
  if (details) return [details.ErrorType, details.ErrorMessage?.split('\n')[0]].filter(Boolean).join(': ');
  return typeof e.Reason === 'string' ? e.Reason : undefined;
}

function close(entry: AttemptEntry, at: unknown, result: AttemptEntry['result'], error?: string): void {
  if (entry.result !== 'running') return;
  entry.end = iso(at);
  entry.durationMs = ms(at) - Date.parse(entry.start);
  entry.result = result;
  if (error) entry.error = error;
}

/**
 * The timeline of a Durable run from its history (showHistory): every activity attempt, told apart from its
 * retries by following a failed or timed-out attempt of the same activity, and every wait, recognized by its
 * timer's length being one of the definition's waits. The runner's per-attempt deadline timers end attempts
 * that ran too long.
 */
export function durableTimeline(history: Event[], definition: SagaDefinition): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const tasks = new Map<number, AttemptEntry>();
  const deadlines = new Map<number, AttemptEntry>();
  const waits = new Map<number, WaitEntry>();
  let lastAttempt: AttemptEntry | undefined;
  for (const e of history) {
    switch (e.EventType) {
      case 'TaskScheduled': {
        const activity = String(e.Name);
        const retry =
          lastAttempt?.activity === activity && (lastAttempt.result === 'failed' || lastAttempt.result === 'timedOut');
        const entry: AttemptEntry = {
          kind: 'attempt',
          activity,
          attempt: retry ? lastAttempt!.attempt + 1 : 1,
          start: iso(e.Timestamp),
          result: 'running',
        };
        tasks.set(Number(e.EventId), entry);
        entries.push(entry);
        lastAttempt = entry;
        break;
      }
      case 'TaskCompleted':
      case 'TaskFailed': {
        const entry = tasks.get(Number(e.TaskScheduledId));
        if (entry) close(entry, e.Timestamp, e.EventType === 'TaskCompleted' ? 'succeeded' : 'failed', errorOf(e));
        break;
      }
      case 'TimerCreated': {
        const duration = ms(e.FireAt) - ms(e.Timestamp);
        const event = waitFor(definition, duration);
        if (event) {
          const previous = [...waits.values()].at(-1);
          // The runner re-arms the same deadline after an event meant for someone else: one wait, not two.
          if (previous && previous.event === event && previous.deadline === iso(e.FireAt)) {
            previous.result = 'waiting';
            delete previous.end;
            waits.set(Number(e.EventId), previous);
            break;
          }
          const wait: WaitEntry = {
            kind: 'wait',
            event,
            start: iso(e.Timestamp),
            deadline: iso(e.FireAt),
            result: 'waiting',
          };
          waits.set(Number(e.EventId), wait);
          entries.push(wait);
        } else if (
          lastAttempt?.result === 'running' &&
          duration === attemptTimeoutMs(definition, lastAttempt.activity)
        ) {
          deadlines.set(Number(e.EventId), lastAttempt);
        }
        break;
      }
      case 'TimerFired': {
        const id = Number(e.TimerId);
        const wait = waits.get(id);
        if (wait?.result === 'waiting') {
          wait.result = 'timedOut';
          wait.end = iso(e.Timestamp);
        }
        const attempt = deadlines.get(id);
        if (attempt)
          close(
            attempt,
            e.Timestamp,
            'timedOut',
            `ran past its ${attemptTimeoutMs(definition, attempt.activity)! / 1000}s deadline`,
          );
        break;
      }
      case 'EventRaised': {
        const wait = [...waits.values()].reverse().find((w) => w.event === e.Name && w.result === 'waiting');
        if (wait) {
          wait.result = 'received';
          wait.end = iso(e.Timestamp);
        }
        break;
      }
    }
  }
  return entries;
}
