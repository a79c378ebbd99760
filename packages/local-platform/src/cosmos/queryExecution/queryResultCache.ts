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

  constructor(
    private readonly maxEntries = 64,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a result for `query` (a key naming the container, text and parameters); returns the token for it. */
  keep(query: string, results: readonly unknown[]): string {
    this.evict();
    const token = randomUUID();
    this.entries.set(token, { query, results, expires: this.now() + this.ttlMs });
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
    this.entries.delete(token);
  }

  private evict(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.expires < now) this.entries.delete(token);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
