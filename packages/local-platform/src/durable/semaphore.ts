interface Waiter {
  resolve: (granted: boolean) => void;
  /** When it started waiting, on the clock the caller passed: the age of the backlog. */
  since: number;
}

/**
 * Bounds how many orchestrator episodes or activity invocations run at once (host.json maxConcurrent*). What waits
 * for a slot is the engine's backlog: its size and the age of its oldest entry tell the HTTP intake when to refuse
 * new work (see `DurableEngine.overload`).
 */
export class Semaphore {
  private active = 0;
  private waiters: Waiter[] = [];
  private head = 0;
  private closed = false;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`A concurrency limit must be at least 1, got ${limit}.`);
  }

  /** How many wait for a slot. */
  get waiting(): number {
    return this.waiters.length - this.head;
  }

  /** When the longest waiter started waiting, or undefined when nobody waits. */
  oldestSince(): number | undefined {
    return this.waiting ? this.waiters[this.head].since : undefined;
  }

  /**
   * Resolves true with a slot, or false once the semaphore is closed (the caller then leaves its work for the next
   * start: it is durable, and running it now would race the shutdown).
   */
  acquire(now = 0): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => this.waiters.push({ resolve, since: now }));
  }

  release(): void {
    if (this.waiting) {
      const next = this.waiters[this.head++];
      // A queue of thousands would make shift() quadratic; compact once the consumed head is half the array.
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      next.resolve(true);
    } else {
      this.active--;
    }
  }

  /** Refuses every waiter and every later acquire; slots already held finish normally. */
  close(): void {
    this.closed = true;
    const refused = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    for (const w of refused) w.resolve(false);
  }
}
