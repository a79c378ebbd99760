import Module from 'node:module';

/**
 * The `@azure/functions-core` module that the real Node.js worker provides. `@azure/functions` requires it
 * lazily on its first registration and, if it is missing, silently drops every registration ("test mode"), so
 * it must answer before the app's first import.
 */

export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  int?: number | null;
  double?: number | null;
  http?: Record<string, unknown> | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    inputData?: { name: string; data: RpcTypedData | null }[];
    triggerMetadata?: Record<string, RpcTypedData>;
  };
  metadata: FunctionMetadata;
  state?: string;
  log(level: string, category: string, message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: { functionName?: string }; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(
    context: unknown,
    result: unknown,
  ): Promise<{ returnValue?: RpcTypedData | null; outputData?: { name: string; data: RpcTypedData | null }[] }>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
}

export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface Disposable {
  dispose(): void;
}

/** Receives what the app registers while it is being loaded. */
export interface RegistrationSink {
  registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): void;
  setProgrammingModel(model: ProgrammingModel): void;
  registerHook(name: string, callback: HookCallback): Disposable;
  log(level: string, category: string, message: string): void;
}

let sink: RegistrationSink | undefined;
let lastModel: ProgrammingModel | undefined;

/**
 * `@azure/functions` sets its programming model once per process, so a second app loaded into the same
 * process (tests host several) reuses the model the first one set.
 */
export function currentProgrammingModel(): ProgrammingModel | undefined {
  return lastModel;
}

const coreModule = {
  registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): Disposable {
    if (!sink)
      throw new Error(
        'A function was registered outside app loading; register functions at the top level of your entry files.',
      );
    sink.registerFunction(metadata, handler);
    return { dispose: () => undefined };
  },
  setProgrammingModel(model: ProgrammingModel): void {
    lastModel = model;
    sink?.setProgrammingModel(model);
  },
  registerHook(name: string, callback: HookCallback): Disposable {
    if (!sink) return { dispose: () => undefined };
    return sink.registerHook(name, callback);
  },
  log(level: string, category: string, message: string): void {
    sink?.log(level, category, message);
  },
};

let installed = false;

/** Makes `require('@azure/functions-core')` answer with this module, as the real worker does. */
export function installCoreModule(): void {
  if (installed) return;
  installed = true;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function patchedRequire(this: unknown, id: string) {
    if (id === '@azure/functions-core') return coreModule;
    return original.call(this, id);
  };
}

/** Routes registrations to `target` while `load` runs. */
export async function withRegistrationSink<T>(target: RegistrationSink, load: () => Promise<T>): Promise<T> {
  installCoreModule();
  const previous = sink;
  sink = target;
  try {
    return await load();
  } finally {
    // Later registrations (a hook registered from an appStart callback, say) still reach the last app loaded.
    if (previous) sink = previous;
  }
}
