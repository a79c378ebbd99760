export interface Bounds {
  /** Items in flight at once. */
  concurrency: number;
  /** Items started per second at most. */
  perSecond: number;
}

export const DEFAULT_BOUNDS: Bounds = { concurrency: 8, perSecond: 20 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` over the items with at most `concurrency` in flight and starts spaced to `perSecond`; one item's
 * failure is its own result (fn must not throw: it returns the failure), never a stop for the others.
 */
export async function runBounded<T, R>(
  items: T[],
  bounds: Bounds,
  fn: (item: T) => Promise<R>,
  onDone?: (done: number, total: number) => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const spacing = 1000 / bounds.perSecond;
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const wait = t0 + i * spacing - Date.now();
      if (wait > 0) await sleep(wait);
      results[i] = await fn(items[i]);
      onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(bounds.concurrency, items.length)) }, worker));
  return results;
}
