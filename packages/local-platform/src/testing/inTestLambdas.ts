import type { LambdaInvoker, LambdaInvokeResult } from '../lambda/invoke';

/** A function defined by the test, standing in for a Lambda function. */
export type TestFunction = (payload: unknown) => unknown;

/** Thrown by a test function to fail like a Lambda function error (`errorType` is what ErrorEquals matches). */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/**
 * A LambdaInvoker over functions registered by the test, for driving the local Step Functions or EventBridge
 * without a SAM template; records every call.
 */
export class InTestLambdas implements LambdaInvoker {
  readonly calls: { name: string; payload: unknown }[] = [];
  private readonly functions = new Map<string, TestFunction>();
  private running = 0;

  define(name: string, fn: TestFunction): void {
    this.functions.set(name, fn);
  }

  callsOf(name: string): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.payload);
  }

  async invoke(functionName: string, payload: unknown): Promise<LambdaInvokeResult> {
    const name = functionName.replace(/^arn:aws:lambda:[^:]+:[^:]+:function:/, '').split(':')[0];
    this.calls.push({ name, payload });
    const fn = this.functions.get(name);
    if (!fn)
      return { ok: false, errorType: 'Lambda.ResourceNotFoundException', errorMessage: `Function not found: ${name}` };
    this.running++;
    try {
      return { ok: true, payload: await fn(payload), executedVersion: '$LATEST' };
    } catch (e) {
      const errorType = e instanceof FunctionError ? e.errorType : 'Error';
      return {
        ok: false,
        errorType,
        errorMessage: (e as Error).message,
        trace: [`${errorType}: ${(e as Error).message}`],
      };
    } finally {
      this.running--;
    }
  }

  inFlight(): number {
    return this.running;
  }
}
