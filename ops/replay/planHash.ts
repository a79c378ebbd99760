import { createHash } from 'node:crypto';
import type { PlanItem, ReplayMode } from './replayPlan';

/** The run's state as far as a plan depends on it: changing any of these makes the plan stale. */
export const fingerprint = (run: { run: string; engineStatus: string; updatedAt: string; status: string }): string =>
  `${run.run}|${run.engineStatus}|${run.status}|${run.updatedAt}`;

/** A hash over what applying would do: the mode and each item's target, action, eligibility and state. */
export function planHash(mode: ReplayMode, items: PlanItem[]): string {
  const canonical = items
    .map((i) => [i.engine, i.orderId, i.run, i.action, i.eligible, i.newRun ?? '', i.fingerprint].join('\u0000'))
    .sort()
    .join('\n');
  return createHash('sha256').update(`${mode}\n${canonical}`).digest('hex').slice(0, 32);
}
