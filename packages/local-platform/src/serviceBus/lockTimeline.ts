import type { Clock, ScheduledWake } from '../clock';

interface Expiry {
  token: string;
  until: number;
}

/**
 * When each message lock of an entity runs out, on one clock wake instead of a timer per lock. Locks are taken
 * and renewed for the entity's one LockDuration from the clock's now, so they run out in the order they were
 * (re)set: a queue, checked from the front. A settled or renewed lock leaves its entry behind; `expired` is told
 * only of entries still current (the caller checks), and stale ones are dropped when they outnumber the live.
 */
export class LockTimeline {
  private entries: Expiry[] = [];
  private head = 0;
  private wake?: ScheduledWake;
  private wakeAt = Infinity;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    /** Called for each entry whose time came; returns false when the entry is stale (settled or renewed). */
    private readonly expired: (token: string, until: number) => boolean,
    /** Whether an entry is still the current expiry of a held lock, for compaction. */
    private readonly current: (token: string, until: number) => boolean,
  ) {}

  add(token: string, until: number): void {
    const list = this.entries;
    if (this.head < list.length && list[list.length - 1].until > until) {
      // Out of order (a clock that went back): keep the queue sorted.
      let at = list.length;
      while (at > this.head && list[at - 1].until > until) at--;
      list.splice(at, 0, { token, until });
    } else list.push({ token, until });
    // Every 4,096 entries, keep only those that can still expire: settled locks do not pile up for LockDuration.
    if ((list.length - this.head) % 4096 === 0) this.compact();
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.wake?.cancel();
    this.wake = undefined;
  }

  private arm(): void {
    const next = this.entries[this.head];
    if (this.closed || !next || next.until >= this.wakeAt) return;
    this.wake?.cancel();
    this.wakeAt = next.until;
    this.wake = this.clock.schedule(next.until, () => this.fire());
  }

  private fire(): void {
    this.wake = undefined;
    this.wakeAt = Infinity;
    const now = this.clock.now();
    while (!this.closed && this.head < this.entries.length && this.entries[this.head].until <= now) {
      const e = this.entries[this.head++];
      this.expired(e.token, e.until);
    }
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) this.compact();
    this.arm();
  }

  private compact(): void {
    this.entries = this.entries.slice(this.head).filter((e) => this.current(e.token, e.until));
    this.head = 0;
  }
}
