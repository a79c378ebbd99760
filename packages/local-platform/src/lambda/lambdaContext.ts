import type { Clock } from '../clock';

/** The `context` object the Node.js runtime passes to handlers (the fields its docs list). */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as on Lambda (the runtime reads it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE). */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  clientContext?: unknown;
  identity?: unknown;
  getRemainingTimeInMillis(): number;
  /** Legacy completion methods, still supported by the runtime. */
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
}

export interface ContextInput {
  functionName: string;
  invokedFunctionArn: string;
  memorySize: number;
  awsRequestId: string;
  logStreamName: string;
  deadlineMs: number;
  clock: Clock;
  /** Completes the invocation: an error (anything not null/undefined) or a result. */
  complete(error: unknown, result: unknown): void;
}

export function buildContext(input: ContextInput): LambdaContext {
  return {
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.invokedFunctionArn,
    memoryLimitInMB: String(input.memorySize),
    awsRequestId: input.awsRequestId,
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: input.logStreamName,
    // Accepted and kept for handlers that set it; the local runtime answers as soon as the handler completes
    // (it cannot tell when the shared event loop would be empty), i.e. always as if it were false.
    callbackWaitsForEmptyEventLoop: true,
    clientContext: undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, input.deadlineMs - input.clock.now()),
    done: (error, result) => input.complete(error, result),
    succeed: (result) => input.complete(null, result),
    // `fail()` with nothing reports the string "handled", as the runtime does.
    fail: (error) => input.complete(error ?? 'handled', null),
  };
}

/** A log stream name in Lambda's format: `YYYY/MM/DD/[$LATEST]<32 hex>`, one per (simulated) execution environment. */
export function logStreamName(nowMs: number, id: string): string {
  const d = new Date(nowMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/[$LATEST]${id.replace(/-/g, '')}`;
}
