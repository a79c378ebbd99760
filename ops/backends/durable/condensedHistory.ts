type Event = Record<string, unknown>;

/**
 * Whether a history is in the shape the Azure Durable Functions extension's HTTP API answers with: it drops every
 * event's `EventId` (and so `TaskScheduledId` and `TimerId`), removes a task's `TaskScheduled` once the task has
 * finished (its completion carries `FunctionName` and `ScheduledTime` instead), removes the orchestrator episodes'
 * start and end events, and removes the inputs of tasks and raised events. The embedded platform answers with
 * every event, ids included.
 */
export function isCondensedHistory(history: Event[]): boolean {
  return history.length > 0 && history.every((e) => !('EventId' in e));
}

const time = (e: Event, field = 'Timestamp'): number => Date.parse(String(e[field]));
const isCompletion = (e: Event): boolean =>
  (e.EventType === 'TaskCompleted' || e.EventType === 'TaskFailed') &&
  e.FunctionName !== undefined &&
  e.ScheduledTime !== undefined;

/** How long after its task a deadline timer may have been created in the same episode (Azure stamps each event). */
const SAME_EPISODE_MS = 1000;

/**
 * The events of a condensed history with what the timeline links by put back: a `TaskScheduled` (name, time, id)
 * for each finished task, which its completion points at again, ids for the timers, and each fired timer tied to
 * the one created for the same moment. The kept events keep their order. A task's `TaskScheduled` goes where it
 * stood: just before the deadline timer the saga armed with it in the same episode (a timer as long as
 * `deadlineMs(activity)`, created at most a second after the task was scheduled, the earliest not yet taken, tasks
 * taken in the order they were scheduled), else just before its completion. Inputs the service did not keep stay
 * absent.
 */
export function expandCondensedHistory(
  history: Event[],
  deadlineMs: (activity: string) => number | undefined = () => undefined,
): Event[] {
  if (!isCondensedHistory(history)) return history;
  const events = history.map((e) => ({ ...e }));
  // Where each finished task's TaskScheduled goes back: before the index of the event it preceded.
  const insertBefore = new Map<number, Event[]>();
  const claimedTimers = new Set<number>();
  // Each finished task's completion and the TaskScheduled put back for it.
  const scheduledBy = new Map<Event, Event>();
  const completions = events
    .map((e, at) => ({ e, at }))
    .filter(({ e }) => isCompletion(e))
    .sort((x, y) => time(x.e, 'ScheduledTime') - time(y.e, 'ScheduledTime') || x.at - y.at);
  for (const { e: completion, at } of completions) {
    const activity = String(completion.FunctionName);
    const scheduled = time(completion, 'ScheduledTime');
    const deadline = deadlineMs(activity);
    let before = at;
    if (deadline !== undefined) {
      const timer = events.findIndex(
        (e, i) =>
          i < at &&
          !claimedTimers.has(i) &&
          e.EventType === 'TimerCreated' &&
          time(e) - scheduled >= 0 &&
          time(e) - scheduled <= SAME_EPISODE_MS &&
          time(e, 'FireAt') - time(e) === deadline,
      );
      if (timer >= 0) {
        claimedTimers.add(timer);
        before = timer;
      }
    }
    const schedule: Event = { EventType: 'TaskScheduled', Name: activity, Timestamp: completion.ScheduledTime };
    scheduledBy.set(completion, schedule);
    insertBefore.set(before, [...(insertBefore.get(before) ?? []), schedule]);
  }
  let nextId = 0;
  const expanded: Event[] = [];
  const timersAwaiting: Event[] = [];
  events.forEach((e, at) => {
    for (const schedule of insertBefore.get(at) ?? []) {
      schedule.EventId = nextId++;
      expanded.push(schedule);
    }
    const scheduledAs = scheduledBy.get(e);
    if (scheduledAs) {
      e.TaskScheduledId = scheduledAs.EventId;
    } else if (e.EventType === 'TaskScheduled' || e.EventType === 'TimerCreated') {
      e.EventId = nextId++;
      if (e.EventType === 'TimerCreated') timersAwaiting.push(e);
    } else if (e.EventType === 'TimerFired') {
      // The service drops TimerId: a fired timer is the oldest unfired one set for the same moment.
      const timer = timersAwaiting.findIndex((t) => time(t, 'FireAt') === time(e, 'FireAt'));
      if (timer >= 0) e.TimerId = timersAwaiting.splice(timer, 1)[0].EventId;
    }
    expanded.push(e);
  });
  return expanded;
}
