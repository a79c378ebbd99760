/**
 * aws-local-stepfunctions 3.x calls Promise.withResolvers, which Node 20 lacks (Node 22 has it). Installing it
 * here, before that library is loaded, keeps the project on Node >= 20.
 */
export function installPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
