/**
 * Waits until `busy()` has read zero for three event-loop turns in a row: work that finishes in real time (HTTP
 * calls, SQLite) is done, and only waits on the virtual clock or on outside input remain.
 */
export async function settleWhenQuiet(busy: () => number): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setImmediate(r));
    if (busy() === 0) quiet++;
    else {
      quiet = 0;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

/** Lets pending I/O and callbacks run without waiting for idle (for calls that never return). */
export async function tick(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 5));
}
