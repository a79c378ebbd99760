import { createHash, Hash } from 'node:crypto';
import type { PlanItem, ReplayMode } from './replayPlan';

/** The run's state as far as a plan depends on it: changing any of these makes the plan stale. */
export const fingerprint = (run: { run: string; engineStatus: string; updatedAt: string; status: string }): string =>
  `${run.run}|${run.engineStatus}|${run.status}|${run.updatedAt}`;

/**
 * The plan hash, fed one item at a time in the selection's order (the order the dry run stored them, which the
 * apply reads back): a plan of any size is hashed without holding it. It covers what applying would do: the
 * mode and each item's target, action, eligibility and state.
 */
export class PlanHasher {
  private readonly hash: Hash;
  constructor(mode: ReplayMode) {
    this.hash = createHash('sha256').update(`${mode}\n`);
  }

  add(i: PlanItem): void {
    this.hash.update(
      `${[i.engine, i.orderId, i.run, i.action, i.eligible, i.newRun ?? '', i.fingerprint].join('\u0000')}\n`,
    );
  }

  digest(): string {
    return this.hash.digest('hex').slice(0, 32);
  }
}

/** The hash of a whole plan held in memory (a part, a test): the same as streaming its items in this order. */
export function planHash(mode: ReplayMode, items: PlanItem[]): string {
  const hasher = new PlanHasher(mode);
  for (const i of items) hasher.add(i);
  return hasher.digest();
}
