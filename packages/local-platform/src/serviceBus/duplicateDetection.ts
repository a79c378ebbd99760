/**
 * Duplicate detection as a queue or topic does it: a message id seen within the history window is accepted by
 * the sender's call but dropped. The window runs from the first send; a duplicate does not extend it.
 */
export class DuplicateDetector {
  /** messageId → end of its window. Insertion order is time order (fixed window, monotonic clock). */
  private readonly seen = new Map<string, number>();
  /** How many sends were dropped as duplicates, for tests and the entity listing. */
  dropped = 0;

  constructor(readonly windowMs: number) {}

  /** Records the id and returns false, or returns true (and counts it) when it is a duplicate. */
  check(messageId: string, now: number): boolean {
    this.prune(now);
    const until = this.seen.get(messageId);
    if (until !== undefined && until > now) {
      this.dropped++;
      return true;
    }
    this.seen.delete(messageId);
    this.seen.set(messageId, now + this.windowMs);
    return false;
  }

  private prune(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
  }
}
