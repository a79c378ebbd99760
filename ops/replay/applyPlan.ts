import type { SagaBackend } from '../backends/sagaBackend';
import { StalePlanError } from '../errors';
import { Bounds, runBounded } from './boundedRunner';
import { itemKey, PlannedReplay } from './plan';
import type { ItemResult, PlanItem, ReplayResults } from './replayPlan';

/** The sagas whose state differs between the plan the operator saw and the one made now. */
export function changedSince(seen: PlanItem[], now: PlanItem[]): string[] {
  const before = new Map(seen.map((i) => [itemKey(i), i]));
  const after = new Map(now.map((i) => [itemKey(i), i]));
  const changed: string[] = [];
  for (const [key, i] of after) {
    const was = before.get(key);
    if (!was) changed.push(`${key} (not in the plan)`);
    else if (was.fingerprint !== i.fingerprint || was.eligible !== i.eligible)
      changed.push(`${key} (${was.status} ${was.run} → ${i.status} ${i.run})`);
  }
  for (const key of before.keys()) if (!after.has(key)) changed.push(`${key} (no longer selected)`);
  return changed;
}

/**
 * Applies a plan that was just made again and found identical to the one the operator approved (same hash):
 * a saga that changed meanwhile makes the whole plan stale (409 naming it) rather than being replayed blind.
 */
export async function applyPlan(
  backends: SagaBackend[],
  planned: PlannedReplay,
  approvedHash: string,
  approvedItems: PlanItem[] | undefined,
  reason: string,
  bounds: Bounds,
  /** Called once per saga as its result is known (the progress of a long apply). */
  onResult?: (result: ItemResult) => void,
): Promise<ReplayResults> {
  const { plan, inputs } = planned;
  if (plan.planHash !== approvedHash) {
    const changed = approvedItems ? changedSince(approvedItems, plan.items) : [];
    throw new StalePlanError(
      approvedItems
        ? `The plan ${approvedHash} is stale: ${changed.length} saga(s) changed since it was made: ${changed.slice(0, 20).join('; ')}${changed.length > 20 ? '; …' : ''}. Make a new dry run and apply its hash.`
        : `No dry run with plan hash ${approvedHash} was recorded, or the selection now plans differently (${plan.planHash}). Make a dry run first and apply its hash.`,
      { planHash: plan.planHash, changed },
    );
  }
  const started = Date.now();
  const backendOf = (engine: string): SagaBackend => backends.find((b) => b.engine === engine)!;
  const results = await runBounded(plan.items, bounds, async (i): Promise<ItemResult> => {
    const result = await applyItem(i);
    onResult?.(result);
    return result;
  });
  async function applyItem(i: PlanItem): Promise<ItemResult> {
    const base = { orderId: i.orderId, engine: i.engine, run: i.run, action: i.action };
    if (!i.eligible) return { ...base, result: 'skipped', detail: i.reason };
    try {
      if (i.action === 'restart') {
        await backendOf(i.engine).start(i.newRun!, inputs.get(itemKey(i)));
        return { ...base, result: 'applied', detail: `started ${i.newRun}`, newRun: i.newRun };
      }
      await backendOf(i.engine).resume(i.run, reason);
      if (i.action === 'resumeRun')
        return { ...base, result: 'applied', detail: `started ${i.newRun}`, newRun: i.newRun };
      return { ...base, result: 'applied', detail: i.action === 'rewind' ? 'rewound' : 'redriven' };
    } catch (e) {
      return { ...base, result: 'failed', detail: (e as Error).message };
    }
  }
  const count = (r: ItemResult['result']) => results.filter((x) => x.result === r).length;
  const durationMs = Date.now() - started;
  const applied = count('applied');
  return {
    mode: plan.mode,
    planHash: plan.planHash,
    results,
    summary: {
      applied,
      skipped: count('skipped'),
      failed: count('failed'),
      durationMs,
      perSecond: durationMs ? Math.round((applied * 1000 * 10) / durationMs) / 10 : applied,
    },
  };
}
