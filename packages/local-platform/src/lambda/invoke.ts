/**
 * The contract between the local Step Functions endpoint (the caller) and the local Lambda runtime (the callee).
 * It mirrors what the Lambda service reports to Step Functions: a function either returns a JSON payload or
 * fails with an `errorType` (the error name Step Functions matches in `ErrorEquals`) and an `errorMessage`.
 */
export type LambdaInvokeResult =
  | { ok: true; payload: unknown; executedVersion: string }
  | {
      ok: false;
      /** e.g. `PaymentGatewayUnavailable`, `Sandbox.Timedout`, `Lambda.ResourceNotFoundException`. */
      errorType: string;
      errorMessage: string;
      trace?: string[];
    };

export interface LambdaInvoker {
  /**
   * Runs the function named by `functionName` (a full ARN, a partial ARN `123456789012:function:name`, or a plain
   * name; a `:qualifier` suffix is accepted and ignored) with `payload`. Never rejects for a function's own
   * failure: that is `{ ok: false }`. An unknown function is `{ ok: false, errorType:
   * 'Lambda.ResourceNotFoundException' }`.
   */
  invoke(functionName: string, payload: unknown): Promise<LambdaInvokeResult>;
  /** Invocations still running (the platform waits for zero before calling itself idle). */
  inFlight(): number;
}
