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

/** Rejects with ExecutionHalted when `signal` aborts; never resolves. */
export function haltedPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new ExecutionHalted());
    else signal.addEventListener('abort', () => reject(new ExecutionHalted()), { once: true });
  });
}
