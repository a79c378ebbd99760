import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock';
import { ActionType } from '../../src/durable/actions';
import type { DurableWorker } from '../../src/durable/durableWorker';
import { type DurableEngineEvents, EngineContext, RowIds } from '../../src/durable/engineContext';
import { DEFAULT_TIMERS } from '../../src/durable/durableWorker';
import { planEpisode } from '../../src/durable/episode';
import { EventType, HistoryEvent, isoTime } from '../../src/durable/historyEvents';
import type {
  ActivityRow,
  EpisodeChanges,
  InstanceRow,
  InstanceStore,
  MessageRow,
  NewInstance,
} from '../../src/durable/instanceStore';
import { resolveLimits } from '../../src/durable/limits';
import { LiveInstance, LiveInstances, newLiveInstance } from '../../src/durable/liveInstances';
import { Outbox } from '../../src/durable/outbox';
import { newTracker } from '../../src/durable/tracker';
import { historyEvent, instanceRow, T0 } from '../fixtures/durableRows';

/** The store interface kept in maps; it records each operation so tests can see what would be written. */
class FakeStore implements InstanceStore {
  readonly instances = new Map<string, InstanceRow>();
  readonly history = new Map<string, string[][]>();
  readonly messages = new Map<number, MessageRow>();
  readonly activities = new Map<number, ActivityRow>();
  readonly episodes: EpisodeChanges[] = [];

  getInstance = (id: string): InstanceRow | undefined => this.instances.get(id);
  getHistory = (id: string): HistoryEvent[] =>
    (this.history.get(id) ?? []).flat().map((text) => JSON.parse(text) as HistoryEvent);
  queryInstances = (): InstanceRow[] => [...this.instances.values()];
  loadInFlight = () => ({ instances: [], messages: [], activities: [], lastIds: { message: 0, activity: 0 } });

  async createInstance(instance: NewInstance): Promise<void> {
    this.create(instance);
  }

  async commitEpisode(c: EpisodeChanges): Promise<void> {
    this.episodes.push(c);
    c.removedMessages.forEach((id) => this.messages.delete(id));
    c.removedActivities.forEach((id) => this.activities.delete(id));
    c.started.forEach((s) => this.create(s));
    const id = c.instance.instanceId;
    if (c.resetHistory) this.history.delete(id);
    if (c.appendHistory) this.history.set(id, [...(this.history.get(id) ?? []), [...c.appendHistory.events]]);
    this.instances.set(id, { ...c.instance });
    c.messages.forEach((m) => this.messages.set(m.id, m));
    c.activities.forEach((a) => this.activities.set(a.id, a));
  }

  async sendMessage(m: MessageRow): Promise<void> {
    this.messages.set(m.id, m);
  }

  async purgeInstances(ids: readonly string[]): Promise<void> {
    ids.forEach((id) => this.purge(id));
  }

  async discardWork(work: { messages: readonly number[]; activities: readonly number[] }): Promise<void> {
    work.messages.forEach((id) => this.messages.delete(id));
    work.activities.forEach((id) => this.activities.delete(id));
  }

  private create({ row, start, replaces }: NewInstance): void {
    if (replaces) this.purge(row.instanceId);
    this.instances.set(row.instanceId, { ...row });
    this.messages.set(start.id, start);
  }

  private purge(id: string): void {
    this.instances.delete(id);
    this.history.delete(id);
    for (const [k, m] of this.messages) if (m.instanceId === id) this.messages.delete(k);
    for (const [k, a] of this.activities) if (a.instanceId === id) this.activities.delete(k);
  }
}

const worker: DurableWorker = {
  orchestratorNames: () => ['Child', 'Parent'],
  resolveOrchestrator: (name) => ['Child', 'Parent'].find((n) => n.toLowerCase() === name.toLowerCase()),
  resolveActivity: (name) => name,
  activityNames: () => [],
  callOrchestrator: () => Promise.reject(new Error('not called: the outbox only plans')),
  callActivity: () => Promise.reject(new Error('not called: the outbox only plans')),
};

const HOUR = 3_600_000;

const event = historyEvent;

describe('the outbox, against a fake store', () => {
  let store: FakeStore;
  let clock: VirtualClock;
  let ctx: EngineContext;
  /** Instances that started an episode; it never ends here, so later messages wait in the inbox. */
  let episodesRun: string[];
  let activitiesRun: ActivityRow[];
  let instanceEvents: InstanceRow[];

  beforeEach(() => {
    store = new FakeStore();
    clock = new VirtualClock(T0);
    episodesRun = [];
    activitiesRun = [];
    instanceEvents = [];
    const events = new EventEmitter<DurableEngineEvents>();
    events.on('instance', (row: InstanceRow) => instanceEvents.push(row));
    const track = <T>(work: Promise<T>): Promise<T> => work;
    ctx = {
      store,
      clock,
      worker,
      timers: DEFAULT_TIMERS,
      limits: resolveLimits(),
      log: () => undefined,
      live: new LiveInstances({
        clock,
        runEpisode: (inst) => {
          episodesRun.push(inst.row.instanceId);
          return new Promise(() => undefined);
        },
        track,
        log: () => undefined,
      }),
      ids: new RowIds(),
      events,
      track,
      runActivity: (a) => void activitiesRun.push(a),
    };
  });

  /** A running instance in memory and in the store. */
  function running(instanceId: string, extra: Partial<InstanceRow> = {}): LiveInstance {
    const inst = newLiveInstance(instanceRow(instanceId, extra), [], newTracker());
    ctx.live.add(inst);
    store.instances.set(instanceId, { ...inst.row });
    return inst;
  }

  it('turns an episode’s actions into rows for one commit, and delivers only after it', async () => {
    const parent = running('parent');
    const fireAt = T0 + HOUR;
    const plan = planEpisode(
      { instanceId: 'parent', now: T0, tracker: parent.tracker, timers: DEFAULT_TIMERS },
      [event(EventType.OrchestratorStarted), event(EventType.ExecutionStarted, { Name: 'Parent' })],
      {
        isDone: false,
        actions: [
          { actionType: ActionType.CallActivity, functionName: 'charge', input: '"order-1"' },
          { actionType: ActionType.CreateTimer, fireAt: isoTime(fireAt), isCanceled: false },
          { actionType: ActionType.CallSubOrchestrator, functionName: 'child', instanceId: 'kid', input: 7 },
        ],
      },
    );
    const outbox = new Outbox(ctx, parent, T0);
    for (const w of plan.work) outbox.plan(w);

    const { changes } = outbox;
    expect(changes.activities).toEqual([
      { id: 1, instanceId: 'parent', executionId: 'exec-parent', taskId: 0, name: 'charge', input: '"order-1"' },
    ]);
    expect(changes.messages).toHaveLength(1);
    const [timer] = changes.messages;
    expect(timer).toMatchObject({ id: 1, instanceId: 'parent', dueAt: fireAt });
    expect(JSON.parse(timer.body)).toEqual({
      kind: 'event',
      executionId: 'exec-parent',
      event: event(EventType.TimerFired, { Timestamp: isoTime(fireAt), TimerId: 1, FireAt: isoTime(fireAt) }),
    });
    // The child is created in the parent's commit, so the parent's SubOrchestrationInstanceCreated and the
    // child's start are durable together.
    expect(changes.started).toHaveLength(1);
    const [child] = changes.started;
    expect(child.replaces).toBe(false);
    expect(child.row).toMatchObject({
      instanceId: 'kid',
      name: 'Child',
      status: 'Pending',
      input: '7',
      parentInstanceId: 'parent',
      parentTaskId: 2,
    });
    expect(child.start).toMatchObject({ id: 2, instanceId: 'kid', dueAt: T0 });
    expect(JSON.parse(child.start.body).event).toMatchObject({
      EventType: EventType.ExecutionStarted,
      Name: 'Child',
      Input: '7',
      ParentInstance: { InstanceId: 'parent', TaskScheduledId: 2, Name: 'Parent' },
    });
    expect(outbox.deliveries.map((d) => d.kind)).toEqual(['activity', 'message', 'start']);

    // Nothing runs before the commit.
    expect(activitiesRun).toEqual([]);
    expect(ctx.live.get('kid')).toBeUndefined();
    expect(parent.wakes.size).toBe(0);

    await store.commitEpisode(changes);
    expect([...store.activities.keys()]).toEqual([1]);
    expect([...store.messages.keys()].sort()).toEqual([1, 2]);
    expect(store.instances.get('kid')?.status).toBe('Pending');

    outbox.deliver();
    expect(activitiesRun.map((a) => a.id)).toEqual([1]);
    expect(parent.timerMessages.get(1)).toBe(1);
    expect(parent.wakes.has(1)).toBe(true);
    const kid = ctx.live.get('kid');
    expect(kid?.row).toBe(child.row);
    expect(instanceEvents.map((r) => r.instanceId)).toEqual(['kid']);
    expect(kid?.inbox.map((m) => m.id)).toEqual([2]);
    expect(episodesRun).toEqual(['kid']);
  });

  it('answers a sub-orchestration call it cannot start with a failure to the caller', async () => {
    const parent = running('parent');
    running('busy', { name: 'Child' });
    const outbox = new Outbox(ctx, parent, T0);
    outbox.plan({ kind: 'startChild', taskId: 0, name: 'missing', instanceId: 'x', input: null });
    outbox.plan({ kind: 'startChild', taskId: 1, name: 'Child', instanceId: 'busy', input: null });

    expect(outbox.changes.started).toEqual([]);
    const answers = outbox.changes.messages.map((m) => JSON.parse(m.body).event as HistoryEvent);
    expect(outbox.changes.messages.map((m) => m.instanceId)).toEqual(['parent', 'parent']);
    expect(answers.map((e) => [e.EventType, e.TaskScheduledId, e.FailureDetails?.ErrorType])).toEqual([
      [EventType.SubOrchestrationInstanceFailed, 0, 'OrchestratorNotFoundError'],
      [EventType.SubOrchestrationInstanceFailed, 1, 'InstanceAlreadyExistsError'],
    ]);

    await store.commitEpisode(outbox.changes);
    outbox.deliver();
    expect(parent.inbox.map((m) => m.id)).toEqual([1, 2]);
  });

  it('replaces a finished instance that has the child’s ID, with all it held', async () => {
    const parent = running('parent');
    store.instances.set('kid', instanceRow('kid', { status: 'Completed' }));
    store.history.set('kid', [['{"old":true}']]);
    store.messages.set(99, { id: 99, instanceId: 'kid', dueAt: T0, body: '{}' });
    const outbox = new Outbox(ctx, parent, T0);
    outbox.plan({ kind: 'startChild', taskId: 0, name: 'Child', instanceId: 'kid', input: null });

    expect(outbox.changes.started.map((s) => s.replaces)).toEqual([true]);
    await store.commitEpisode(outbox.changes);
    expect(store.history.has('kid')).toBe(false);
    expect([...store.messages.keys()]).toEqual([1]);
  });

  it('cancels a pending timer: its message row goes, its wake is cancelled', async () => {
    const inst = running('parent');
    const first = new Outbox(ctx, inst, T0);
    first.plan({ kind: 'timer', timerId: 3, fireAt: T0 + HOUR });
    await store.commitEpisode(first.changes);
    first.deliver();
    expect(inst.wakes.size).toBe(1);

    const second = new Outbox(ctx, inst, T0);
    second.plan({ kind: 'cancelTimer', timerId: 3 });
    expect(second.changes.removedMessages).toEqual([1]);
    expect(inst.wakes.size).toBe(0);
    expect(inst.timerMessages.size).toBe(0);
    await store.commitEpisode(second.changes);
    expect(store.messages.size).toBe(0);

    await clock.advance(2 * HOUR, async () => undefined);
    expect(inst.inbox).toEqual([]);
  });

  it('frees the rows of what the episode consumed: messages by id, activity results by activity row', () => {
    const inst = running('parent');
    const outbox = new Outbox(ctx, inst, T0);
    const body = { kind: 'event' as const, event: event(EventType.EventRaised, { Name: 'go' }) };
    outbox.consume({ id: 5, dueAt: T0, body });
    outbox.consume({ id: 6, dueAt: 0, body, activityRowId: 40 });
    expect(outbox.changes.removedMessages).toEqual([5]);
    expect(outbox.changes.removedActivities).toEqual([40]);
  });

  it('tells a live parent that its sub-orchestration finished, and nobody when the parent is gone', async () => {
    const parent = running('parent');
    const child = running('kid', { name: 'Child', parentInstanceId: 'parent', parentTaskId: 4 });
    const orphan = running('orphan', { name: 'Child', parentInstanceId: 'gone', parentTaskId: 1 });
    const outbox = new Outbox(ctx, child, T0);
    outbox.notifyParent(child.row, { status: 'Completed', output: '"ok"' });
    outbox.notifyParent(child.row, {
      status: 'Failed',
      output: '"boom"',
      failure: { ErrorType: 'Error', ErrorMessage: 'boom', StackTrace: 'at x' },
    });
    outbox.notifyParent(child.row, { status: 'Terminated', output: '"stop"' });
    outbox.notifyParent(orphan.row, { status: 'Completed', output: 'null' });

    expect(outbox.changes.messages.map((m) => m.instanceId)).toEqual(['parent', 'parent', 'parent']);
    const [completed, failed, terminated] = outbox.changes.messages.map((m) => JSON.parse(m.body));
    expect(completed).toEqual({
      kind: 'event',
      executionId: 'exec-parent',
      event: event(EventType.SubOrchestrationInstanceCompleted, { TaskScheduledId: 4, Result: '"ok"' }),
    });
    expect(failed.event).toEqual(
      event(EventType.SubOrchestrationInstanceFailed, {
        TaskScheduledId: 4,
        Reason: "Sub-orchestration 'Child' (instance kid) failed: boom",
        Details: 'at x',
        FailureDetails: { ErrorType: 'Error', ErrorMessage: 'boom', StackTrace: 'at x' },
      }),
    );
    expect(terminated.event).toMatchObject({
      Reason: "Sub-orchestration 'Child' (instance kid) was terminated: stop",
      FailureDetails: { ErrorType: 'OrchestrationTerminated', ErrorMessage: 'stop' },
    });

    await store.commitEpisode(outbox.changes);
    outbox.deliver();
    expect(parent.inbox.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('continues as new: a new execution, its start and the events nobody waited for, old work dropped', async () => {
    const inst = running('loop');
    inst.tracker.waitsByName = { tick: 1 };
    const raised = (name: string, at: number): HistoryEvent =>
      event(EventType.EventRaised, { Name: name, Input: `${at}`, Timestamp: isoTime(T0 + at), IsPlayed: true });
    inst.history = [event(EventType.OrchestratorStarted), raised('tick', 1)];
    const stale = {
      id: 50,
      dueAt: T0,
      body: { kind: 'event' as const, executionId: 'exec-loop', event: raised('x', 0) },
    };
    const external = { id: 51, dueAt: T0, body: { kind: 'event' as const, event: raised('tick', 9) } };
    inst.inbox = [stale, external];

    const outbox = new Outbox(ctx, inst, T0 + 10);
    outbox.continueAsNew([raised('tick', 2), raised('other', 3)], '{"n":2}');

    expect(inst.row.executionId).not.toBe('exec-loop');
    expect(inst.row).toMatchObject({ input: '{"n":2}', status: 'Running', output: null });
    expect(inst.history).toEqual([]);
    expect(inst.tracker).toEqual(newTracker());
    expect(inst.inbox).toEqual([external]);
    expect(outbox.changes.resetHistory).toBe(true);
    expect(outbox.changes.appendHistory).toBeUndefined();
    const sent = outbox.changes.messages.map((m) => JSON.parse(m.body));
    expect(sent.every((b) => b.executionId === inst.row.executionId)).toBe(true);
    expect(sent.map((b) => [b.event.EventType, b.event.Name, b.event.Input, b.event.IsPlayed])).toEqual([
      [EventType.ExecutionStarted, 'Parent', '{"n":2}', false],
      [EventType.EventRaised, 'tick', '2', false],
      [EventType.EventRaised, 'other', '3', false],
    ]);

    await store.commitEpisode(outbox.changes);
    expect(store.history.has('loop')).toBe(false);
    expect(store.instances.get('loop')?.executionId).toBe(inst.row.executionId);
  });
});
