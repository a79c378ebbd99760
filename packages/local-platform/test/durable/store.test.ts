import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventType, HistoryEvent } from '../../src/durable/historyEvents';
import type { EpisodeChanges, InstanceRow, MessageRow, NewInstance } from '../../src/durable/instanceStore';
import { DurableStore } from '../../src/durable/store';
import { historyEvent, instanceRow, T0 } from '../fixtures/durableRows';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-store-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const event = (type: EventType, extra: Partial<HistoryEvent> = {}): HistoryEvent =>
  historyEvent(type, { IsPlayed: true, ...extra });
const texts = (...events: HistoryEvent[]): string[] => events.map((e) => JSON.stringify(e));
const message = (id: number, instanceId: string, dueAt = T0): MessageRow => ({ id, instanceId, dueAt, body: `{}` });
const newInstance = (instanceId: string, startId: number, replaces = false): NewInstance => ({
  row: instanceRow(instanceId, { status: 'Pending' }),
  start: message(startId, instanceId),
  replaces,
});
const episode = (instance: InstanceRow, changes: Partial<EpisodeChanges> = {}): EpisodeChanges => ({
  instance,
  removedMessages: [],
  removedActivities: [],
  resetHistory: false,
  messages: [],
  activities: [],
  started: [],
  ...changes,
});

describe.each([
  { kind: 'in memory', location: () => ':memory:' },
  { kind: 'on a file', location: () => path.join(dir, `${Math.random().toString(36).slice(2)}.sqlite`) },
])('the durable store $kind', ({ kind, location }) => {
  let file: string;
  let store: DurableStore;
  beforeEach(() => {
    file = location();
    store = new DurableStore({ location: file });
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
  });

  it('creates an instance with its start message, replacing a finished one with all it held', async () => {
    await store.createInstance(newInstance('a', 1));
    await store.commitEpisode(
      episode(instanceRow('a', { status: 'Completed' }), {
        appendHistory: { fromSeq: 0, events: texts(event(EventType.OrchestratorStarted)) },
        activities: [{ id: 7, instanceId: 'a', executionId: 'exec-a', taskId: 0, name: 'x', input: null }],
      }),
    );
    expect(store.getInstance('a')?.status).toBe('Completed');

    await store.createInstance(newInstance('a', 2, true));
    expect(store.getInstance('a')).toEqual(instanceRow('a', { status: 'Pending' }));
    expect(store.getHistory('a')).toEqual([]);
    const inFlight = store.loadInFlight();
    expect(inFlight.messages.map((m) => m.id)).toEqual([2]);
    expect(inFlight.activities).toEqual([]);
  });

  it('commits an episode: history as one row per episode, consumed work gone, new work and children added', async () => {
    await store.createInstance(newInstance('p', 1));
    const first = texts(event(EventType.OrchestratorStarted), event(EventType.ExecutionStarted, { Name: 'Saga' }));
    await store.commitEpisode(
      episode(instanceRow('p'), {
        removedMessages: [1],
        appendHistory: { fromSeq: 0, events: first },
        activities: [{ id: 1, instanceId: 'p', executionId: 'exec-p', taskId: 0, name: 'charge', input: '"x"' }],
        messages: [message(2, 'p', T0 + 1000)],
        started: [newInstance('child', 3)],
      }),
    );
    const second = texts(event(EventType.OrchestratorStarted), event(EventType.TaskCompleted, { TaskScheduledId: 0 }));
    await store.commitEpisode(
      episode(instanceRow('p', { customStatus: '"half"' }), {
        removedActivities: [1],
        removedMessages: [2],
        appendHistory: { fromSeq: 2, events: second },
      }),
    );

    expect(store.getHistory('p')).toEqual([...first, ...second].map((t) => JSON.parse(t)));
    expect(store.getInstance('p')?.customStatus).toBe('"half"');
    expect(store.getInstance('child')?.status).toBe('Pending');
    const inFlight = store.loadInFlight();
    expect(inFlight.messages.map((m) => [m.id, m.instanceId])).toEqual([[3, 'child']]);
    expect(inFlight.activities).toEqual([]);
  });

  it('starts the history again on continue-as-new and rewind', async () => {
    await store.createInstance(newInstance('c', 1));
    const old = texts(event(EventType.OrchestratorStarted));
    await store.commitEpisode(episode(instanceRow('c'), { appendHistory: { fromSeq: 0, events: old } }));
    await store.commitEpisode(episode(instanceRow('c'), { resetHistory: true }));
    expect(store.getHistory('c')).toEqual([]);
    const kept = texts(event(EventType.GenericEvent, { Name: 'Rewound' }));
    await store.commitEpisode(
      episode(instanceRow('c'), { resetHistory: true, appendHistory: { fromSeq: 0, events: kept } }),
    );
    expect(store.getHistory('c')).toEqual([JSON.parse(kept[0])]);
  });

  it('commits everything handed over in one turn in one transaction, and all of it or none', async () => {
    await store.createInstance(newInstance('g', 1));
    const before = store.commits;
    await Promise.all([store.sendMessage(message(2, 'g')), store.sendMessage(message(3, 'g'))]);
    expect(store.commits).toBe(before + 1);

    const row = (seq: number): EpisodeChanges =>
      episode(instanceRow('g'), {
        appendHistory: { fromSeq: seq, events: texts(event(EventType.OrchestratorStarted)) },
      });
    await store.commitEpisode(row(0));
    // A second row at the same position fails the transaction: the message handed over with it is not written.
    const results = await Promise.allSettled([store.sendMessage(message(4, 'g')), store.commitEpisode(row(0))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(store.loadInFlight().messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('discards work and purges instances with their history and work', async () => {
    await store.createInstance(newInstance('x', 1));
    await store.createInstance(newInstance('y', 2));
    await store.commitEpisode(
      episode(instanceRow('x'), {
        appendHistory: { fromSeq: 0, events: texts(event(EventType.OrchestratorStarted)) },
        activities: [
          { id: 1, instanceId: 'x', executionId: 'exec-x', taskId: 0, name: 'a', input: null },
          { id: 2, instanceId: 'x', executionId: 'exec-x', taskId: 1, name: 'b', input: null },
        ],
        messages: [message(3, 'x')],
      }),
    );
    await store.discardWork({ messages: [3], activities: [1] });
    expect(store.loadInFlight().activities.map((a) => a.id)).toEqual([2]);

    await store.purgeInstances(['x']);
    expect(store.getInstance('x')).toBeUndefined();
    expect(store.getHistory('x')).toEqual([]);
    const inFlight = store.loadInFlight();
    expect(inFlight.messages.map((m) => m.instanceId)).toEqual(['y']);
    expect(inFlight.activities).toEqual([]);
  });

  it('loads what is in flight: unfinished instances with their history, pending work in order, the last ids', async () => {
    await store.createInstance(newInstance('run', 5));
    await store.createInstance(newInstance('done', 9));
    const history = texts(event(EventType.OrchestratorStarted));
    await store.commitEpisode(episode(instanceRow('run'), { appendHistory: { fromSeq: 0, events: history } }));
    await store.commitEpisode(
      episode(instanceRow('done', { status: 'Completed' }), {
        activities: [{ id: 4, instanceId: 'done', executionId: 'exec-done', taskId: 0, name: 'a', input: null }],
      }),
    );

    const inFlight = store.loadInFlight();
    expect(inFlight.instances).toEqual([{ row: instanceRow('run'), history: [JSON.parse(history[0])] }]);
    expect(inFlight.messages.map((m) => m.id)).toEqual([5, 9]);
    expect(inFlight.activities.map((a) => a.id)).toEqual([4]);
    expect(inFlight.lastIds).toEqual({ message: 9, activity: 4 });
  });

  it('queries instances by creation time, status and ID prefix, a page at a time', async () => {
    for (const [i, id] of ['order-1', 'order-2', 'refund-1', 'order-3'].entries()) {
      const row = instanceRow(id, { createdTime: T0 + i, status: id === 'order-2' ? 'Completed' : 'Running' });
      await store.createInstance({ row, start: message(i + 1, id), replaces: false });
    }
    const ids = (rows: InstanceRow[]): string[] => rows.map((r) => r.instanceId);
    expect(ids(store.queryInstances({ instanceIdPrefix: 'order-' }))).toEqual(['order-1', 'order-2', 'order-3']);
    expect(ids(store.queryInstances({ statuses: ['Completed'] }))).toEqual(['order-2']);
    expect(ids(store.queryInstances({ createdTimeFrom: T0 + 1, createdTimeTo: T0 + 2 }))).toEqual([
      'order-2',
      'refund-1',
    ]);
    const page = store.queryInstances({ limit: 2 });
    expect(ids(page)).toEqual(['order-1', 'order-2']);
    const last = page[page.length - 1];
    expect(ids(store.queryInstances({ limit: 2, after: last }))).toEqual(['refund-1', 'order-3']);
  });

  it('writes what is still queued when closed', async () => {
    const queued = store.createInstance(newInstance('late', 1));
    await store.close();
    await queued;
    expect(store.commits).toBe(1);
    if (kind === 'on a file') {
      store = new DurableStore({ location: file });
      expect(store.getInstance('late')?.status).toBe('Pending');
    }
  });
});
