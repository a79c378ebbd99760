import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { EnvOverlay } from './envOverlay';
import { LambdaRuntimeFailure, toErrorDocument } from './errorShape';
import type { LocalFunctionConfig } from './functionConfig';
import { parseFunctionRef } from './functionRef';
import { HandlerLoader, LambdaHandler } from './handlerLoader';
import { IntrinsicResolver } from './intrinsics';
import type { LambdaInvokeResult, LambdaInvoker } from './invoke';
import { buildContext, logStreamName } from './lambdaContext';
import { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from './limits';
import { SamTemplate } from './samTemplate';

export interface LocalLambdaRuntimeOptions {
  clock: Clock;
  /** Region of the local account, in ARNs and `AWS::Region`; default `us-east-1`. */
  region?: string;
  /** Default `123456789012`. */
  accountId?: string;
  /** `AWS::StackName`; default `local`. */
  stackName?: string;
  parameterOverrides?: Readonly<Record<string, string>>;
  importValues?: Readonly<Record<string, string>>;
  resourceValues?: Readonly<Record<string, string>>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface InvokeOptions {
  /** Use this request id instead of a fresh one (a function URL reports the same id in its event). */
  requestId?: string;
}

export interface LocalStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  /** The ASL definition with DefinitionSubstitutions applied; read when called. */
  definition(): Record<string, unknown>;
}

type Outcome = { kind: 'result'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

const fail = (errorType: string, errorMessage: string, trace?: string[]): LambdaInvokeResult => ({
  ok: false,
  errorType,
  errorMessage,
  ...(trace ? { trace } : {}),
});

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs the `AWS::Serverless::Function`s of a SAM template in this process, as `sam local invoke` would run them
 * in containers: handler modules loaded by path from CodeUri, Lambda's context object, the function's Timeout on
 * the platform clock, and the error documents and payload rules of the Lambda service.
 */
export class LocalLambdaRuntime implements LambdaInvoker {
  readonly template: SamTemplate;
  readonly resolver: IntrinsicResolver;
  private readonly byName = new Map<string, LocalFunctionConfig>();
  private readonly loader: HandlerLoader;
  private readonly env = new EnvOverlay();
  private readonly logStreams = new Map<string, string>();
  private running = 0;

  constructor(
    templatePath: string,
    private readonly options: LocalLambdaRuntimeOptions,
  ) {
    this.template = SamTemplate.load(templatePath);
    this.resolver = new IntrinsicResolver(this.template, {
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '123456789012',
      stackName: options.stackName ?? 'local',
      parameterOverrides: options.parameterOverrides,
      importValues: options.importValues,
      resourceValues: options.resourceValues,
    });
    // Resolved up front so a missing parameter or a bad reference stops the platform at start, not mid-saga.
    for (const fn of this.template.functions()) {
      if (this.resolver.isCreated(fn.logicalId)) this.byName.set(fn.name, this.resolver.resolveFunction(fn));
    }
    this.loader = new HandlerLoader(this.template.path);
  }

  /** The functions this runtime can invoke. */
  functions(): LocalFunctionConfig[] {
    return [...this.byName.values()];
  }

  /** A function by name or ARN (a qualifier is ignored), if the template defines it. */
  getFunction(nameOrArn: string): LocalFunctionConfig | undefined {
    return this.byName.get(parseFunctionRef(nameOrArn).name);
  }

  /** The template's state machines, named and addressed as in this local account. */
  stateMachines(): LocalStateMachine[] {
    return this.template
      .stateMachines()
      .filter((sm) => this.resolver.isCreated(sm.logicalId))
      .map((sm) => {
        const name = sm.name ?? sm.logicalId;
        return {
          logicalId: sm.logicalId,
          name,
          arn: this.resolver.stateMachineArn(name),
          definition: () => this.resolver.resolveDefinition(sm),
        };
      });
  }

  inFlight(): number {
    return this.running;
  }

  async invoke(functionName: string, payload: unknown, options: InvokeOptions = {}): Promise<LambdaInvokeResult> {
    this.running++;
    try {
      return await this.run(functionName, payload, options);
    } catch (e) {
      // Only a bug of the runtime itself gets here; the contract is never to reject.
      this.log('error', `Local Lambda runtime failed invoking ${functionName}: ${(e as Error).stack ?? e}`);
      return fail('Lambda.ServiceException', `The local Lambda runtime failed: ${(e as Error).message ?? e}`);
    } finally {
      this.running--;
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  private async run(functionName: string, payload: unknown, options: InvokeOptions): Promise<LambdaInvokeResult> {
    const ref = parseFunctionRef(functionName);
    const fn = this.byName.get(ref.name);
    if (!fn) {
      return fail(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${this.resolver.functionArn(ref.name)}. The template ${this.template.path} defines: ${[...this.byName.keys()].join(', ') || 'no functions'}.`,
      );
    }
    let eventText: string | undefined;
    try {
      eventText = JSON.stringify(payload);
    } catch (e) {
      return fail(
        'Lambda.InvalidRequestContentException',
        `Could not serialize the payload into JSON: ${(e as Error).message}`,
      );
    }
    eventText ??= 'null';
    if (Buffer.byteLength(eventText) > MAX_REQUEST_BYTES) {
      return fail(
        'Lambda.RequestEntityTooLargeException',
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
      );
    }

    const requestId = options.requestId ?? randomUUID();
    const release = this.env.enter(fn.environment);
    try {
      let handler: LambdaHandler;
      try {
        handler = await this.loader.load(fn);
      } catch (e) {
        return this.failed(fn, requestId, e);
      }
      // The handler gets its own copy of the event, as it would after crossing the wire.
      const outcome = await this.call(
        fn,
        handler,
        JSON.parse(eventText),
        requestId,
        ref.arn ?? this.invokedArn(fn, ref.qualifier),
      );
      if (outcome.kind === 'timeout') {
        // The handler cannot be stopped in a shared process; it may still finish in the background, ignored.
        return this.failed(
          fn,
          requestId,
          new LambdaRuntimeFailure(
            'Sandbox.Timedout',
            `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          ),
        );
      }
      if (outcome.kind === 'error') return this.failed(fn, requestId, outcome.error);
      return this.succeeded(fn, requestId, outcome.value);
    } finally {
      release();
    }
  }

  private invokedArn(fn: LocalFunctionConfig, qualifier?: string): string {
    return qualifier ? `${fn.arn}:${qualifier}` : fn.arn;
  }

  private failed(fn: LocalFunctionConfig, requestId: string, error: unknown): LambdaInvokeResult {
    const doc = toErrorDocument(error);
    this.log('warn', `Lambda ${fn.name} (RequestId ${requestId}) failed: ${doc.errorType}: ${doc.errorMessage}`);
    return fail(doc.errorType, doc.errorMessage, doc.trace);
  }

  /** The result crosses the wire as JSON, like on Lambda: it must serialise and fit the response quota. */
  private succeeded(fn: LocalFunctionConfig, requestId: string, value: unknown): LambdaInvokeResult {
    let text: string | undefined;
    try {
      text = JSON.stringify(value === undefined ? null : value);
    } catch (e) {
      this.log(
        'warn',
        `Lambda ${fn.name} (RequestId ${requestId}) returned a value JSON cannot hold: ${(e as Error).message}`,
      );
      // The Node.js runtime reports exactly this (a plain Error) when JSON.stringify of the result throws.
      return fail('Error', 'Unable to stringify response body', []);
    }
    text ??= 'null'; // e.g. a function returned: JSON.stringify gives undefined, sent as an empty (null) body
    if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
      return this.failed(
        fn,
        requestId,
        new LambdaRuntimeFailure(
          'Function.ResponseSizeTooLarge',
          `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        ),
      );
    }
    return { ok: true, payload: JSON.parse(text), executedVersion: '$LATEST' };
  }

  private logStream(fn: LocalFunctionConfig): string {
    let stream = this.logStreams.get(fn.name);
    if (!stream) {
      stream = logStreamName(this.options.clock.now(), randomUUID());
      this.logStreams.set(fn.name, stream);
    }
    return stream;
  }

  /**
   * Calls the handler as the Node.js runtime does: always with (event, context, callback); a returned promise
   * settles the invocation, else the first call of the callback (or context.done/succeed/fail) does. A handler
   * that takes no callback and returns no promise completes with null, as on Lambda.
   */
  private call(
    fn: LocalFunctionConfig,
    handler: LambdaHandler,
    event: unknown,
    requestId: string,
    invokedArn: string,
  ): Promise<Outcome> {
    const clock = this.options.clock;
    const deadlineMs = clock.now() + fn.timeoutSeconds * 1000;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        wake.cancel();
        resolve(outcome);
      };
      const complete = (error: unknown, result: unknown): void =>
        finish(error !== undefined && error !== null ? { kind: 'error', error } : { kind: 'result', value: result });
      const wake = clock.schedule(deadlineMs, () => finish({ kind: 'timeout' }));
      const context = buildContext({
        functionName: fn.name,
        invokedFunctionArn: invokedArn,
        memorySize: fn.memorySize,
        awsRequestId: requestId,
        logStreamName: this.logStream(fn),
        deadlineMs,
        clock,
        complete,
      });
      let returned: unknown;
      try {
        returned = handler(event, context, complete);
      } catch (e) {
        complete(e, undefined);
        return;
      }
      if (isThenable(returned)) {
        returned.then(
          (value) => complete(null, value),
          (error: unknown) => complete(error ?? 'handled', null),
        );
      } else if (handler.length < 3) {
        complete(null, null);
      }
    });
  }
}
