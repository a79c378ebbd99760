import type { ItemResult, ReplayMode, ReplayResults } from './replayPlan';

/** Results kept for the answer, per kind (failed or skipped; applied): the rest are in the audit only. */
export const RESULTS_IN_ANSWER = 100;

/**
 * The results of an apply as they come: counted, and a bounded sample kept for the answer (the failed and
 * skipped ones first: they are what the operator acts on), so the answer's size does not grow with the plan.
 */
export class ResultTally {
  private readonly counts = { applied: 0, skipped: 0, failed: 0 };
  private readonly notApplied: ItemResult[] = [];
  private readonly applied: ItemResult[] = [];
  private readonly started = Date.now();

  constructor(private readonly limit = RESULTS_IN_ANSWER) {}

  add(r: ItemResult): void {
    this.counts[r.result]++;
    const kept = r.result === 'applied' ? this.applied : this.notApplied;
    if (kept.length < this.limit) kept.push(r);
  }

  counted(): { applied: number; skipped: number; failed: number } {
    return { ...this.counts };
  }

  results(mode: ReplayMode, planHash: string, auditId?: string): ReplayResults {
    const durationMs = Date.now() - this.started;
    const { applied, skipped, failed } = this.counts;
    const results = [...this.notApplied, ...this.applied];
    const omitted = applied + skipped + failed - results.length;
    return {
      mode,
      planHash,
      results,
      summary: {
        applied,
        skipped,
        failed,
        durationMs,
        perSecond: durationMs ? Math.round((applied * 1000 * 10) / durationMs) / 10 : applied,
      },
      ...(omitted ? { omitted } : {}),
      ...(auditId ? { auditId } : {}),
    };
  }
}
