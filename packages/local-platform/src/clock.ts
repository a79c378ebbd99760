/**
 * Time source for the platform. The durable engine asks the clock for "now" (history timestamps, timer due
 * times) and to wake it at a time, so tests can swap in a virtual clock and skip days in microseconds.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once `now() >= dueMs`. */
  schedule(dueMs: number, callback: () => void): ScheduledWake;
}

export interface ScheduledWake {
  cancel(): void;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(dueMs: number, callback: () => void): ScheduledWake {
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const delay = dueMs - Date.now();
      if (delay <= 0) {
        handle = setTimeout(callback, 0);
      } else {
        handle = setTimeout(delay > MAX_TIMEOUT_MS ? arm : check, Math.min(delay, MAX_TIMEOUT_MS));
      }
    };
    // setTimeout may wake a millisecond early; re-arm instead of firing before the due time.
    const check = (): void => (Date.now() >= dueMs ? callback() : arm());
    arm();
    return { cancel: () => clearTimeout(handle) };
  }
}

interface VirtualWake {
  dueMs: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance` fires due wakes in time order and lets the caller wait for
 * the platform to go quiet between them, so work triggered by one timer (which may create more timers inside
 * the window) is done before time moves on.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private wakes: VirtualWake[] = [];

  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(dueMs: number, callback: () => void): ScheduledWake {
    const wake: VirtualWake = { dueMs, seq: this.seq++, callback, cancelled: false };
    if (dueMs <= this.current) {
      setImmediate(() => !wake.cancelled && callback());
    } else {
      this.wakes.push(wake);
    }
    return { cancel: () => void (wake.cancelled = true) };
  }

  /** Earliest pending wake, if any. */
  nextDue(): number | undefined {
    this.wakes = this.wakes.filter((w) => !w.cancelled);
    let min: number | undefined;
    for (const w of this.wakes) if (min === undefined || w.dueMs < min) min = w.dueMs;
    return min;
  }

  /**
   * Moves time forward by `ms`, firing every wake due on the way in order; `settle` is awaited after each
   * step so the consequences of a wake are scheduled before later wakes are considered.
   */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advanceTime needs a duration >= 0, got ${ms}`);
    const target = this.current + ms;
    await settle();
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > target) break;
      this.current = Math.max(this.current, due);
      const ready = this.wakes
        .filter((w) => w.dueMs <= this.current)
        .sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
      this.wakes = this.wakes.filter((w) => w.dueMs > this.current);
      for (const w of ready) if (!w.cancelled) w.callback();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses durations such as `250ms`, `30s`, `5m`, `2h`, `3d`, `1d12h` (or a plain number of ms). */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text.length === 0) {
    throw new RangeError(
      `Cannot read duration "${value}": use a number of ms or units ms/s/m/h/d, e.g. "3d" or "1h30m".`,
    );
  }
  return total;
}
