// The operator tool on a deployed Function App: the Azure Durable Functions extension's HTTP API answers a history
// condensed (DurableClient.GetDurableOrchestrationStatusAsync: no EventId, a finished task's TaskScheduled folded
// into its completion as FunctionName and ScheduledTime, no episode events, no task or event inputs). Real saga
// histories from the embedded platform are condensed the same way here, and the tool must read the same timeline and
// the same calls (less the inputs Azure does not keep) from them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '@cross-cloud-sagas/local-platform/testing';
import { expandCondensedHistory, isCondensedHistory } from '../../ops/backends/durable/condensedHistory';
import { durableCalls } from '../../ops/backends/durable/durableCalls';
import { attemptTimeoutMs, durableTimeline } from '../../ops/backends/durable/durableTimeline';
import { orderSaga } from '../../saga/definition/orderSaga';
import { inventory, settleSaga, startOrderApp } from '../fixtures/orderApp';
import { intakeOrder, postOrder } from '../fixtures/orderHttp';

type Event = Record<string, unknown>;

/** What the extension's HTTP API does to a history (showHistory and showHistoryOutput), step for step. */
function condenseAsAzure(history: Event[]): Event[] {
  const events = history.map((e) => ({ ...e }));
  const scheduled = new Map<number, { index: number; name: unknown; at: unknown }>();
  const removed = new Set<number>();
  events.forEach((e, i) => {
    switch (e.EventType) {
      case 'TaskScheduled':
        scheduled.set(Number(e.EventId), { index: i, name: e.Name, at: e.Timestamp });
        delete e.Input;
        delete e.Version;
        break;
      case 'TaskCompleted':
      case 'TaskFailed': {
        const s = scheduled.get(Number(e.TaskScheduledId));
        if (s) {
          e.ScheduledTime = s.at;
          e.FunctionName = s.name;
          removed.add(s.index);
        }
        delete e.TaskScheduledId;
        break;
      }
      case 'ExecutionStarted':
        e.FunctionName = e.Name;
        delete e.Name;
        delete e.Input;
        break;
      case 'TimerFired':
        delete e.TimerId;
        break;
      case 'EventRaised':
        delete e.Input;
        break;
      case 'OrchestratorStarted':
      case 'OrchestratorCompleted':
        removed.add(i);
        break;
    }
    delete e.EventId;
    delete e.IsPlayed;
  });
  return events.filter((_, i) => !removed.has(i));
}

const deadline = (activity: string) => attemptTimeoutMs(orderSaga, activity);

/**
 * The same history with each event a millisecond after the one before it (timers' FireAt moved along), as Azure
 * stamps every event when it is written, where the virtual clock gives a whole episode one time.
 */
function withDistinctTimes(history: Event[]): Event[] {
  const shifted = (v: unknown, ms: number) => new Date(Date.parse(String(v)) + ms).toISOString();
  const fireAt = new Map<number, string>();
  return history.map((e, i) => {
    const out: Event = { ...e, Timestamp: shifted(e.Timestamp, i) };
    if (e.EventType === 'TimerCreated') {
      out.FireAt = shifted(e.FireAt, i);
      fireAt.set(Number(e.EventId), out.FireAt as string);
    }
    if (e.EventType === 'TimerFired') out.FireAt = fireAt.get(Number(e.TimerId)) ?? e.FireAt;
    return out;
  });
}

let t: TestPlatform;
beforeAll(async () => {
  t = await startOrderApp({ LOCAL_DURABLE_SYSTEM_KEY: '' });
  await inventory(t).set({ 'SKU-AZH-A': 50, 'SKU-AZH-B': 50 });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

async function history(orderId: string): Promise<Event[]> {
  const res = await fetch(
    `${t.baseUrl}/runtime/webhooks/durabletask/instances/${orderId}?showHistory=true&showHistoryOutput=true`,
  );
  return ((await res.json()) as { historyEvents: Event[] }).historyEvents;
}

describe('a Durable history as Azure condenses it', () => {
  it.each([
    ['a completed order', 'azh-ok', 'pm_card_visa'],
    ['charge retries', 'azh-flaky', 'pm_card_flaky_2'],
    ['a charge answer lost, then retried', 'azh-slow', 'pm_card_slow_1'],
    ['a declined card, compensated', 'azh-declined', 'pm_card_declined'],
    ['no confirmation before the wait runs out, compensated', 'azh-noconfirm', 'pm_card_no_confirm'],
  ])(
    '%s: the same timeline and calls as from the full history',
    async (_, orderId, card) => {
      expect(
        (await postOrder(t, intakeOrder(orderId, ['SKU-AZH-A', 'SKU-AZH-B'], { paymentMethod: card }))).status,
      ).toBe(202);
      await settleSaga(t, orderId);
      const full = await history(orderId);
      const condensed = condenseAsAzure(full);
      expect(isCondensedHistory(full)).toBe(false);
      expect(isCondensedHistory(condensed)).toBe(true);
      expect(condensed.some((e) => e.EventType === 'TaskScheduled')).toBe(false);

      const expected = durableTimeline(full, orderSaga);
      expect(expected.length).toBeGreaterThan(3);
      expect(durableTimeline(expandCondensedHistory(condensed, deadline), orderSaga)).toEqual(expected);

      const calls = durableCalls(expandCondensedHistory(condensed, deadline));
      expect(calls).toEqual(durableCalls(full).map(({ input: _input, ...call }) => call));

      const stamped = withDistinctTimes(full);
      expect(durableTimeline(expandCondensedHistory(condenseAsAzure(stamped), deadline), orderSaga)).toEqual(
        durableTimeline(stamped, orderSaga),
      );
    },
    60_000,
  );

  it('leaves a full history as it is', async () => {
    const full = await history('azh-ok');
    expect(expandCondensedHistory(full, deadline)).toBe(full);
  });
});
