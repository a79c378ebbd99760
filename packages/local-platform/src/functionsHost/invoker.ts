import { randomUUID } from 'node:crypto';
import type { AppInvoker, InvocationInput, InvocationResult } from './appInvoker';
import type { RpcTypedData } from './coreApi';
import type { FunctionRegistry, RegisteredFunction } from './registry';

export type { InvocationInput, InvocationResult } from './appInvoker';

export class ResultConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultConversionError';
  }
}

export type HostLog = (level: string, category: string, functionName: string, message: string) => void;

/** Hears every execution: what `func start` prints as `Executing …` / `Executed …`. */
export interface InvocationObserver {
  started(fn: RegisteredFunction, invocationId: string, reason: string): void;
  finished(fn: RegisteredFunction, invocationId: string, outcome: { durationMs: number; error?: unknown }): void;
}

const DEFAULT_REASONS: Record<string, string | undefined> = {
  httpTrigger: 'This function was programmatically called via the host APIs.',
  orchestrationTrigger: 'An orchestration episode',
  activityTrigger: 'Scheduled by an orchestration',
};

/** Why a function runs when its caller gave no reason: by its trigger type. */
export function defaultReason(fn: RegisteredFunction): string {
  return DEFAULT_REASONS[fn.trigger.type] ?? fn.trigger.type;
}

/**
 * Calls a registered function the way the Node.js worker does: the app's own programming model turns RPC
 * data into arguments and the result back, and pre/post-invocation hooks run around the handler.
 */
export class FunctionInvoker implements AppInvoker {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly log: HostLog,
    private readonly appHookData: Record<string, unknown> = {},
    private readonly observer?: InvocationObserver,
  ) {}

  async invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationResult> {
    const invocationId = input.invocationId ?? randomUUID();
    if (!this.observer) return this.run(fn, input, invocationId);
    this.observer.started(fn, invocationId, input.reason ?? defaultReason(fn));
    const began = performance.now();
    try {
      const result = await this.run(fn, input, invocationId);
      this.observer.finished(fn, invocationId, { durationMs: performance.now() - began });
      return result;
    } catch (error) {
      this.observer.finished(fn, invocationId, { durationMs: performance.now() - began, error });
      throw error;
    }
  }

  private async run(fn: RegisteredFunction, input: InvocationInput, invocationId: string): Promise<InvocationResult> {
    const model = this.registry.programmingModel;
    if (!model) throw new Error('No programming model registered; the app must use @azure/functions v4.');
    const inputData = [
      { name: fn.triggerBindingName, data: input.trigger },
      ...Object.entries(input.inputs ?? {}).map(([name, data]) => ({ name, data })),
    ];
    const coreCtx = {
      invocationId,
      request: { inputData, triggerMetadata: input.triggerMetadata ?? {} },
      metadata: fn.metadata,
      state: 'preInvocationHooks',
      log: (level: string, category: string, message: string) => this.log(level, category, fn.name, message),
    };
    const invocationModel = model.getInvocationModel(coreCtx);
    const { context, inputs } = await invocationModel.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: fn.handler,
    };
    await this.runHooks('preInvocation', pre);
    coreCtx.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
      result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (e) {
      error = e;
    }
    coreCtx.state = 'postInvocationHooks';
    const post = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result,
      error,
    };
    await this.runHooks('postInvocation', post);
    if (post.error !== undefined) throw post.error;
    let response: Awaited<ReturnType<typeof invocationModel.getResponse>>;
    try {
      response = await invocationModel.getResponse(context, post.result);
    } catch (e) {
      // The worker serialises results as JSON; BigInt or a cycle cannot cross, which is the function's fault.
      const kind = fn.trigger.type === 'activityTrigger' ? 'Activity' : 'Function';
      throw new ResultConversionError(
        `${kind} '${fn.name}' returned a value JSON cannot hold (${(e as Error).message}). Return plain data: no BigInt, functions or circular references.`,
      );
    }
    const outputs: Record<string, RpcTypedData | null> = {};
    for (const o of response.outputData ?? []) outputs[o.name] = o.data;
    return { result: post.result, returnValue: response.returnValue, outputs };
  }

  async runHooks(name: string, context: Record<string, unknown>): Promise<void> {
    for (const hook of this.registry.hooks.get(name) ?? []) await hook(context);
  }
}
