/**
 * Counts the gateway's work in progress (API calls, webhook deliveries) so the platform's idle detection can
 * wait for it before moving virtual time, and owns the real-time sleeps that model network latency.
 */
export class ActivityTracker {
  private active = 0;
  private waiters: (() => void)[] = [];
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();

  inFlight(): number {
    return this.active;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.active++;
    return work.finally(() => {
      if (--this.active === 0) {
        // One turn later, as the durable engine does, so work started by a completion is counted first.
        setImmediate(() => {
          if (this.active !== 0) return;
          const waiters = this.waiters;
          this.waiters = [];
          waiters.forEach((w) => w());
        });
      }
    });
  }

  /** Resolves once nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.active === 0)
      return new Promise((r) => setImmediate(() => (this.active === 0 ? r() : this.waiters.push(r))));
    return new Promise((r) => this.waiters.push(r));
  }

  /** Waits `ms` of real time: latency is a property of the network, which a virtual clock does not slow down. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, resolve);
    });
  }

  /** Ends every sleep at once so a stopping platform is not held up by simulated slowness. */
  wakeSleepers(): void {
    for (const [timer, resolve] of this.sleeps) {
      clearTimeout(timer);
      resolve();
    }
    this.sleeps.clear();
  }
}
