import type { HostHealthCheck, Overload } from './hostHealth';

/** host.json `extensions.http` throttles; a limit of undefined or -1 is unbounded, as in the Functions host. */
export interface HttpThrottleSettings {
  /** HTTP functions executing at once; the others queue (counted as outstanding). */
  maxConcurrentRequests?: number;
  /** Requests queued or executing; one more is refused with 429 Too Busy. */
  maxOutstandingRequests?: number;
  /** Refuse requests that can add work (every method but GET, HEAD, OPTIONS) while a health check reports overload. */
  dynamicThrottlesEnabled?: boolean;
}

/** Methods that by HTTP's own rules only read: they add no durable work, so an overloaded engine still serves them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const bounded = (limit: number | undefined): number => (limit === undefined || limit < 0 ? Infinity : limit);

/**
 * The Functions host's HTTP throttles, in front of HTTP functions only (the mounted local services are other
 * services, never throttled by this host): at most `maxConcurrentRequests` run, the rest wait in order, and beyond
 * `maxOutstandingRequests` (or while a health check reports overload) a request is refused at once, so callers
 * back off instead of piling up latency, and accepted work is never starved into its deadlines.
 */
export class HttpThrottle {
  private readonly maxConcurrent: number;
  private readonly maxOutstanding: number;
  private outstanding = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    settings: HttpThrottleSettings,
    private readonly health: readonly HostHealthCheck[],
  ) {
    this.maxConcurrent = bounded(settings.maxConcurrentRequests);
    this.maxOutstanding = bounded(settings.maxOutstandingRequests);
    if (!settings.dynamicThrottlesEnabled) this.health = [];
  }

  /** Why a request would be refused now, or undefined. Call `run` right after, in the same tick. */
  refusal(method: string): Overload | undefined {
    if (this.outstanding >= this.maxOutstanding) {
      return {
        reason: `${this.outstanding} requests are queued or running, the host.json extensions.http.maxOutstandingRequests limit`,
        retryAfterSeconds: 1,
      };
    }
    if (SAFE_METHODS.has(method)) return undefined;
    for (const check of this.health) {
      const overload = check.overload();
      if (overload) return overload;
    }
    return undefined;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.outstanding++;
    try {
      if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.queue.push(resolve));
      else this.running++;
      try {
        return await work();
      } finally {
        // The slot passes straight to the next in line, so `running` never dips below the limit in between.
        const next = this.queue.shift();
        if (next) next();
        else this.running--;
      }
    } finally {
      this.outstanding--;
    }
  }
}
