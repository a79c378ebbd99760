import type { EngineContext } from './engineContext';
import { orchestratorPayload } from './durableWorker';
import { isContinuation, planEpisode } from './episode';
import { InstanceNotFailedError, InstanceNotFoundError } from './errors';
import { completionTaskId, EventType, HistoryEvent, isoTime } from './historyEvents';
import { InstanceRow, TERMINAL_STATUSES } from './instanceStore';
import { newLiveInstance } from './liveInstances';
import { Outbox } from './outbox';
import { planRewind, RewindPlan } from './rewind';
import { newTracker, Tracker } from './tracker';

/**
 * Puts a Failed instance back to Running: history is cut before the failure entered (see `planRewind`), failed
 * activities and sub-orchestrations run again, calls that had completed are not repeated.
 */
export async function rewindInstance(ctx: EngineContext, instanceId: string, reason: string): Promise<void> {
  const live = ctx.live.get(instanceId);
  if (live) throw new InstanceNotFailedError(instanceId, live.row.status);
  const stored = ctx.store.getInstance(instanceId);
  if (!stored) throw new InstanceNotFoundError(instanceId);
  if (stored.status !== 'Failed') throw new InstanceNotFailedError(instanceId, stored.status);
  const row: InstanceRow = { ...stored };
  const plan = planRewind(ctx.store.getHistory(instanceId));
  const tracker = await rebuildTracker(ctx, row, plan);

  const now = ctx.clock.now();
  const inst = newLiveInstance(row, [], tracker);
  const outbox = new Outbox(ctx, inst, now);
  // Results of calls that had completed arrive again, ahead of the work planned below.
  for (const event of plan.redeliver) outbox.send(inst, { ...event, IsPlayed: false });
  const answered = new Set(plan.redeliver.map(completionTaskId).filter((id) => id !== undefined));
  const scheduledEvent = (id: number): HistoryEvent | undefined =>
    plan.keep.find((e) => e.EventId === id && e.EventType !== EventType.OrchestratorStarted && e.EventId >= 0);
  for (const [key, task] of Object.entries(tracker.open)) {
    const id = Number(key);
    if (answered.has(id)) continue;
    const scheduled = scheduledEvent(id);
    if (task.kind === 'activity') {
      outbox.plan({ kind: 'activity', taskId: id, name: task.name, input: scheduled?.Input ?? null });
    } else if (task.kind === 'timer' || task.kind === 'retryTimer') {
      const fireAt = scheduled?.FireAt ? Date.parse(scheduled.FireAt) : now;
      outbox.plan({ kind: 'timer', timerId: id, fireAt });
    } else {
      const child = ctx.store.getInstance(task.instanceId);
      if (plan.rerun.includes(id) || !child) {
        outbox.startChild({
          kind: 'startChild',
          taskId: id,
          name: task.name,
          instanceId: task.instanceId,
          input: scheduled?.Input ?? null,
        });
      } else if (TERMINAL_STATUSES.has(child.status)) {
        // The child finished while this instance was failed, so its answer was dropped: give it again.
        outbox.notifyParent(child, { status: child.status, output: child.output }, inst);
      }
    }
  }
  const marker: HistoryEvent = {
    EventType: EventType.GenericEvent,
    EventId: -1,
    IsPlayed: true,
    Timestamp: isoTime(now),
    Name: 'Rewound',
    Input: JSON.stringify(reason),
  };
  inst.history = [...plan.keep, marker];
  inst.historyText = inst.history.map((e) => JSON.stringify(e));
  row.status = plan.keep.length ? 'Running' : 'Pending';
  row.output = null;
  row.lastUpdatedTime = now;
  row.tracker = JSON.stringify(tracker);
  outbox.replaceHistory(inst.historyText);
  await ctx.store.commitEpisode(outbox.changes);
  ctx.live.add(inst);
  ctx.events.emit('instance', { ...row });
  outbox.deliver();
}

/** The host's bookkeeping for the kept history: replays it episode by episode, as it was first built. */
async function rebuildTracker(ctx: EngineContext, row: InstanceRow, plan: RewindPlan): Promise<Tracker> {
  const tracker = newTracker();
  const replayed: HistoryEvent[] = [];
  for (const ep of plan.episodes) {
    const events = plan.keep.slice(ep.start, ep.end);
    if (!ep.control) {
      const newEvents = [events[0], ...ep.incoming];
      const texts = [...replayed, ...newEvents].map((e) => JSON.stringify(e));
      const outcome = await ctx.worker.callOrchestrator(
        row.name,
        orchestratorPayload(row, texts, true, ctx.timers),
        `Rewind of orchestration instance ${row.instanceId}`,
      );
      const first = ep.incoming[0];
      planEpisode(
        {
          instanceId: row.instanceId,
          now: Date.parse(events[0].Timestamp),
          tracker,
          timers: ctx.timers,
          continuationEvent: first && isContinuation(tracker, first) ? first : undefined,
        },
        newEvents,
        outcome,
      );
    }
    replayed.push(...events);
  }
  return tracker;
}
