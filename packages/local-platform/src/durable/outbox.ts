import type { EngineContext } from './engineContext';
import type { Work } from './episode';
import { InstanceAlreadyExistsError, OrchestratorNotFoundError } from './errors';
import { EventType, FailureDetails, HistoryEvent, isoTime } from './historyEvents';
import { activateStart, InstanceStart, newExecutionId, planStart } from './instanceStart';
import { parseJson } from './instanceStatus';
import { ActivityRow, EpisodeChanges, InstanceRow, RuntimeStatus, TERMINAL_STATUSES } from './instanceStore';
import type { LiveInstance, Message } from './liveInstances';
import { newTracker } from './tracker';

/** What happens once the commit is durable, in the order it was planned. */
export type Delivery =
  | { kind: 'message'; to: LiveInstance; message: Message }
  | { kind: 'activity'; activity: ActivityRow }
  | { kind: 'start'; start: InstanceStart };

export interface Finished {
  status: RuntimeStatus;
  output: string | null;
  failure?: FailureDetails;
}

/**
 * The work one episode of `inst` creates: rows for its single commit (`changes`), and the deliveries that may
 * only happen once that commit is durable (`deliveries`), so nothing runs on work a crash would lose.
 */
export class Outbox {
  readonly changes: EpisodeChanges;
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly inst: LiveInstance,
    private readonly now: number,
  ) {
    this.changes = {
      instance: inst.row,
      removedMessages: [],
      removedActivities: [],
      resetHistory: false,
      appendHistory: undefined,
      messages: [],
      activities: [],
      started: [],
    };
  }

  /** The episode consumed (or dropped) the message; an activity's result frees the activity's row. */
  consume(m: Message): void {
    if (m.activityRowId !== undefined) this.changes.removedActivities.push(m.activityRowId);
    else this.changes.removedMessages.push(m.id);
  }

  appendHistory(fromSeq: number, events: readonly string[]): void {
    this.changes.appendHistory = { fromSeq, events };
  }

  /** Rewind: the kept history replaces the stored one. */
  replaceHistory(events: readonly string[]): void {
    this.changes.resetHistory = true;
    this.appendHistory(0, events);
  }

  /** Persists a message for `to` (this instance or another) and delivers it after the commit. */
  send(to: LiveInstance, event: HistoryEvent, dueAt = this.now): void {
    const message: Message = {
      id: this.ctx.ids.nextMessage(),
      dueAt,
      body: { kind: 'event', executionId: to.row.executionId, event },
    };
    this.changes.messages.push({
      id: message.id,
      instanceId: to.row.instanceId,
      dueAt,
      body: JSON.stringify(message.body),
    });
    this.deliveries.push({ kind: 'message', to, message });
  }

  plan(w: Work): void {
    const inst = this.inst;
    switch (w.kind) {
      case 'activity': {
        const activity: ActivityRow = {
          id: this.ctx.ids.nextActivity(),
          instanceId: inst.row.instanceId,
          executionId: inst.row.executionId,
          taskId: w.taskId,
          name: w.name,
          input: w.input,
        };
        this.changes.activities.push(activity);
        this.deliveries.push({ kind: 'activity', activity });
        return;
      }
      case 'timer': {
        const fireAt = isoTime(w.fireAt);
        this.send(inst, { ...event(EventType.TimerFired, w.fireAt), TimerId: w.timerId, FireAt: fireAt }, w.fireAt);
        return;
      }
      case 'cancelTimer': {
        const msgId = inst.timerMessages.get(w.timerId);
        if (msgId === undefined) return;
        inst.timerMessages.delete(w.timerId);
        this.changes.removedMessages.push(msgId);
        inst.wakes.get(msgId)?.cancel();
        inst.wakes.delete(msgId);
        inst.inbox = inst.inbox.filter((m) => m.id !== msgId);
        return;
      }
      case 'selfMessage':
        this.send(inst, w.event);
        return;
      case 'startChild':
        this.startChild(w);
        return;
    }
  }

  /** Creates the sub-orchestration in this commit, or answers the call with its failure. */
  startChild(w: Extract<Work, { kind: 'startChild' }>): void {
    const parent = this.inst.row;
    const canonical = this.ctx.worker.resolveOrchestrator(w.name);
    const existing = this.ctx.live.get(w.instanceId)?.row ?? this.ctx.store.getInstance(w.instanceId);
    const problem = !canonical
      ? new OrchestratorNotFoundError(w.name, this.ctx.worker.orchestratorNames())
      : existing && !TERMINAL_STATUSES.has(existing.status)
        ? new InstanceAlreadyExistsError(w.instanceId, existing.status)
        : undefined;
    if (problem) {
      this.send(this.inst, {
        ...event(EventType.SubOrchestrationInstanceFailed, this.now),
        TaskScheduledId: w.taskId,
        Reason: problem.message,
        Details: '',
        FailureDetails: { ErrorType: problem.name, ErrorMessage: problem.message },
      });
      return;
    }
    const start = planStart(this.ctx, {
      name: canonical as string,
      instanceId: w.instanceId,
      input: w.input,
      parent: { instanceId: parent.instanceId, taskId: w.taskId, name: parent.name },
      version: w.version ?? null,
      replaces: !!existing,
    });
    this.changes.started.push(start.stored);
    this.deliveries.push({ kind: 'start', start });
  }

  /**
   * Tells the parent of `child` (if it is live) that the sub-orchestration finished. `parent` is given when the
   * parent is not live yet (it is being rewound).
   */
  notifyParent(child: InstanceRow, finished: Finished, parent?: LiveInstance): void {
    if (!child.parentInstanceId || child.parentTaskId === null) return;
    const to = parent ?? this.ctx.live.get(child.parentInstanceId);
    if (!to) return;
    const completed = finished.status === 'Completed';
    const type = completed ? EventType.SubOrchestrationInstanceCompleted : EventType.SubOrchestrationInstanceFailed;
    const answer = { ...event(type, this.now), TaskScheduledId: child.parentTaskId };
    if (completed) {
      this.send(to, { ...answer, Result: finished.output });
      return;
    }
    const message = String(parseJson(finished.output));
    this.send(to, {
      ...answer,
      Reason: `Sub-orchestration '${child.name}' (instance ${child.instanceId}) ${finished.status === 'Terminated' ? 'was terminated' : 'failed'}: ${message}`,
      Details: finished.failure?.StackTrace ?? '',
      FailureDetails: finished.failure ?? { ErrorType: 'OrchestrationTerminated', ErrorMessage: message },
    });
  }

  /** Starts a new execution of this instance with `input`; `newEvents` are the episode's, not yet in history. */
  continueAsNew(newEvents: readonly HistoryEvent[], input: string | null): void {
    const inst = this.inst;
    const row = inst.row;
    // Events nobody waited for yet are kept for the next execution (Durable Functions 2.x behaviour): each
    // wait consumes the earliest event of its name, so the unconsumed ones are the latest.
    const raised = [...inst.history, ...newEvents].filter((e) => e.EventType === EventType.EventRaised);
    const carried: HistoryEvent[] = [];
    const byName = new Map<string, HistoryEvent[]>();
    for (const e of raised) byName.set(e.Name as string, [...(byName.get(e.Name as string) ?? []), e]);
    for (const [name, events] of byName) {
      const waits = inst.tracker.waitsByName[name] ?? 0;
      carried.push(...events.slice(Math.min(waits, events.length)));
    }
    carried.sort((a, b) => a.Timestamp.localeCompare(b.Timestamp));
    for (const w of inst.wakes.values()) w.cancel();
    inst.wakes.clear();
    inst.timerMessages.clear();
    row.executionId = newExecutionId();
    row.input = input;
    row.status = 'Running';
    row.output = null;
    inst.history = [];
    inst.historyText = [];
    inst.tracker = newTracker();
    this.changes.resetHistory = true;
    const started: HistoryEvent = { ...event(EventType.ExecutionStarted, this.now), Name: row.name, Input: input };
    for (const e of [started, ...carried.map((c) => ({ ...c, IsPlayed: false }))]) this.send(inst, e);
    // Older messages still queued in memory belong to the previous execution, except raised events.
    inst.inbox = inst.inbox.filter((m) => m.body.kind !== 'event' || !m.body.executionId);
  }

  /** After the commit: deliver messages, run activities and start children, in the order they were planned. */
  deliver(): void {
    for (const d of this.deliveries) {
      if (d.kind === 'message') this.ctx.live.deliver(d.to, d.message);
      else if (d.kind === 'activity') this.ctx.runActivity(d.activity);
      else activateStart(this.ctx, d.start);
    }
  }
}

function event(type: EventType, at: number): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: isoTime(at) };
}
