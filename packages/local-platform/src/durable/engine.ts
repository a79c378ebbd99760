import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, ScheduledWake } from '../clock';
import { isContinuation, OrchestratorOutcome, planEpisode, TimerSettings, Work } from './episode';
import { planRewind } from './rewind';
import { checkEpisode, checkPayload, DurableLimits, resolveLimits } from './limits';
import {
  DurableEngineError,
  InstanceAlreadyExistsError,
  InstanceNotFailedError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  OrchestratorNotFoundError,
  failureOf,
} from './errors';
import { completionTaskId, EventType, FailureDetails, HistoryEvent, isoTime } from './historyEvents';
import { DEFAULT_TIMERS, DurableWorker, orchestratorPayload } from './durableWorker';
import { formatHistoryEvent, InstanceStatus, parseJson, StatusOptions, toStatus } from './instanceStatus';
import { Semaphore } from './semaphore';
import {
  ActivityRow,
  EpisodeChanges,
  InstanceQuery,
  InstanceRow,
  InstanceStore,
  NewInstance,
  RuntimeStatus,
  TERMINAL_STATUSES,
} from './instanceStore';
import { newTracker, Tracker } from './tracker';

export interface EngineOptions {
  store: InstanceStore;
  clock: Clock;
  worker: DurableWorker;
  maxConcurrentOrchestrations?: number;
  maxConcurrentActivities?: number;
  timers?: Partial<TimerSettings>;
  limits?: Partial<DurableLimits>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

type MessageBody =
  | { kind: 'event'; executionId?: string; event: HistoryEvent }
  | { kind: 'terminate' | 'suspend' | 'resume'; reason: string };

interface Message {
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

interface LiveInstance {
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

/**
 * The host side of the Durable Task protocol: keeps each instance's history, calls orchestrators (the
 * durable-functions library replays them), turns their actions into work, runs activities, fires timers and
 * persists everything through the group-committing store.
 */
export class DurableEngine extends EventEmitter {
  private readonly store: InstanceStore;
  private readonly clock: Clock;
  private readonly worker: DurableWorker;
  private readonly timers: TimerSettings;
  private readonly limits: DurableLimits;
  private readonly orchestrations: Semaphore;
  private readonly activities: Semaphore;
  private readonly live = new Map<string, LiveInstance>();
  private nextMessageId = 0;
  private nextActivityId = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly log: NonNullable<EngineOptions['log']>;

  constructor(options: EngineOptions) {
    super();
    this.setMaxListeners(0);
    this.store = options.store;
    this.clock = options.clock;
    this.worker = options.worker;
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.limits = resolveLimits(options.limits);
    this.orchestrations = new Semaphore(options.maxConcurrentOrchestrations ?? 100);
    this.activities = new Semaphore(options.maxConcurrentActivities ?? 100);
    this.log = options.log ?? (() => undefined);
  }

  /** Loads in-flight instances and their pending work from the store and resumes them. */
  start(): void {
    const inFlight = this.store.loadInFlight();
    this.nextMessageId = inFlight.lastIds.message;
    this.nextActivityId = inFlight.lastIds.activity;
    for (const { row, history } of inFlight.instances) {
      this.live.set(row.instanceId, this.makeLive(row, history, JSON.parse(row.tracker)));
    }
    const stale: number[] = [];
    for (const m of inFlight.messages) {
      const inst = this.live.get(m.instanceId);
      if (inst) this.deliver(inst, { id: m.id, dueAt: m.dueAt, body: JSON.parse(m.body) });
      else stale.push(m.id);
    }
    const staleActivities: number[] = [];
    for (const a of inFlight.activities) {
      const inst = this.live.get(a.instanceId);
      if (inst && inst.row.executionId === a.executionId) this.runActivity(a);
      else staleActivities.push(a.id);
    }
    if (stale.length || staleActivities.length) {
      void this.store.discardWork({ messages: stale, activities: staleActivities });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const inst of this.live.values()) for (const w of inst.wakes.values()) w.cancel();
    await this.whenIdle();
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

  // ---------------------------------------------------------------- client operations

  async startNew(name: string, options: { instanceId?: string; input?: string | null } = {}): Promise<string> {
    const canonical = this.worker.resolveOrchestrator(name);
    if (!canonical) throw new OrchestratorNotFoundError(name, this.worker.orchestratorNames());
    const instanceId = options.instanceId || randomUUID().replace(/-/g, '');
    validateInstanceId(instanceId);
    checkPayload(`The input of orchestration '${canonical}'`, options.input, this.limits);
    const existing = this.live.get(instanceId)?.row ?? this.store.getInstance(instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.status))
      throw new InstanceAlreadyExistsError(instanceId, existing.status);
    await this.track(this.createInstance(canonical, instanceId, options.input ?? null, null, null, !!existing));
    return instanceId;
  }

  private async createInstance(
    name: string,
    instanceId: string,
    input: string | null,
    parent: { instanceId: string; taskId: number; name: string } | null,
    version: string | null,
    replacing: boolean,
  ): Promise<void> {
    const created = this.prepareInstance(name, instanceId, input, parent, version, replacing);
    await this.store.createInstance(created.stored);
    created.activate();
  }

  /** The rows that create an instance, and what to do once they are committed. */
  private prepareInstance(
    name: string,
    instanceId: string,
    input: string | null,
    parent: { instanceId: string; taskId: number; name: string } | null,
    version: string | null,
    replacing: boolean,
  ): { stored: NewInstance; activate: () => void } {
    const now = this.clock.now();
    const row: InstanceRow = {
      instanceId,
      name,
      executionId: randomUUID().replace(/-/g, ''),
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
    const msg: Message = {
      id: ++this.nextMessageId,
      dueAt: now,
      body: { kind: 'event', executionId: row.executionId, event: started },
    };
    const stored: NewInstance = {
      row,
      start: { id: msg.id, instanceId, dueAt: msg.dueAt, body: JSON.stringify(msg.body) },
      replaces: replacing,
    };
    const activate = (): void => {
      const old = this.live.get(instanceId);
      if (old) this.retire(old);
      const inst = this.makeLive(row, [], newTracker());
      this.live.set(instanceId, inst);
      this.emit('instance', { ...row });
      this.deliver(inst, msg);
    };
    return { stored, activate };
  }

  async raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<void> {
    const inst = this.requireActive(instanceId, 'raise an event to');
    checkPayload(`The data of event '${eventName}' for instance "${instanceId}"`, input, this.limits);
    await this.track(this.send(inst, { kind: 'event', event: this.eventRaised(eventName, input) }));
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    const inst = this.requireActive(instanceId, 'terminate');
    await this.track(this.send(inst, { kind: 'terminate', reason }));
  }

  async suspend(instanceId: string, reason: string): Promise<void> {
    const inst = this.requireActive(instanceId, 'suspend');
    await this.track(this.send(inst, { kind: 'suspend', reason }));
  }

  async resume(instanceId: string, reason: string): Promise<void> {
    const inst = this.requireActive(instanceId, 'resume');
    await this.track(this.send(inst, { kind: 'resume', reason }));
  }

  /** Starts the instance again with its original input, under the same ID or a new one. */
  async restart(instanceId: string, options: { newInstanceId?: boolean | string } = {}): Promise<string> {
    const row = this.live.get(instanceId)?.row ?? this.store.getInstance(instanceId);
    if (!row) throw new InstanceNotFoundError(instanceId);
    const targetId =
      typeof options.newInstanceId === 'string'
        ? options.newInstanceId
        : options.newInstanceId
          ? undefined
          : instanceId;
    if (targetId === instanceId && !TERMINAL_STATUSES.has(row.status)) {
      const inst = this.live.get(instanceId);
      if (inst) await this.track(this.send(inst, { kind: 'terminate', reason: 'Restarted by operator' }));
      await this.waitForTerminal(instanceId);
    }
    const startedId = targetId ?? randomUUID().replace(/-/g, '');
    const existing = this.store.getInstance(startedId);
    if (existing && !TERMINAL_STATUSES.has(existing.status))
      throw new InstanceAlreadyExistsError(startedId, existing.status);
    await this.track(this.createInstance(row.name, startedId, row.input, null, null, !!existing));
    return startedId;
  }

  private waitForTerminal(instanceId: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (row: InstanceRow): void => {
        if (row.instanceId === instanceId && TERMINAL_STATUSES.has(row.status)) {
          this.off('instance', check);
          resolve();
        }
      };
      this.on('instance', check);
      const row = this.store.getInstance(instanceId);
      if (row) check(row);
    });
  }

  /** Deletes an instance in a terminal state with its history; returns how many were deleted. */
  async purge(instanceId: string): Promise<number> {
    const row = this.live.get(instanceId)?.row ?? this.store.getInstance(instanceId);
    if (!row) return 0;
    if (!TERMINAL_STATUSES.has(row.status))
      throw new InstanceNotRunningError(
        instanceId,
        row.status,
        'purge (only completed, failed or terminated instances can be purged)',
      );
    await this.track(this.store.purgeInstances([instanceId]));
    return 1;
  }

  async purgeBy(query: InstanceQuery): Promise<number> {
    const statuses = (query.statuses?.length ? query.statuses : [...TERMINAL_STATUSES]).filter((s) =>
      TERMINAL_STATUSES.has(s),
    );
    const rows = this.store.queryInstances({ ...query, statuses });
    if (rows.length) await this.track(this.store.purgeInstances(rows.map((r) => r.instanceId)));
    return rows.length;
  }

  getStatus(instanceId: string, options: StatusOptions = {}): InstanceStatus | undefined {
    const inst = this.live.get(instanceId);
    const row = inst?.row ?? this.store.getInstance(instanceId);
    if (!row) return undefined;
    const status = toStatus(row, options.showInput !== false);
    if (options.showHistory) {
      const history = inst ? inst.history : this.store.getHistory(instanceId);
      status.historyEvents = history.map((e) => formatHistoryEvent(e, !!options.showHistoryOutput));
    }
    return status;
  }

  getHistory(instanceId: string): HistoryEvent[] | undefined {
    const inst = this.live.get(instanceId);
    if (inst) return inst.history;
    return this.store.getInstance(instanceId) ? this.store.getHistory(instanceId) : undefined;
  }

  listInstances(query: InstanceQuery, showInput = true): { statuses: InstanceStatus[]; rows: InstanceRow[] } {
    const rows = this.store.queryInstances(query);
    return { rows, statuses: rows.map((r) => toStatus(this.live.get(r.instanceId)?.row ?? r, showInput)) };
  }

  private requireActive(instanceId: string, operation: string): LiveInstance {
    const inst = this.live.get(instanceId);
    if (inst) return inst;
    const row = this.store.getInstance(instanceId);
    if (!row) throw new InstanceNotFoundError(instanceId);
    throw new InstanceNotRunningError(instanceId, row.status, operation);
  }

  private eventRaised(name: string, input: string | null): HistoryEvent {
    return {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: isoTime(this.clock.now()),
      Name: name,
      Input: input ?? undefined,
    };
  }

  /** Persists a message for an instance, then hands it to the instance. */
  private async send(inst: LiveInstance, body: MessageBody, dueAt = this.clock.now()): Promise<void> {
    const msg: Message = { id: ++this.nextMessageId, dueAt, body };
    await this.store.sendMessage({ id: msg.id, instanceId: inst.row.instanceId, dueAt, body: JSON.stringify(body) });
    this.deliver(inst, msg);
  }

  /**
   * Puts a Failed instance back to Running: history is cut before the failure entered (see `planRewind`),
   * failed activities and sub-orchestrations run again, calls that had completed are not repeated.
   */
  async rewind(instanceId: string, reason: string): Promise<void> {
    await this.track(this.rewindInstance(instanceId, reason));
  }

  private async rewindInstance(instanceId: string, reason: string): Promise<void> {
    if (this.live.has(instanceId)) throw new InstanceNotFailedError(instanceId, this.live.get(instanceId)!.row.status);
    const stored = this.store.getInstance(instanceId);
    if (!stored) throw new InstanceNotFoundError(instanceId);
    if (stored.status !== 'Failed') throw new InstanceNotFailedError(instanceId, stored.status);
    const row: InstanceRow = { ...stored };
    const plan = planRewind(this.store.getHistory(instanceId));

    // The host's bookkeeping for the kept history: replay it episode by episode, as it was first built.
    const tracker = newTracker();
    const replayed: HistoryEvent[] = [];
    for (const ep of plan.episodes) {
      const events = plan.keep.slice(ep.start, ep.end);
      if (!ep.control) {
        const newEvents = [events[0], ...ep.incoming];
        const outcome = await this.worker.callOrchestrator(
          row.name,
          orchestratorPayload(
            row,
            [...replayed, ...newEvents].map((e) => JSON.stringify(e)),
            true,
            this.timers,
          ),
        );
        const first = ep.incoming[0];
        planEpisode(
          {
            instanceId,
            now: Date.parse(events[0].Timestamp),
            tracker,
            timers: this.timers,
            continuationEvent: first && isContinuation(tracker, first) ? first : undefined,
          },
          newEvents,
          outcome,
        );
      }
      replayed.push(...events);
    }

    const now = this.clock.now();
    const changes = emptyChanges(row);
    const after: (() => void)[] = [];
    const inst = this.makeLive(row, [], tracker);
    const answered = new Set(plan.redeliver.map(completionTaskId).filter((id) => id !== undefined));
    const messages: Message[] = plan.redeliver.map((event) => ({
      id: ++this.nextMessageId,
      dueAt: now,
      body: { kind: 'event', executionId: row.executionId, event: { ...event, IsPlayed: false } },
    }));
    const scheduledEvent = (id: number): HistoryEvent | undefined =>
      plan.keep.find((e) => e.EventId === id && e.EventType !== EventType.OrchestratorStarted && e.EventId >= 0);
    for (const [key, task] of Object.entries(tracker.open)) {
      const id = Number(key);
      if (answered.has(id)) continue;
      const scheduled = scheduledEvent(id);
      if (task.kind === 'activity') {
        this.planWork(
          inst,
          { kind: 'activity', taskId: id, name: task.name, input: scheduled?.Input ?? null },
          changes,
          after,
          now,
        );
      } else if (task.kind === 'timer' || task.kind === 'retryTimer') {
        const fireAt = scheduled?.FireAt ? Date.parse(scheduled.FireAt) : now;
        this.planWork(inst, { kind: 'timer', timerId: id, fireAt }, changes, after, now);
      } else {
        const child = this.store.getInstance(task.instanceId);
        if (plan.rerun.includes(id) || !child) {
          this.planChild(
            inst,
            {
              kind: 'startChild',
              taskId: id,
              name: task.name,
              instanceId: task.instanceId,
              input: scheduled?.Input ?? null,
            },
            changes,
            after,
            now,
          );
        } else if (TERMINAL_STATUSES.has(child.status)) {
          // The child finished while this instance was failed, so its answer was dropped: give it again.
          this.notifyParent(child, { status: child.status, output: child.output }, changes, after, now, inst);
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
    changes.resetHistory = true;
    changes.appendHistory = { fromSeq: 0, events: inst.historyText };
    for (const m of messages) {
      changes.messages.push({ id: m.id, instanceId, dueAt: m.dueAt, body: JSON.stringify(m.body) });
    }
    await this.store.commitEpisode(changes);
    this.live.set(instanceId, inst);
    this.emit('instance', { ...row });
    for (const m of messages) this.deliver(inst, m);
    for (const f of after) f();
  }

  // ---------------------------------------------------------------- scheduling

  private makeLive(row: InstanceRow, history: HistoryEvent[], tracker: Tracker): LiveInstance {
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

  private deliver(inst: LiveInstance, msg: Message): void {
    if (this.stopped) return;
    const body = msg.body;
    if (body.kind === 'event' && body.event.EventType === EventType.TimerFired && body.event.TimerId !== undefined) {
      inst.timerMessages.set(body.event.TimerId, msg.id);
    }
    if (msg.dueAt > this.clock.now()) {
      inst.wakes.set(
        msg.id,
        this.clock.schedule(msg.dueAt, () => {
          inst.wakes.delete(msg.id);
          this.enqueue(inst, msg);
        }),
      );
    } else {
      this.enqueue(inst, msg);
    }
  }

  private enqueue(inst: LiveInstance, msg: Message): void {
    if (this.stopped || this.live.get(inst.row.instanceId) !== inst) return;
    inst.inbox.push(msg);
    this.kick(inst);
  }

  private kick(inst: LiveInstance): void {
    if (inst.busy || this.stopped || !hasRunnableMessage(inst)) return;
    inst.busy = true;
    void this.track(this.runEpisode(inst))
      .catch((e) =>
        this.log(
          'error',
          `Episode of instance "${inst.row.instanceId}" could not be saved: ${(e as Error).stack ?? e}`,
        ),
      )
      .finally(() => {
        inst.busy = false;
        if (this.live.get(inst.row.instanceId) === inst) this.kick(inst);
      });
  }

  /** Stops everything pending for an instance that is finished or replaced. */
  private retire(inst: LiveInstance): void {
    for (const w of inst.wakes.values()) w.cancel();
    inst.wakes.clear();
    inst.inbox = [];
    if (this.live.get(inst.row.instanceId) === inst) this.live.delete(inst.row.instanceId);
  }

  // ---------------------------------------------------------------- episodes

  private async runEpisode(inst: LiveInstance): Promise<void> {
    await this.orchestrations.acquire();
    try {
      await this.episode(inst);
    } finally {
      this.orchestrations.release();
    }
  }

  private async episode(inst: LiveInstance): Promise<void> {
    const row = inst.row;
    const now = Math.max(this.clock.now(), lastTimestamp(inst.history));
    const changes = emptyChanges(row);
    const after: (() => void)[] = [];
    const consumed: Message[] = [];
    const batch: HistoryEvent[] = [];
    let continuation: HistoryEvent | undefined;
    let control: Extract<MessageBody, { reason: string }> | undefined;

    // Choose this episode's messages: control operations run alone; a continuation trigger must come first.
    const keep: Message[] = [];
    for (const msg of inst.inbox) {
      const body = msg.body;
      if (control || (batch.length && body.kind !== 'event')) {
        keep.push(msg);
        continue;
      }
      if (body.kind !== 'event') {
        if (row.status === 'Suspended' && body.kind === 'suspend') {
          consumed.push(msg);
          continue;
        }
        if (row.status !== 'Suspended' && body.kind === 'resume') {
          consumed.push(msg);
          continue;
        }
        control = body;
        consumed.push(msg);
        continue;
      }
      if (body.executionId && body.executionId !== row.executionId) {
        consumed.push(msg); // work of an earlier execution (before continue-as-new): drop it
        continue;
      }
      if (row.status === 'Suspended') {
        keep.push(msg);
        continue;
      }
      const trigger = isContinuation(inst.tracker, body.event);
      if (trigger && batch.length) {
        keep.push(msg);
        continue;
      }
      const stamped: HistoryEvent = {
        ...body.event,
        Timestamp: body.event.EventType === EventType.TimerFired ? isoTime(now) : body.event.Timestamp,
      };
      // planEpisode recognises the continuation by identity: it must be the very object put in the batch.
      if (trigger) continuation = stamped;
      if (stamped.EventType === EventType.ExecutionStarted && inst.history.length) {
        consumed.push(msg); // a duplicate start of a running execution
        continue;
      }
      batch.push(stamped);
      consumed.push(msg);
    }
    inst.inbox = keep;
    const release = (m: Message): void => {
      if (m.activityRowId !== undefined) changes.removedActivities.push(m.activityRowId);
      else changes.removedMessages.push(m.id);
    };
    for (const m of consumed) release(m);

    const started = (type: EventType, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
      EventType: type,
      EventId: -1,
      IsPlayed: false,
      Timestamp: isoTime(now),
      ...extra,
    });
    let newEvents: HistoryEvent[] = [];
    let finished: { status: RuntimeStatus; output: string | null; failure?: FailureDetails } | undefined;
    let continuedInput: string | null | undefined;

    if (control) {
      newEvents = [started(EventType.OrchestratorStarted)];
      if (control.kind === 'terminate') {
        newEvents.push(started(EventType.ExecutionTerminated, { Input: JSON.stringify(control.reason) }));
        newEvents.push(
          started(EventType.ExecutionCompleted, {
            OrchestrationStatus: 'Terminated',
            Result: JSON.stringify(control.reason),
          }),
        );
        finished = { status: 'Terminated', output: JSON.stringify(control.reason) };
      } else if (control.kind === 'suspend') {
        newEvents.push(started(EventType.ExecutionSuspended, { Input: JSON.stringify(control.reason) }));
        row.status = 'Suspended';
      } else {
        newEvents.push(started(EventType.ExecutionResumed, { Input: JSON.stringify(control.reason) }));
        row.status = inst.history.length > 0 ? 'Running' : 'Pending';
      }
      newEvents.push(started(EventType.OrchestratorCompleted));
    } else if (batch.length) {
      newEvents = [started(EventType.OrchestratorStarted), ...batch];
      const texts = [...inst.historyText, ...newEvents.map((e) => JSON.stringify(e))];
      let outcome: OrchestratorOutcome;
      try {
        const began = performance.now();
        outcome = await this.worker.callOrchestrator(
          row.name,
          orchestratorPayload(row, texts, inst.history.length > 0, this.timers),
        );
        // For the benchmark's replay-cost figures; free when nobody listens.
        if (this.listenerCount('episode')) {
          this.emit('episode', {
            instanceId: row.instanceId,
            historyLength: texts.length,
            ms: performance.now() - began,
          });
        }
      } catch (e) {
        outcome = { isDone: false, actions: [], error: errorText(e), failureDetails: failureOf(e) };
      }
      if (outcome.error !== undefined) outcome.error = `Orchestrator function '${row.name}' failed: ${outcome.error}`;
      const tracker = inst.tracker;
      let plan;
      try {
        plan = planEpisode(
          { instanceId: row.instanceId, now, tracker, timers: this.timers, continuationEvent: continuation },
          newEvents,
          outcome,
        );
        const length = inst.history.length + newEvents.length + plan.appended.length;
        checkEpisode(row.instanceId, row.name, length, plan, this.limits);
        if (length > this.limits.warnHistoryEvents && inst.history.length <= this.limits.warnHistoryEvents) {
          this.log(
            'warn',
            `Instance "${row.instanceId}" (${row.name}) has ${length} history events; it fails at ${this.limits.maxHistoryEvents}. Consider continueAsNew.`,
          );
        }
      } catch (e) {
        if (!(e instanceof DurableEngineError)) throw e;
        plan = planEpisode({ instanceId: row.instanceId, now, tracker: newTracker(), timers: this.timers }, newEvents, {
          isDone: false,
          actions: [],
          error: e.message,
          failureDetails: { ErrorType: e.name, ErrorMessage: e.message },
        });
      }
      newEvents.push(...plan.appended);
      row.customStatus = plan.customStatus;
      for (const w of plan.work) this.planWork(inst, w, changes, after, now);
      const r = plan.result;
      if (r.status === 'Completed') finished = { status: 'Completed', output: r.output };
      else if (r.status === 'Failed') finished = { status: 'Failed', output: r.output, failure: r.failureDetails };
      else if (r.status === 'ContinuedAsNew') continuedInput = r.input;
      else row.status = 'Running';
    }

    if (newEvents.length === 0 && consumed.length === 0) return;

    if (finished) {
      row.status = finished.status;
      row.output = finished.output;
      this.notifyParent(row, finished, changes, after, now);
    }
    const seq = inst.history.length;
    if (continuedInput !== undefined) {
      this.continueAsNew(inst, newEvents, continuedInput, changes, after, now);
    } else {
      const stored = newEvents.map(played);
      const storedText = stored.map((e) => JSON.stringify(e));
      changes.appendHistory = { fromSeq: seq, events: storedText };
      inst.history.push(...stored);
      inst.historyText.push(...storedText);
    }
    row.lastUpdatedTime = now;
    row.tracker = JSON.stringify(inst.tracker);

    if (finished) {
      // Results still queued for a finished instance are dropped with their activity rows.
      for (const m of inst.inbox) if (m.activityRowId !== undefined) release(m);
      this.retire(inst);
    }
    await this.store.commitEpisode(changes);
    this.emit('instance', { ...row });
    for (const f of after) f();
  }

  private continueAsNew(
    inst: LiveInstance,
    newEvents: HistoryEvent[],
    input: string | null,
    changes: EpisodeChanges,
    after: (() => void)[],
    now: number,
  ): void {
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
    row.executionId = randomUUID().replace(/-/g, '');
    row.input = input;
    row.status = 'Running';
    row.output = null;
    inst.history = [];
    inst.historyText = [];
    inst.tracker = newTracker();
    changes.resetHistory = true;
    const startedEvent: HistoryEvent = {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: isoTime(now),
      Name: row.name,
      Input: input,
    };
    for (const event of [startedEvent, ...carried.map((e) => ({ ...e, IsPlayed: false }))]) {
      const msg: Message = {
        id: ++this.nextMessageId,
        dueAt: now,
        body: { kind: 'event', executionId: row.executionId, event },
      };
      changes.messages.push({ id: msg.id, instanceId: row.instanceId, dueAt: now, body: JSON.stringify(msg.body) });
      after.push(() => this.deliver(inst, msg));
    }
    // Older messages still queued in memory belong to the previous execution, except raised events.
    inst.inbox = inst.inbox.filter((m) => m.body.kind !== 'event' || !m.body.executionId);
  }

  private notifyParent(
    row: InstanceRow,
    finished: { status: RuntimeStatus; output: string | null; failure?: FailureDetails },
    changes: EpisodeChanges,
    after: (() => void)[],
    now: number,
    parentInstance?: LiveInstance,
  ): void {
    if (!row.parentInstanceId || row.parentTaskId === null) return;
    const parent = parentInstance ?? this.live.get(row.parentInstanceId);
    if (!parent) return;
    const event: HistoryEvent =
      finished.status === 'Completed'
        ? {
            EventType: EventType.SubOrchestrationInstanceCompleted,
            EventId: -1,
            IsPlayed: false,
            Timestamp: isoTime(now),
            TaskScheduledId: row.parentTaskId,
            Result: finished.output,
          }
        : {
            EventType: EventType.SubOrchestrationInstanceFailed,
            EventId: -1,
            IsPlayed: false,
            Timestamp: isoTime(now),
            TaskScheduledId: row.parentTaskId,
            Reason: `Sub-orchestration '${row.name}' (instance ${row.instanceId}) ${finished.status === 'Terminated' ? 'was terminated' : 'failed'}: ${String(parseJson(finished.output))}`,
            Details: finished.failure?.StackTrace ?? '',
            FailureDetails: finished.failure ?? {
              ErrorType: 'OrchestrationTerminated',
              ErrorMessage: String(parseJson(finished.output)),
            },
          };
    const msg: Message = {
      id: ++this.nextMessageId,
      dueAt: now,
      body: { kind: 'event', executionId: parent.row.executionId, event },
    };
    changes.messages.push({
      id: msg.id,
      instanceId: parent.row.instanceId,
      dueAt: now,
      body: JSON.stringify(msg.body),
    });
    after.push(() => this.deliver(parent, msg));
  }

  private planWork(inst: LiveInstance, w: Work, changes: EpisodeChanges, after: (() => void)[], now: number): void {
    const row = inst.row;
    const executionId = row.executionId;
    switch (w.kind) {
      case 'activity': {
        const activity: ActivityRow = {
          id: ++this.nextActivityId,
          instanceId: row.instanceId,
          executionId,
          taskId: w.taskId,
          name: w.name,
          input: w.input,
        };
        changes.activities.push(activity);
        after.push(() => this.runActivity(activity));
        return;
      }
      case 'timer': {
        const event: HistoryEvent = {
          EventType: EventType.TimerFired,
          EventId: -1,
          IsPlayed: false,
          Timestamp: isoTime(w.fireAt),
          TimerId: w.timerId,
          FireAt: isoTime(w.fireAt),
        };
        const msg: Message = { id: ++this.nextMessageId, dueAt: w.fireAt, body: { kind: 'event', executionId, event } };
        changes.messages.push({
          id: msg.id,
          instanceId: row.instanceId,
          dueAt: w.fireAt,
          body: JSON.stringify(msg.body),
        });
        after.push(() => this.deliver(inst, msg));
        return;
      }
      case 'cancelTimer': {
        const msgId = inst.timerMessages.get(w.timerId);
        if (msgId === undefined) return;
        inst.timerMessages.delete(w.timerId);
        changes.removedMessages.push(msgId);
        inst.wakes.get(msgId)?.cancel();
        inst.wakes.delete(msgId);
        inst.inbox = inst.inbox.filter((m) => m.id !== msgId);
        return;
      }
      case 'selfMessage': {
        const msg: Message = {
          id: ++this.nextMessageId,
          dueAt: now,
          body: { kind: 'event', executionId, event: w.event },
        };
        changes.messages.push({ id: msg.id, instanceId: row.instanceId, dueAt: now, body: JSON.stringify(msg.body) });
        after.push(() => this.deliver(inst, msg));
        return;
      }
      case 'startChild':
        this.planChild(inst, w, changes, after, now);
        return;
    }
  }

  private planChild(
    inst: LiveInstance,
    w: Extract<Work, { kind: 'startChild' }>,
    changes: EpisodeChanges,
    after: (() => void)[],
    now: number,
  ): void {
    const parent = inst.row;
    const canonical = this.worker.resolveOrchestrator(w.name);
    const existing = this.live.get(w.instanceId)?.row ?? this.store.getInstance(w.instanceId);
    const problem = !canonical
      ? new OrchestratorNotFoundError(w.name, this.worker.orchestratorNames())
      : existing && !TERMINAL_STATUSES.has(existing.status)
        ? new InstanceAlreadyExistsError(w.instanceId, existing.status)
        : undefined;
    if (problem) {
      const event: HistoryEvent = {
        EventType: EventType.SubOrchestrationInstanceFailed,
        EventId: -1,
        IsPlayed: false,
        Timestamp: isoTime(now),
        TaskScheduledId: w.taskId,
        Reason: problem.message,
        Details: '',
        FailureDetails: { ErrorType: problem.name, ErrorMessage: problem.message },
      };
      const msg: Message = {
        id: ++this.nextMessageId,
        dueAt: now,
        body: { kind: 'event', executionId: parent.executionId, event },
      };
      changes.messages.push({ id: msg.id, instanceId: parent.instanceId, dueAt: now, body: JSON.stringify(msg.body) });
      after.push(() => this.deliver(inst, msg));
      return;
    }
    // Created in the parent's commit, so the parent's SubOrchestrationInstanceCreated and the child's start
    // are durable together.
    const child = this.prepareInstance(
      canonical as string,
      w.instanceId,
      w.input,
      { instanceId: parent.instanceId, taskId: w.taskId, name: parent.name },
      w.version ?? null,
      !!existing,
    );
    changes.started.push(child.stored);
    after.push(child.activate);
  }

  // ---------------------------------------------------------------- activities

  /** Runs an activity row (persisted before this call); its result is delivered to the instance in memory. */
  private runActivity(row: ActivityRow): void {
    const { instanceId, name } = row;
    void this.track(this.activity(row)).catch((e) =>
      this.log(
        'error',
        `Activity "${name}" of instance "${instanceId}" could not be saved: ${(e as Error).stack ?? e}`,
      ),
    );
  }

  private async activity({ id: activityId, instanceId, executionId, taskId, name, input }: ActivityRow): Promise<void> {
    await this.activities.acquire();
    let event: HistoryEvent;
    try {
      const canonical = this.worker.resolveActivity(name);
      if (!canonical) {
        throw new DurableEngineError(
          `The function '${name}' doesn't exist, is disabled, or is not an activity function. Registered activities: ${this.worker.activityNames().join(', ') || '(none)'}.`,
        );
      }
      const result = await this.worker.callActivity(canonical, input);
      checkPayload(
        `The result of activity '${name}' (task #${taskId} of instance "${instanceId}")`,
        result,
        this.limits,
      );
      event = {
        EventType: EventType.TaskCompleted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: isoTime(this.clock.now()),
        TaskScheduledId: taskId,
        Result: result,
      };
    } catch (e) {
      const failure = failureOf(e);
      event = {
        EventType: EventType.TaskFailed,
        EventId: -1,
        IsPlayed: false,
        Timestamp: isoTime(this.clock.now()),
        TaskScheduledId: taskId,
        Reason: `Activity function '${name}' failed: ${failure.ErrorMessage}`,
        Details: failure.StackTrace ?? '',
        FailureDetails: failure,
      };
    } finally {
      this.activities.release();
    }
    const inst = this.live.get(instanceId);
    if (this.stopped) return;
    if (!inst || inst.row.executionId !== executionId) {
      await this.store.discardWork({ messages: [], activities: [activityId] });
      return;
    }
    this.deliver(inst, {
      id: ++this.nextMessageId,
      dueAt: 0,
      body: { kind: 'event', executionId, event },
      activityRowId: activityId,
    });
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A suspended instance holds its events until resumed; only control messages can run then. */
function hasRunnableMessage(inst: LiveInstance): boolean {
  if (inst.row.status !== 'Suspended') return inst.inbox.length > 0;
  return inst.inbox.some((m) => m.body.kind !== 'event');
}

function played(e: HistoryEvent): HistoryEvent {
  return e.IsPlayed ? e : { ...e, IsPlayed: true };
}

function lastTimestamp(history: readonly HistoryEvent[]): number {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].EventType === EventType.OrchestratorStarted) return Date.parse(history[i].Timestamp);
  }
  return 0;
}

function validateInstanceId(id: string): void {
  if (
    id.length > 256 ||
    /[/\\#?]/.test(id) ||
    [...id].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
  ) {
    throw new DurableEngineError(
      `Instance ID "${id}" is not valid: use at most 256 characters and none of '/', '\\', '#', '?' or control characters.`,
    );
  }
}

/** Nothing changed yet: an episode's changes start from the instance as it is. */
function emptyChanges(instance: InstanceRow): EpisodeChanges {
  return {
    instance,
    removedMessages: [],
    removedActivities: [],
    resetHistory: false,
    messages: [],
    activities: [],
    started: [],
  };
}
