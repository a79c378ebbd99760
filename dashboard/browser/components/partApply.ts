import type { ReplayTarget } from '../api.js';
import type { ItemResult, PlanItem, ReplayPlan, ReplayResults } from '../apiTypes.js';
import type { PageContext } from '../context.js';

/**
 * Orders applied per call: 10, so the count moves about every half second at the API's 20 starts a second; more
 * for large plans, so a plan takes at most about 40 calls (each part re-reads the dry run from the audit), and
 * never more than the API's 100 per part.
 */
const partSize = (orders: number): number => Math.min(100, Math.max(10, Math.ceil(orders / 40)));

/**
 * Applies the plan part by part (each part re-checked against the dry run by the API), counting as it goes:
 * "37 of 120 applied, 2 failed". A refusal (a stale part) or the operator's stop ends the apply between parts,
 * thrown as a PartialApply with what was done before; ineligible sagas are reported skipped, as a whole apply
 * would.
 */
export async function applyInParts(
  ctx: PageContext,
  target: ReplayTarget,
  plan: ReplayPlan,
  reason: string,
  progress: (done: ItemResult[]) => void,
  stopRequested: () => boolean,
): Promise<ReplayResults> {
  const started = performance.now();
  const eligible = plan.summary.eligible;
  const done: ItemResult[] = [];
  const skipped: ItemResult[] = [];
  const size = partSize(eligible);
  let sent = 0;
  // The plan's items a page at a time (the dry run answered the first): parts are cut from each page.
  let page: { items: PlanItem[]; continuationToken?: string } = {
    items: plan.items,
    continuationToken: plan.itemsContinuationToken,
  };
  for (;;) {
    const ids = [...new Set(page.items.filter((i) => i.eligible).map((i) => i.orderId))];
    for (const i of page.items.filter((x) => !x.eligible))
      skipped.push({
        orderId: i.orderId,
        engine: i.engine,
        run: i.run,
        action: i.action,
        result: 'skipped',
        detail: i.reason,
      });
    for (let at = 0; at < ids.length; at += size) {
      if (stopRequested())
        throw new PartialApply(
          done,
          new Error(
            `Stopped as you asked: ${eligible - sent} order(s) of the plan were not applied (a new dry run replays them).`,
          ),
        );
      try {
        const part = await ctx.api.applyPart(target, plan.mode, reason, plan.planHash, ids.slice(at, at + size));
        done.push(...part.results);
        sent += Math.min(size, ids.length - at);
      } catch (e) {
        throw new PartialApply(done, e as Error);
      }
      progress(done);
    }
    if (!page.continuationToken) break;
    try {
      page = await ctx.api.planItems(plan.planHash, page.continuationToken);
    } catch (e) {
      throw new PartialApply(done, e as Error);
    }
  }
  const results = [...done, ...skipped];
  const count = (r: ItemResult['result']) => results.filter((x) => x.result === r).length;
  const durationMs = Math.round(performance.now() - started);
  return {
    mode: plan.mode,
    planHash: plan.planHash,
    results,
    summary: {
      applied: count('applied'),
      skipped: count('skipped'),
      failed: count('failed'),
      durationMs,
      perSecond: durationMs ? Math.round((count('applied') * 10_000) / durationMs) / 10 : count('applied'),
    },
  };
}

/** An apply stopped by a refusal after some parts went through: what was done, and why it stopped. */
export class PartialApply extends Error {
  constructor(
    readonly done: ItemResult[],
    readonly refusal: Error,
  ) {
    super(
      done.length
        ? `${refusal.message} (${done.filter((r) => r.result === 'applied').length} saga(s) were applied before this part; see below.)`
        : refusal.message,
    );
    this.name = 'PartialApply';
  }
}

export const progressText = (done: ItemResult[], total: number): string =>
  `${done.filter((r) => r.result === 'applied').length} of ${total} applied, ${done.filter((r) => r.result === 'failed').length} failed`;
