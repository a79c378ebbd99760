import { completionTaskId, EventType, HistoryEvent } from './historyEvents';

/** Events an episode consumes (what arrived), as opposed to what it appended (what it scheduled). */
const INCOMING = new Set<EventType>([
  EventType.ExecutionStarted,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
  EventType.TimerFired,
  EventType.EventRaised,
]);

const SCHEDULING = new Set<EventType>([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
]);

const isFailure = (e: HistoryEvent): boolean =>
  e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed;

export interface Episode {
  /** Index of its OrchestratorStarted in the history. */
  start: number;
  /** Index one past its last event. */
  end: number;
  incoming: HistoryEvent[];
  /** Suspend / resume / terminate: recorded without calling the orchestrator. */
  control: boolean;
}

export function splitEpisodes(history: readonly HistoryEvent[]): Episode[] {
  const starts: number[] = [];
  history.forEach((e, i) => e.EventType === EventType.OrchestratorStarted && starts.push(i));
  return starts.map((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : history.length;
    const incoming: HistoryEvent[] = [];
    for (let i = start + 1; i < end && INCOMING.has(history[i].EventType); i++) incoming.push(history[i]);
    const control = history
      .slice(start + 1, end)
      .some((e) =>
        [EventType.ExecutionSuspended, EventType.ExecutionResumed, EventType.ExecutionTerminated].includes(e.EventType),
      );
    return { start, end, incoming, control };
  });
}

export interface RewindPlan {
  /** History to keep: everything before the episode where the failure entered. */
  keep: HistoryEvent[];
  /** Episodes of `keep`, for rebuilding the host's bookkeeping. */
  episodes: Episode[];
  /** Events consumed after that point that are delivered again (results of calls that had succeeded). */
  redeliver: HistoryEvent[];
  /** Sequence numbers of the failed calls, which run again. */
  rerun: number[];
}

/**
 * Where to rewind a failed instance to. The failure entered history as a failed call consumed by some episode
 * E (for a retried call: the failure of its last attempt, which the library answers with a final timer); the
 * history is cut before E, the failed calls run again, and the other events consumed from E on are delivered
 * again, so completed calls are not repeated. Results of calls scheduled after E are dropped instead: their
 * sequence numbers may differ on the new path, so those calls run again (activities are at-least-once anyway).
 */
export function planRewind(history: readonly HistoryEvent[]): RewindPlan {
  const episodes = splitEpisodes(history);
  const last = episodes.length - 1;
  let from = last;
  const dropped = new Set<HistoryEvent>();
  const finalEpisode = episodes[last];
  const failures = finalEpisode?.incoming.filter(isFailure) ?? [];
  if (failures.length) {
    failures.forEach((e) => dropped.add(e));
  } else {
    // A retried call that ran out of attempts fails when its final timer fires; the cause is the failed attempt
    // whose episode created that timer as its first scheduled event.
    for (const fired of finalEpisode?.incoming.filter((e) => e.EventType === EventType.TimerFired) ?? []) {
      for (let k = last - 1; k >= 0; k--) {
        const ep = episodes[k];
        const first = ep.incoming[0];
        const created = history[ep.start + 1 + ep.incoming.length];
        if (
          first &&
          isFailure(first) &&
          created?.EventType === EventType.TimerCreated &&
          created.EventId === fired.TimerId
        ) {
          dropped.add(first);
          dropped.add(fired);
          from = Math.min(from, k);
          break;
        }
      }
    }
  }
  const cut = episodes[from]?.start ?? history.length;
  const keep = history.slice(0, cut);
  let nextId = 0;
  for (const e of keep) if (SCHEDULING.has(e.EventType)) nextId = Math.max(nextId, e.EventId + 1);
  const redeliver: HistoryEvent[] = [];
  for (const ep of episodes.slice(from)) {
    if (ep.control) continue;
    for (const e of ep.incoming) {
      if (dropped.has(e)) continue;
      if (e.EventType === EventType.ExecutionStarted && from !== 0) continue;
      const id = completionTaskId(e);
      if (id !== undefined && id >= nextId) continue;
      redeliver.push(e);
    }
  }
  const rerun = [...dropped].filter(isFailure).map((e) => e.TaskScheduledId as number);
  return { keep, episodes: episodes.slice(0, from), redeliver, rerun };
}
