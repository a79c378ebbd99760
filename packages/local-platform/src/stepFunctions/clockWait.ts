import type { Clock } from '../clock';

/** Thrown into work of an execution that was stopped, timed out, closed or whose host is shutting down. */
export class ExecutionHalted extends Error {
  constructor() {
    super('The execution is no longer running.');
    this.name = 'ExecutionHalted';
  }
}

/** Resolves once the platform clock reaches `dueMs`; rejects with ExecutionHalted when `signal` aborts first. */
export function sleepUntil(clock: Clock, dueMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ExecutionHalted());
    const onAbort = (): void => {
      wake.cancel();
      reject(new ExecutionHalted());
    };
    const wake = clock.schedule(dueMs, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The first of `contenders` to settle, or ExecutionHalted when `signal` aborts first. The abort listener is
 * removed afterwards: the signal lives as long as the execution, which may race thousands of task attempts.
 */
export async function raceUnlessHalted<T>(signal: AbortSignal, contenders: Promise<T>[]): Promise<T> {
  if (signal.aborted) throw new ExecutionHalted();
  let onAbort!: () => void;
  const halted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ExecutionHalted());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([...contenders, halted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
