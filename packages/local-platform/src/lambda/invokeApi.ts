import { randomUUID } from 'node:crypto';
import type { MountRequest } from '../http/mountedApi';
import type { LambdaInvokeResult } from './invoke';
import { MAX_REQUEST_BYTES } from './limits';
import type { InvokeOptions } from './runtime';

export const LAMBDA_API_PREFIX = '/lambda';

export interface InvokeApiBackend {
  invoke(functionName: string, payload: unknown, options?: InvokeOptions): Promise<LambdaInvokeResult>;
}

export interface InvokeApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const ROUTE = /^2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** HTTP status of each Lambda service error the runtime reports (errorType `Lambda.<Code>`). */
const SERVICE_ERRORS: Record<string, { status: number; fault: 'User' | 'Service' }> = {
  ResourceNotFoundException: { status: 404, fault: 'User' },
  RequestEntityTooLargeException: { status: 413, fault: 'User' },
  InvalidRequestContentException: { status: 400, fault: 'User' },
  InvalidParameterValueException: { status: 400, fault: 'User' },
  UnknownOperationException: { status: 404, fault: 'User' },
  ServiceException: { status: 500, fault: 'Service' },
};

function serviceError(code: string, message: string, requestId: string): InvokeApiResponse {
  const known = SERVICE_ERRORS[code] ?? { status: 500, fault: 'Service' };
  return {
    status: known.status,
    // The SDK (restJson1) reads the error code from this header and the text from `message`.
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: Buffer.from(JSON.stringify({ Type: known.fault, message })),
  };
}

/**
 * The Lambda `Invoke` operation (`POST /2015-03-31/functions/{name}/invocations`) over the local runtime, so
 * `@aws-sdk/client-lambda` pointed at this mount (`AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:7071/lambda`) works.
 * A function error is HTTP 200 with `X-Amz-Function-Error: Unhandled` and the error document as the body; service
 * errors are 4xx/5xx with `x-amzn-errortype`. `Event` invocations are accepted (202) and run in the background;
 * `DryRun` answers 204. `LogType: Tail` is not supported (no log capture), so no `X-Amz-Log-Result` is sent.
 */
export class LambdaInvokeApi {
  constructor(
    private readonly backend: InvokeApiBackend,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => undefined,
  ) {}

  async handle(req: MountRequest): Promise<InvokeApiResponse> {
    const requestId = randomUUID();
    const match = ROUTE.exec(req.path);
    if (!match || req.method.toUpperCase() !== 'POST') {
      return serviceError(
        'UnknownOperationException',
        `The local Lambda API serves only POST /2015-03-31/functions/{name}/invocations, not ${req.method} /${req.path}.`,
        requestId,
      );
    }
    const functionName = decodeURIComponent(match[1]);
    if (req.body.length > MAX_REQUEST_BYTES) {
      return serviceError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        requestId,
      );
    }
    let payload: unknown = {};
    if (req.body.length > 0) {
      try {
        payload = JSON.parse(req.body.toString('utf8'));
      } catch (e) {
        return serviceError(
          'InvalidRequestContentException',
          `Could not parse request body into json: ${(e as Error).message}`,
          requestId,
        );
      }
    }
    const headerValue = req.headers['x-amz-invocation-type'];
    const invocationType = (Array.isArray(headerValue) ? headerValue[0] : headerValue) ?? 'RequestResponse';
    if (invocationType === 'DryRun')
      return { status: 204, headers: { 'x-amzn-requestid': requestId }, body: Buffer.alloc(0) };
    if (invocationType === 'Event') {
      void this.backend.invoke(functionName, payload, { requestId }).then((result) => {
        if (!result.ok)
          this.log('warn', `Async invocation of ${functionName} failed: ${result.errorType}: ${result.errorMessage}`);
      });
      return { status: 202, headers: { 'x-amzn-requestid': requestId }, body: Buffer.alloc(0) };
    }
    if (invocationType !== 'RequestResponse') {
      return serviceError(
        'InvalidParameterValueException',
        `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not ${invocationType}.`,
        requestId,
      );
    }
    const result = await this.backend.invoke(functionName, payload, { requestId });
    if (!result.ok && result.errorType.startsWith('Lambda.')) {
      return serviceError(result.errorType.slice('Lambda.'.length), result.errorMessage, requestId);
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': requestId,
    };
    if (!result.ok) {
      headers['x-amz-function-error'] = 'Unhandled';
      const { errorType, errorMessage, trace } = result;
      return { status: 200, headers, body: Buffer.from(JSON.stringify({ errorType, errorMessage, trace })) };
    }
    return { status: 200, headers, body: Buffer.from(JSON.stringify(result.payload)) };
  }
}
