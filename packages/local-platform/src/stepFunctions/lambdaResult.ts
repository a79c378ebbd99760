import { randomUUID } from 'node:crypto';

/**
 * The result of the optimized `arn:aws:states:::lambda:invoke` integration as AWS returns it: the function's
 * payload wrapped in the Lambda Invoke response (state machines commonly select `$.Payload` from it).
 */
export function lambdaInvokeResult(payload: unknown, executedVersion: string, nowMs: number): Record<string, unknown> {
  const requestId = randomUUID();
  const date = new Date(nowMs).toUTCString();
  const length = String(Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8'));
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': length,
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': executedVersion,
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(nowMs / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
  };
  return {
    ExecutedVersion: executedVersion,
    Payload: payload ?? null,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** A function error as Step Functions reports it: the cause is the function's error document as JSON text. */
export function lambdaErrorCause(errorType: string, errorMessage: string, trace: string[] | undefined): string {
  return JSON.stringify({ errorMessage, errorType, trace: trace ?? [] });
}
