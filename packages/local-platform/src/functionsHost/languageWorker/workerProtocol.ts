import type { FunctionMetadata } from '../coreApi';
import type { InvocationInput, InvocationResult } from '../invoker';

/** The messages between the host and the language worker thread: plain data, copied by structured clone. */

export interface WorkerStartData {
  appRoot: string;
  /** The host's environment when the worker starts (the app reads its settings from it). */
  env: Record<string, string | undefined>;
}

export type HostToWorker =
  | { type: 'env'; values: Record<string, string | undefined> }
  | { type: 'invoke'; id: number; functionName: string; input: InvocationInput }
  | { type: 'hooks'; id: number; name: string; context: Record<string, unknown> };

/** An error as it crosses the thread boundary: enough to rebuild one the host's code and logs can read. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own enumerable data (e.g. `code`), where it survives structured clone. */
  fields?: Record<string, unknown>;
}

export type WorkerToHost =
  | { type: 'loaded'; functions: FunctionMetadata[] }
  | { type: 'loadFailed'; error: WireError }
  | { type: 'log'; level: string; category: string; functionName: string; message: string }
  | { type: 'invoked'; id: number; result?: InvocationResult; error?: WireError }
  | { type: 'hooksDone'; id: number; error?: WireError };
