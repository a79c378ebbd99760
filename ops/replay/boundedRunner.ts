export interface Bounds {
  /** Items in flight at once. */
  concurrency: number;
  /** Items started per second at most. */
  perSecond: number;
}

export const DEFAULT_BOUNDS: Bounds = { concurrency: 8, perSecond: 20 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for the next start slot: starts spaced to `perSecond`, however many runBounded calls share it. */
export type Pacer = () => Promise<void>;

export function pacer(perSecond: number): Pacer {
  const spacing = 1000 / perSecond;
  let next = Date.now();
  return async () => {
    const slot = Math.max(next, Date.now());
    next = slot + spacing;
    const wait = slot - Date.now();
    if (wait > 0) await sleep(wait);
  };
}

/**
 * Runs `fn` over the items with at most `concurrency` in flight and starts spaced to `perSecond` (or to a pacer
 * shared with other calls, so a plan applied chunk by chunk keeps one rate); one item's failure is its own result
 * (fn must not throw: it returns the failure), never a stop for the others.
 */
export async function runBounded<T, R>(
  items: T[],
  bounds: Bounds,
  fn: (item: T) => Promise<R>,
  onDone?: (done: number, total: number) => void,
  pace: Pacer = pacer(bounds.perSecond),
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await pace();
      results[i] = await fn(items[i]);
      onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(bounds.concurrency, items.length)) }, worker));
  return results;
}
