import { installPromiseWithResolvers } from '../polyfills';
import { loadWithAwsIntrinsicEscapes } from './intrinsicEscapes';

type Library = typeof import('aws-local-stepfunctions');
export type LibraryStateMachine = import('aws-local-stepfunctions').StateMachine;
export type LibraryDefinition = import('aws-local-stepfunctions').StateMachineDefinition;

let loaded: Library | undefined;

/** The library calls Promise.withResolvers (Node >= 22); the polyfill must be in place before it loads. */
export function stepFunctionsLibrary(): Library {
  if (!loaded) {
    installPromiseWithResolvers();
    // With AWS's escaping of intrinsic function results (see intrinsicEscapes.ts).
    loaded = loadWithAwsIntrinsicEscapes<Library>('aws-local-stepfunctions');
  }
  return loaded;
}

/**
 * A task failure as the library's Retry/Catch read it: it matches `ErrorEquals` on `name` and builds the Catch
 * output `{Error: name, Cause: message}`. `error`/`cause` keep AWS's optional fields exactly (an absent error or
 * cause is not the empty string in history).
 */
export class StatesError extends Error {
  readonly error: string | undefined;
  override readonly cause: string | undefined;
  constructor(
    error: string | undefined,
    cause: string | undefined,
    readonly catchable = true,
  ) {
    super(cause ?? '');
    this.name = error ?? '';
    this.error = error;
    this.cause = cause;
  }
  // Read by the library's StateExecutor; terminal errors (States.Runtime, States.DataLimitExceeded) skip Catch.
  get isRetryable(): boolean {
    return this.catchable;
  }
  get isCatchable(): boolean {
    return this.catchable;
  }
}

let timeoutPrototype: object | null | undefined;

/**
 * The library's `States.TaskFailed` wildcard excludes `States.Timeout` only for instances of its own (unexported)
 * StatesTimeoutError class. To keep AWS's rule for timeouts measured on the platform clock, capture that class's
 * prototype once by letting the library time out a task after 1 ms of real time.
 */
export async function learnTimeoutPrototype(): Promise<void> {
  if (timeoutPrototype !== undefined) return;
  const { StateMachine } = stepFunctionsLibrary();
  const machine = new StateMachine(
    {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:probe', TimeoutSeconds: 0.001, End: true },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  let release: () => void = () => undefined;
  const pending = new Promise<null>((resolve) => (release = () => resolve(null)));
  try {
    await machine.run({}, { overrides: { taskResourceLocalHandlers: { T: () => pending } } }).result;
    timeoutPrototype = null;
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    timeoutPrototype = cause instanceof Error && cause.name === 'States.Timeout' ? Object.getPrototypeOf(cause) : null;
  } finally {
    release();
  }
}

/** A `States.Timeout` task failure the library treats like its own (not matched by `States.TaskFailed`). */
export function statesTimeout(cause: string | undefined): StatesError {
  const err = new StatesError('States.Timeout', cause);
  if (timeoutPrototype) {
    // Keep StatesError's accessors reachable: copy them onto a wrapper whose prototype is the library's class.
    const wrapped = Object.create(timeoutPrototype, {
      name: { value: err.name, writable: true, configurable: true },
      message: { value: err.message, writable: true, configurable: true },
      error: { value: err.error },
      cause: { value: err.cause },
      catchable: { value: true },
      isRetryable: { get: () => true },
      isCatchable: { get: () => true },
      stack: { value: err.stack },
    }) as StatesError;
    return wrapped;
  }
  return err;
}

/** StatesError fields from anything a task or the library threw. */
export function statesErrorFields(e: unknown): { error: string | undefined; cause: string | undefined } {
  if (e instanceof StatesError || (e instanceof Error && 'catchable' in e && 'error' in e)) {
    const s = e as StatesError;
    return { error: s.error, cause: s.cause };
  }
  if (e instanceof Error && 'isCatchable' in e) return { error: e.name, cause: e.message };
  return { error: 'States.Runtime', cause: e instanceof Error ? e.message : String(e) };
}
