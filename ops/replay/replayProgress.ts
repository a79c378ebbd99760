import type { ItemResult } from './replayPlan';

/** How far the apply of one plan is: what the CLI's progress bar draws. */
export interface ReplayProgress {
  planHash: string;
  total: number;
  done: number;
  applied: number;
  skipped: number;
  failed: number;
  startedAt: string;
  finishedAt?: string;
}

/** Finished applies kept for the last polls, at most. */
const KEPT = 100;

/**
 * The applies in progress in this process, by plan hash. Progress lives where the apply runs: on an app scaled
 * out to several instances a poll may reach another one, which answers 404, and the CLI then shows the elapsed time
 * only; the apply itself and its answer are not affected.
 */
export class ReplayProgressBoard {
  private readonly applies = new Map<string, ReplayProgress>();

  start(planHash: string, total: number, at: Date): void {
    this.applies.delete(planHash);
    this.applies.set(planHash, {
      planHash,
      total,
      done: 0,
      applied: 0,
      skipped: 0,
      failed: 0,
      startedAt: at.toISOString(),
    });
    while (this.applies.size > KEPT) this.applies.delete(this.applies.keys().next().value!);
  }

  item(planHash: string, result: ItemResult): void {
    const p = this.applies.get(planHash);
    if (!p) return;
    p.done++;
    p[result.result]++;
  }

  finish(planHash: string, at: Date): void {
    const p = this.applies.get(planHash);
    if (p) p.finishedAt = at.toISOString();
  }

  /** A refused apply (a stale plan) never started: nothing to show. */
  forget(planHash: string): void {
    this.applies.delete(planHash);
  }

  get(planHash: string): ReplayProgress | undefined {
    const p = this.applies.get(planHash);
    return p && { ...p };
  }
}
