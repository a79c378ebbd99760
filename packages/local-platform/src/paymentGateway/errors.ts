/**
 * Typed errors of the local payment gateway. Each one knows its HTTP status and the Stripe-style error body
 * the adapter parses, so rules can throw them and the HTTP layer only has to serialise.
 */
export type GatewayErrorType =
  'card_error' | 'invalid_request_error' | 'api_error' | 'idempotency_error' | 'authentication_error';

export interface GatewayErrorBody {
  error: { type: GatewayErrorType; code: string; message: string; param?: string };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: GatewayErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): GatewayErrorBody {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.param !== undefined ? { param: this.param } : {}),
      },
    };
  }
}

/** The card or the amount was refused: 402, a final answer that is stored for idempotent replay. */
export class CardError extends GatewayError {
  constructor(code: string, message: string, param?: string) {
    super(402, 'card_error', code, message, param);
  }
}

/** The request is wrong in a way the caller must fix (400, or 404/405 for unknown resources and routes). */
export class InvalidRequestError extends GatewayError {
  constructor(code: string, message: string, param?: string, status = 400) {
    super(status, 'invalid_request_error', code, message, param);
  }
}

/**
 * A parameter failed validation before any processing started. Stripe saves no idempotent result for these
 * ("no API endpoint began execution"), so the caller may fix the body and retry with the same key.
 */
export class ParameterError extends InvalidRequestError {
  constructor(param: string, message: string, code = 'parameter_invalid') {
    super(code, message, param);
  }
}

export class ResourceMissingError extends InvalidRequestError {
  constructor(kind: 'charge' | 'refund', id: string, param?: string) {
    super('resource_missing', `No such ${kind}: '${id}'.`, param, 404);
  }
}

/** A transient gateway-side failure (5xx): never stored, so a retry with the same key runs again. */
export class ApiError extends GatewayError {
  constructor(code: string, message: string, status = 500) {
    super(status, 'api_error', code, message);
  }
}

/**
 * A commit of the gateway's state failed, so its memory holds what the file does not. The gateway then refuses
 * every request (fail-stop) rather than answer from state a restart would lose; restarting reloads the file.
 */
export class GatewayStoreError extends ApiError {
  constructor(location: string, cause: unknown) {
    super(
      'store_failed',
      `The payment gateway could not commit its state to ${location} (${(cause as Error).message ?? String(cause)}); ` +
        'it answers nothing more until the platform restarts and reloads what was committed. Check the disk and LOCAL_SERVICES_STORE.',
    );
  }
}

export class IdempotencyError extends GatewayError {
  constructor(code: 'idempotency_key_reused' | 'idempotency_key_in_use', message: string) {
    super(code === 'idempotency_key_in_use' ? 409 : 400, 'idempotency_error', code, message);
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message: string) {
    super(401, 'authentication_error', 'invalid_api_key', message);
  }
}

/** The gateway was constructed with unusable options (a platform start-up problem, not an HTTP answer). */
export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayConfigError';
  }
}
