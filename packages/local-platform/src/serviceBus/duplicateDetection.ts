/**
 * Duplicate detection as a queue or topic does it: a message id seen within the history window is accepted by
 * the sender's call but dropped. The window runs from the first send; a duplicate does not extend it.
 */
export class DuplicateDetector {
  /** messageId → end of its window. Insertion order is time order (fixed window, monotonic clock). */
  private readonly seen = new Map<string, number>();
  /** How many sends were dropped as duplicates, for tests and the entity listing. */
  dropped = 0;

  /** @param opened told of every window opened, so the namespace can keep the history across restarts */
  constructor(
    readonly windowMs: number,
    private readonly opened: (messageId: string, until: number, now: number) => void = () => undefined,
  ) {}

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
    this.opened(messageId, now + this.windowMs, now);
    return false;
  }

  /** A window opened before a restart; restore them oldest first to keep the map in time order. */
  restore(messageId: string, until: number): void {
    this.seen.delete(messageId);
    this.seen.set(messageId, until);
  }

  private prune(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
  }
}
