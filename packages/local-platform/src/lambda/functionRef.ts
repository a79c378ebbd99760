/** A function as a caller named it: the plain name, plus the ARN it was invoked by when the caller gave one. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
  /** The full ARN as given (Lambda reports the invoked ARN, qualifier included, in `context.invokedFunctionArn`). */
  arn?: string;
}

/**
 * Reads the forms the Invoke API accepts: `name`, `name:qualifier`, `123456789012:function:name[:qualifier]` and
 * `arn:aws:lambda:region:123456789012:function:name[:qualifier]`.
 */
export function parseFunctionRef(text: string): FunctionRef {
  const parts = text.split(':');
  if (parts[0] === 'arn' && parts.length >= 7 && parts[2] === 'lambda' && parts[5] === 'function') {
    return { name: parts[6], qualifier: parts[7], arn: text };
  }
  if (parts.length >= 3 && /^\d{12}$/.test(parts[0]) && parts[1] === 'function') {
    return { name: parts[2], qualifier: parts[3] };
  }
  return { name: parts[0], qualifier: parts[1] };
}
