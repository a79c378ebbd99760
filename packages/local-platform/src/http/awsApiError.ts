/** What the AWS JSON protocol writes of an error: `__type` from `code`, the status from `httpStatus`. */
export interface AwsApiErrorShape extends Error {
  readonly code: string;
  readonly httpStatus: number;
}

/**
 * An error class of a local AWS service, named after the AWS error code, so the real SDK raises an exception whose
 * `name` matches the one it would raise against AWS. `Base` is the service's own error class (so `instanceof` tells
 * a service's API errors from anything else).
 */
export function awsErrorClass<B extends AwsApiErrorShape>(
  Base: abstract new (message: string) => B,
  code: string,
  httpStatus = 400,
): new (message: string) => B {
  const cls = class extends (Base as unknown as new (message: string) => AwsApiErrorShape) {
    override readonly code = code;
    override readonly httpStatus = httpStatus;
    constructor(message: string) {
      super(message);
      this.name = code;
    }
  };
  Object.defineProperty(cls, 'name', { value: code });
  return cls as unknown as new (message: string) => B;
}
