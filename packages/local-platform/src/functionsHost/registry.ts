import type {
  BindingMetadata,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RegistrationSink,
} from './coreApi';

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  handler: FunctionCallback;
  triggerBindingName: string;
  trigger: BindingMetadata;
}

export class DuplicateFunctionError extends Error {
  constructor(name: string) {
    super(
      `Two functions are registered with the name "${name}". Function names must be unique (case-insensitive) within an app.`,
    );
    this.name = 'DuplicateFunctionError';
  }
}

/** Every function and hook the app registered, with the binding metadata the host routes by. */
export class FunctionRegistry implements RegistrationSink {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<string, Set<HookCallback>>();
  programmingModel?: ProgrammingModel;
  logSink: (level: string, category: string, message: string) => void = () => undefined;

  registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): void {
    const key = metadata.name.toLowerCase();
    if (this.functions.has(key)) throw new DuplicateFunctionError(metadata.name);
    const entry = Object.entries(metadata.bindings).find(
      ([, b]) => b.direction === 'in' && b.type.toLowerCase().endsWith('trigger'),
    );
    if (!entry) {
      throw new Error(
        `Function "${metadata.name}" has no trigger binding. Every function needs exactly one trigger (app.http, app.timer, df.app.orchestration, ...).`,
      );
    }
    this.functions.set(key, {
      name: metadata.name,
      metadata,
      handler,
      triggerBindingName: entry[0],
      trigger: entry[1],
    });
  }

  setProgrammingModel(model: ProgrammingModel): void {
    this.programmingModel ??= model;
  }

  registerHook(name: string, callback: HookCallback): { dispose(): void } {
    const set = this.hooks.get(name) ?? new Set();
    set.add(callback);
    this.hooks.set(name, set);
    return { dispose: () => set.delete(callback) };
  }

  log(level: string, category: string, message: string): void {
    this.logSink(level, category, message);
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  byTrigger(type: string): RegisteredFunction[] {
    const t = type.toLowerCase();
    return [...this.functions.values()].filter((f) => f.trigger.type.toLowerCase() === t);
  }
}
