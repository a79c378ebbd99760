import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { MountedApi, MountRequest } from '../http/mountedApi';
import type { LocalFunctionConfig } from './functionConfig';
import { fromFunctionUrlResult, FunctionUrlResponse, toFunctionUrlEvent } from './functionUrlEvent';
import type { LambdaInvokeResult } from './invoke';
import { MAX_REQUEST_BYTES } from './limits';
import type { InvokeOptions } from './runtime';

/** What function URLs need of the runtime (`LocalLambdaRuntime` provides it). */
export interface FunctionUrlBackend {
  functions(): LocalFunctionConfig[];
  getFunction(name: string): LocalFunctionConfig | undefined;
  invoke(functionName: string, payload: unknown, options?: InvokeOptions): Promise<LambdaInvokeResult>;
}

export const FUNCTION_URL_PREFIX = '/lambda-url';

function jsonAnswer(status: number, body: unknown): FunctionUrlResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Serves the function URLs of a template's functions, each under `/{functionName}/...` below the mount prefix:
 * the request becomes a payload-2.0 event, the function's result becomes the HTTP response. AuthType is not
 * enforced (the platform's mount auth level guards the whole prefix); the URL is what `FunctionUrlConfig` asks for.
 */
export class FunctionUrlApi {
  constructor(
    private readonly backend: FunctionUrlBackend,
    private readonly clock: Clock,
  ) {}

  async handle(req: MountRequest): Promise<FunctionUrlResponse> {
    const slash = req.path.indexOf('/');
    const name = safeDecode(slash < 0 ? req.path : req.path.slice(0, slash));
    const rawPath = slash < 0 ? '/' : req.path.slice(slash);
    const withUrls = this.backend
      .functions()
      .filter((f) => f.functionUrl)
      .map((f) => f.name);
    if (!name) {
      return jsonAnswer(404, {
        error: `Call a function URL as /{functionName}/... below this prefix. Functions with URLs: ${withUrls.join(', ') || 'none'}.`,
      });
    }
    const fn = this.backend.getFunction(name);
    if (!fn) {
      return jsonAnswer(404, {
        error: `No function named ${name} in the template. Functions with URLs: ${withUrls.join(', ') || 'none'}.`,
      });
    }
    if (!fn.functionUrl) {
      return jsonAnswer(404, {
        error: `Function ${name} has no function URL: add FunctionUrlConfig (e.g. AuthType: NONE) to ${fn.logicalId} in the template.`,
      });
    }
    if (req.body.length > MAX_REQUEST_BYTES) {
      return jsonAnswer(413, { error: `Function URL requests are limited to ${MAX_REQUEST_BYTES} bytes.` });
    }
    const requestId = randomUUID();
    const event = toFunctionUrlEvent(
      req,
      rawPath,
      { arn: fn.arn, authType: fn.functionUrl.authType },
      requestId,
      this.clock.now(),
    );
    const result = await this.backend.invoke(fn.name, event, { requestId });
    return fromFunctionUrlResult(result, requestId);
  }

  /**
   * This API as a platform mount. Node's `writeHead` sends a `string[]` header value as repeated header lines,
   * which is how several `set-cookie` values leave; `MountedApi` types header values as strings only, hence the
   * widening cast here (see the wiring notes: `MountedApi.headers` could become `Record<string, string | string[]>`).
   */
  mount(prefix: string = FUNCTION_URL_PREFIX, authLevel: MountedApi['authLevel'] = 'loopback'): MountedApi {
    return {
      prefix,
      authLevel,
      handle: (req) =>
        this.handle(req) as Promise<{ status: number; headers?: Record<string, string>; body?: unknown }>,
    };
  }
}
