import type { Clock, ScheduledWake } from '../clock';
import { EventType, HistoryEvent } from './historyEvents';
import type { InstanceRow } from './instanceStore';
import type { Tracker } from './tracker';

export type MessageBody =
  | { kind: 'event'; executionId?: string; event: HistoryEvent }
  | { kind: 'terminate' | 'suspend' | 'resume'; reason: string };

export type ControlMessage = Extract<MessageBody, { reason: string }>;

export interface Message {
  id: number;
  dueAt: number;
  body: MessageBody;
  /**
   * An activity's result is not stored as a message: it stays in memory and the episode that consumes it
   * deletes the activity's row in its own commit. A crash before that commit runs the activity again
   * (at-least-once), and no commit is spent per activity.
   */
  activityRowId?: number;
}

/** An unfinished instance as the engine holds it between episodes. */
export interface LiveInstance {
  row: InstanceRow;
  history: HistoryEvent[];
  /** Each history event as stored (JSON, IsPlayed true), reused to build payloads and history rows. */
  historyText: string[];
  tracker: Tracker;
  inbox: Message[];
  wakes: Map<number, ScheduledWake>;
  timerMessages: Map<number, number>;
  busy: boolean;
}

export function newLiveInstance(row: InstanceRow, history: HistoryEvent[], tracker: Tracker): LiveInstance {
  return {
    historyText: history.map((e) => JSON.stringify(e)),
    row,
    history,
    tracker,
    inbox: [],
    wakes: new Map(),
    timerMessages: new Map(),
    busy: false,
  };
}

export interface LiveInstancesOptions {
  clock: Clock;
  /** Runs one episode on the instance's inbox; the instance runs no other episode until it settles. */
  runEpisode: (inst: LiveInstance) => Promise<void>;
  track: <T>(work: Promise<T>) => Promise<T>;
  log: (level: 'warn' | 'error', message: string) => void;
}

/**
 * The unfinished instances, by ID. A message reaches an instance's inbox at its due time; an instance with
 * something to run runs one episode at a time. Work for an instance that was retired or replaced is dropped here.
 */
export class LiveInstances {
  private readonly byId = new Map<string, LiveInstance>();
  private isStopped = false;

  constructor(private readonly options: LiveInstancesOptions) {}

  get stopped(): boolean {
    return this.isStopped;
  }

  get(instanceId: string): LiveInstance | undefined {
    return this.byId.get(instanceId);
  }

  add(inst: LiveInstance): void {
    this.byId.set(inst.row.instanceId, inst);
  }

  deliver(inst: LiveInstance, msg: Message): void {
    if (this.isStopped) return;
    const body = msg.body;
    if (body.kind === 'event' && body.event.EventType === EventType.TimerFired && body.event.TimerId !== undefined) {
      inst.timerMessages.set(body.event.TimerId, msg.id);
    }
    if (msg.dueAt > this.options.clock.now()) {
      inst.wakes.set(
        msg.id,
        this.options.clock.schedule(msg.dueAt, () => {
          inst.wakes.delete(msg.id);
          this.enqueue(inst, msg);
        }),
      );
    } else {
      this.enqueue(inst, msg);
    }
  }

  /** Stops everything pending for an instance that is finished or replaced. */
  retire(inst: LiveInstance): void {
    for (const w of inst.wakes.values()) w.cancel();
    inst.wakes.clear();
    inst.inbox = [];
    if (this.byId.get(inst.row.instanceId) === inst) this.byId.delete(inst.row.instanceId);
  }

  /** No message is delivered and no episode starts from now on; pending timers are cancelled. */
  stop(): void {
    this.isStopped = true;
    for (const inst of this.byId.values()) for (const w of inst.wakes.values()) w.cancel();
  }

  private enqueue(inst: LiveInstance, msg: Message): void {
    if (this.isStopped || this.byId.get(inst.row.instanceId) !== inst) return;
    inst.inbox.push(msg);
    this.kick(inst);
  }

  private kick(inst: LiveInstance): void {
    if (inst.busy || this.isStopped || !hasRunnableMessage(inst)) return;
    inst.busy = true;
    void this.options
      .track(this.options.runEpisode(inst))
      .catch((e) =>
        this.isStopped
          ? // The grace of a stop ran out and the store closed under the episode: as after a crash, it runs again.
            this.options.log(
              'warn',
              `Episode of instance "${inst.row.instanceId}" was cut off by the stop; it runs again on the next start.`,
            )
          : this.options.log(
              'error',
              `Episode of instance "${inst.row.instanceId}" could not be saved: ${(e as Error).stack ?? e}`,
            ),
      )
      .finally(() => {
        inst.busy = false;
        if (this.byId.get(inst.row.instanceId) === inst) this.kick(inst);
      });
  }
}

/** A suspended instance holds its events until resumed; only control messages can run then. */
function hasRunnableMessage(inst: LiveInstance): boolean {
  if (inst.row.status !== 'Suspended') return inst.inbox.length > 0;
  return inst.inbox.some((m) => m.body.kind !== 'event');
}
