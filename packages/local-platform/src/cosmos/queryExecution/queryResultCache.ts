import { randomUUID } from 'node:crypto';

interface CachedResult {
  readonly query: string;
  readonly results: readonly unknown[];
  expires: number;
}

/**
 * A query's whole result (computed once, on its first page) kept for the pages after it, so paging through a large
 * result reads the store once and every page belongs to the same snapshot. Bounded in entries and time; a page
 * whose entry is gone recomputes the result and continues at its offset.
 */
export class QueryResultCache {
  private readonly entries = new Map<string, CachedResult>();
  private items = 0;

  constructor(
    private readonly maxEntries = 64,
    /** Results held in all entries together, so abandoned large queries cannot pile up. */
    private readonly maxItems = 1_000_000,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a result for `query` (a key naming the container, text and parameters); returns the token for it. */
  keep(query: string, results: readonly unknown[]): string {
    this.evict(results.length);
    const token = randomUUID();
    this.entries.set(token, { query, results, expires: this.now() + this.ttlMs });
    this.items += results.length;
    return token;
  }

  /** The result kept under `token` for this same query, if still there. */
  get(token: string, query: string): readonly unknown[] | undefined {
    const entry = this.entries.get(token);
    if (!entry || entry.query !== query || entry.expires < this.now()) return undefined;
    entry.expires = this.now() + this.ttlMs;
    return entry.results;
  }

  /** The last page was read: the result is not needed any more. */
  release(token: string): void {
    const entry = this.entries.get(token);
    if (!entry) return;
    this.entries.delete(token);
    this.items -= entry.results.length;
  }

  /** Makes room for one more entry of `incoming` results: expired ones first, then the oldest. */
  private evict(incoming: number): void {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.expires < now) this.release(token);
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.items + incoming > this.maxItems))
      this.release(this.entries.keys().next().value!);
  }
}
