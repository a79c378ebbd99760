import * as util from 'node:util';

/** The error document Lambda reports for a failed invocation (and Step Functions matches in `ErrorEquals`). */
export interface LambdaErrorDocument {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/**
 * A failure the runtime itself raises (handler import problems, timeouts, size limits). Its `name` is the
 * `errorType` AWS reports, e.g. `Runtime.ImportModuleError`, so it maps like any thrown error.
 */
export class LambdaRuntimeFailure extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

function looksLikeError(value: unknown): value is Error {
  const v = value as Partial<Error> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.message === 'string' &&
    typeof v.stack === 'string'
  );
}

/**
 * Maps what a handler threw (or passed to its callback) to the error document, as the Node.js runtime interface
 * client does (`Errors.toRapidResponse`): an Error gives its `name`, `message` and stack lines; anything else gives
 * `typeof value` as the type and its string form as the message (so `throw 'boom'` is errorType `string`).
 * An Error whose `name` is empty falls back to its constructor's name, then to `Error`.
 */
export function toErrorDocument(thrown: unknown): LambdaErrorDocument {
  if (util.types.isNativeError(thrown) || looksLikeError(thrown)) {
    const error = thrown as Error;
    const errorType =
      (typeof error.name === 'string' && error.name) ||
      (typeof error.constructor?.name === 'string' && error.constructor.name) ||
      'Error';
    return {
      errorType,
      errorMessage: typeof error.message === 'string' ? error.message : String(error.message),
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  try {
    return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
  } catch {
    // e.g. an object whose toString throws: the runtime reports this fixed text.
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}
