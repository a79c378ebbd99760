import type { SagaBackend } from '../backends/sagaBackend';
import { Engine, SAGA_STATES, SagaState } from '../model/sagaRun';
import type { Overview } from '../wire/overview';

export type { Overview };

const NEEDS_ACTION = new Set<SagaState>(['Stuck', 'NeedsAttention']);
const MINUTE = 60_000;

const zeros = (): Record<SagaState, number> =>
  Object.fromEntries(SAGA_STATES.map((s) => [s, 0])) as Record<SagaState, number>;

/**
 * One pass over every run on every engine, a page at a time, so memory stays flat in the number of runs (the
 * counts API walks the same pages; one pass here serves the whole overview instead of one walk per figure).
 */
export async function overview(backends: SagaBackend[], now: Date, minutes = 15, pageSize = 1000): Promise<Overview> {
  const nowMinute = Math.floor(now.getTime() / MINUTE) * MINUTE;
  const firstMinute = nowMinute - (minutes - 1) * MINUTE;
  const perMinute = Array.from({ length: minutes }, (_, i) => ({
    minute: new Date(firstMinute + i * MINUTE).toISOString(),
    byEngine: {} as Partial<Record<Engine, number>>,
  }));
  const result: Overview = {
    generatedAt: now.toISOString(),
    total: 0,
    orphans: 0,
    byEngine: {},
    startedPerMinute: perMinute,
  };
  for (const backend of backends) {
    const counts = (result.byEngine[backend.engine] = zeros());
    let token: string | undefined;
    do {
      const page = await backend.listPage({}, pageSize, token);
      for (const run of page.runs) {
        result.total++;
        counts[run.status]++;
        if (!run.orderId) result.orphans++;
        const slot = Math.floor((Date.parse(run.createdAt) - firstMinute) / MINUTE);
        if (slot >= 0 && slot < minutes)
          perMinute[slot].byEngine[backend.engine] = (perMinute[slot].byEngine[backend.engine] ?? 0) + 1;
        if (
          NEEDS_ACTION.has(run.status) &&
          (!result.oldestNeedingAction || run.createdAt < result.oldestNeedingAction.createdAt)
        )
          result.oldestNeedingAction = run;
      }
      token = page.next;
    } while (token);
  }
  return result;
}
