import type { RpcTypedData } from './coreApi';
import type { RegisteredFunction } from './registry';

export interface InvocationInput {
  trigger: RpcTypedData | null;
  /** Extra input bindings by binding name (e.g. the durableClient payload). */
  inputs?: Record<string, RpcTypedData>;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Why the function runs, as the host's `Executing` line says it (default: by trigger type). */
  reason?: string;
  /** The invocation's id, when the host chose it (a worker thread's caller does, for its log lines). */
  invocationId?: string;
}

export interface InvocationResult {
  /** What the handler returned, before conversion (activities and orchestrators use this). */
  result: unknown;
  returnValue?: RpcTypedData | null;
  outputs: Record<string, RpcTypedData | null>;
}

/**
 * What the host needs of the app's language worker: call a function, run the app's hooks. The worker runs
 * either in the host's own thread (`FunctionInvoker`) or in a thread of its own (`ThreadInvoker`), as the real
 * Functions host runs the Node.js worker in a process of its own.
 */
export interface AppInvoker {
  invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationResult>;
  runHooks(name: string, context: Record<string, unknown>): Promise<void>;
}
