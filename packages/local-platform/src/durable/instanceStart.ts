import { randomUUID } from 'node:crypto';
import type { EngineContext } from './engineContext';
import { EventType, HistoryEvent, isoTime } from './historyEvents';
import type { InstanceRow, NewInstance } from './instanceStore';
import { Message, newLiveInstance } from './liveInstances';
import { newTracker } from './tracker';

export interface StartRequest {
  /** The orchestrator's registered name. */
  name: string;
  instanceId: string;
  input: string | null;
  /** Set for a sub-orchestration: the parent and the sequence number of its call. */
  parent: { instanceId: string; taskId: number; name: string } | null;
  version: string | null;
  /** A finished instance with this ID exists and is replaced. */
  replaces: boolean;
}

/** The rows that create an instance, and the ExecutionStarted message it gets once it is live. */
export interface InstanceStart {
  stored: NewInstance;
  message: Message;
}

export const newExecutionId = (): string => randomUUID().replace(/-/g, '');

export function planStart(ctx: EngineContext, request: StartRequest): InstanceStart {
  const { name, instanceId, input, parent, version } = request;
  const now = ctx.clock.now();
  const row: InstanceRow = {
    instanceId,
    name,
    executionId: newExecutionId(),
    status: 'Pending',
    input,
    output: null,
    customStatus: null,
    createdTime: now,
    lastUpdatedTime: now,
    parentInstanceId: parent?.instanceId ?? null,
    parentTaskId: parent?.taskId ?? null,
    tracker: JSON.stringify(newTracker()),
  };
  const started: HistoryEvent = {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: isoTime(now),
    Name: name,
    Input: input,
    ...(version ? { Version: version } : {}),
    ...(parent
      ? { ParentInstance: { InstanceId: parent.instanceId, TaskScheduledId: parent.taskId, Name: parent.name } }
      : {}),
  };
  const message: Message = {
    id: ctx.ids.nextMessage(),
    dueAt: now,
    body: { kind: 'event', executionId: row.executionId, event: started },
  };
  const start = { id: message.id, instanceId, dueAt: message.dueAt, body: JSON.stringify(message.body) };
  return { stored: { row, start, replaces: request.replaces }, message };
}

/** Once the start is committed: the instance replaces any earlier one in memory and gets its first message. */
export function activateStart(ctx: EngineContext, { stored, message }: InstanceStart): void {
  const old = ctx.live.get(stored.row.instanceId);
  if (old) ctx.live.retire(old);
  const inst = newLiveInstance(stored.row, [], newTracker());
  ctx.live.add(inst);
  ctx.events.emit('instance', { ...stored.row });
  ctx.live.deliver(inst, message);
}
