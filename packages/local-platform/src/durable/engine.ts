import { EventEmitter } from 'node:events';
import type { DurableEngineEvents } from './engineContext';
import type { Clock } from '../clock';
import { ActivityRunner } from './activityRunner';
import { TaskHubClient } from './client';
import { DEFAULT_TIMERS, DurableWorker } from './durableWorker';
import { EngineContext, EngineLog, RowIds } from './engineContext';
import type { TimerSettings } from './episode';
import { EpisodeRunner } from './episodeRunner';
import type { HistoryEvent } from './historyEvents';
import type { InstanceStatus, StatusOptions } from './instanceStatus';
import type { InstanceQuery, InstanceRow, InstanceStore } from './instanceStore';
import { DurableLimits, resolveLimits } from './limits';
import { LiveInstances, newLiveInstance } from './liveInstances';

export interface DurableBacklog {
  waitingEpisodes: number;
  waitingActivities: number;
  oldestWaitMs: number;
}

export interface EngineOptions {
  store: InstanceStore;
  clock: Clock;
  worker: DurableWorker;
  maxConcurrentOrchestrations?: number;
  maxConcurrentActivities?: number;
  timers?: Partial<TimerSettings>;
  limits?: Partial<DurableLimits>;
  log?: EngineLog;
}

/**
 * The host side of the Durable Task protocol: keeps each instance's history, calls orchestrators (the
 * durable-functions library replays them), turns their actions into work, runs activities, fires timers and
 * persists everything through the group-committing store. This class wires the parts together and owns the
 * engine's lifecycle; the work happens in `TaskHubClient`, `EpisodeRunner`, `Outbox`, `ActivityRunner` and
 * `rewindInstance`.
 *
 * Events (`DurableEngineEvents`): 'instance' (a copy of the instance row, after each committed change) and
 * 'episode' (`{ instanceId, historyLength, ms }` per orchestrator call).
 */
export class DurableEngine extends EventEmitter<DurableEngineEvents> {
  private readonly ctx: EngineContext;
  private readonly client: TaskHubClient;
  private readonly episodes: EpisodeRunner;
  private readonly activities: ActivityRunner;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: EngineOptions) {
    super();
    this.setMaxListeners(0);
    const log = options.log ?? (() => undefined);
    const track = <T>(work: Promise<T>): Promise<T> => this.track(work);
    this.ctx = {
      store: options.store,
      clock: options.clock,
      worker: options.worker,
      timers: { ...DEFAULT_TIMERS, ...options.timers },
      limits: resolveLimits(options.limits),
      log,
      live: new LiveInstances({ clock: options.clock, runEpisode: (inst) => this.episodes.run(inst), track, log }),
      ids: new RowIds(),
      events: this,
      track,
      runActivity: (row) => this.activities.run(row),
    };
    this.episodes = new EpisodeRunner(this.ctx, options.maxConcurrentOrchestrations ?? 100);
    this.activities = new ActivityRunner(this.ctx, options.maxConcurrentActivities ?? 100);
    this.client = new TaskHubClient(this.ctx);
  }

  /** Loads in-flight instances and their pending work from the store and resumes them. */
  start(): void {
    const { store, live, ids } = this.ctx;
    const inFlight = store.loadInFlight();
    ids.continueAfter(inFlight.lastIds);
    for (const { row, history } of inFlight.instances) live.add(newLiveInstance(row, history, JSON.parse(row.tracker)));
    const stale = { messages: [] as number[], activities: [] as number[] };
    for (const m of inFlight.messages) {
      const inst = live.get(m.instanceId);
      if (inst) live.deliver(inst, { id: m.id, dueAt: m.dueAt, body: JSON.parse(m.body) });
      else stale.messages.push(m.id);
    }
    for (const a of inFlight.activities) {
      const inst = live.get(a.instanceId);
      if (inst && inst.row.executionId === a.executionId) this.activities.run(a);
      else stale.activities.push(a.id);
    }
    if (stale.messages.length || stale.activities.length) void store.discardWork(stale);
  }

  /**
   * Stops dispatching: no message is delivered, no waiting episode or activity starts (their work is durable and
   * resumes on the next start). Resolves when what was already running has settled.
   */
  async stop(): Promise<void> {
    this.ctx.live.stop();
    this.episodes.slots.close();
    this.activities.slots.close();
    await this.whenIdle();
  }

  /**
   * The work waiting for a slot (episodes and activities beyond maxConcurrent*), and how long the oldest has waited
   * on the engine's clock. The saga's deadline timers run while work waits, so the HTTP intake refuses new work
   * when this grows (see `DurableBacklogCheck`).
   */
  backlog(): DurableBacklog {
    const now = this.ctx.clock.now();
    const oldest = [this.episodes.slots.oldestSince(), this.activities.slots.oldestSince()].filter(
      (t): t is number => t !== undefined,
    );
    return {
      waitingEpisodes: this.episodes.slots.waiting,
      waitingActivities: this.activities.slots.waiting,
      oldestWaitMs: oldest.length ? Math.max(0, now - Math.min(...oldest)) : 0,
    };
  }

  isIdle(): boolean {
    return this.inFlight === 0;
  }

  /** Resolves when no episode, activity or commit is in progress (timers may still be pending). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0)
      return new Promise((r) => setImmediate(() => (this.inFlight === 0 ? r() : this.idleWaiters.push(r))));
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight++;
    return p.finally(() => {
      if (--this.inFlight === 0) {
        setImmediate(() => {
          if (this.inFlight !== 0) return;
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((w) => w());
        });
      }
    });
  }

  // ---------------------------------------------------------------- client operations (see TaskHubClient)

  startNew(name: string, options: { instanceId?: string; input?: string | null } = {}): Promise<string> {
    return this.client.startNew(name, options);
  }

  raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<void> {
    return this.client.raiseEvent(instanceId, eventName, input);
  }

  terminate(instanceId: string, reason: string): Promise<void> {
    return this.client.control(instanceId, 'terminate', reason);
  }

  suspend(instanceId: string, reason: string): Promise<void> {
    return this.client.control(instanceId, 'suspend', reason);
  }

  resume(instanceId: string, reason: string): Promise<void> {
    return this.client.control(instanceId, 'resume', reason);
  }

  /** Starts the instance again with its original input, under the same ID or a new one. */
  restart(instanceId: string, options: { newInstanceId?: boolean | string } = {}): Promise<string> {
    return this.client.restart(instanceId, options);
  }

  /**
   * Puts a Failed instance back to Running: history is cut before the failure entered (see `planRewind`),
   * failed activities and sub-orchestrations run again, calls that had completed are not repeated.
   */
  rewind(instanceId: string, reason: string): Promise<void> {
    return this.client.rewind(instanceId, reason);
  }

  /** Deletes an instance in a terminal state with its history; returns how many were deleted. */
  purge(instanceId: string): Promise<number> {
    return this.client.purge(instanceId);
  }

  purgeBy(query: InstanceQuery): Promise<number> {
    return this.client.purgeBy(query);
  }

  getStatus(instanceId: string, options: StatusOptions = {}): InstanceStatus | undefined {
    return this.client.getStatus(instanceId, options);
  }

  getHistory(instanceId: string): HistoryEvent[] | undefined {
    return this.client.getHistory(instanceId);
  }

  listInstances(query: InstanceQuery, showInput = true): { statuses: InstanceStatus[]; rows: InstanceRow[] } {
    return this.client.listInstances(query, showInput);
  }
}
