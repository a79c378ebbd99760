/**
 * Errors of the local Cosmos DB, each with the HTTP status and the `code` the service answers with; the HTTP layer
 * turns one into Cosmos' error body `{ code, message }` (and `x-ms-substatus`) without string matching.
 */
export abstract class CosmosError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** `x-ms-substatus`: 0 unless Cosmos sets a more precise one (the SDK retries some, e.g. 1002, so never those). */
  readonly substatus: number = 0;
}

export class BadRequestError extends CosmosError {
  readonly status = 400;
  readonly code = 'BadRequest';
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** A wrong key or a signature not built as the protocol says. */
export class UnauthorizedError extends CosmosError {
  readonly status = 401;
  readonly code = 'Unauthorized';
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A well-signed request whose `x-ms-date` is outside the 15 minutes a master-key signature is valid for. */
export class ForbiddenError extends CosmosError {
  readonly status = 403;
  readonly code = 'Forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends CosmosError {
  readonly status = 404;
  readonly code = 'NotFound';
  constructor(
    message: string,
    /** 1003 when the database or container the request addresses does not exist, 0 for the resource itself. */
    override readonly substatus = 0,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class MethodNotAllowedError extends CosmosError {
  readonly status = 405;
  readonly code = 'MethodNotAllowed';
  constructor(message: string) {
    super(message);
    this.name = 'MethodNotAllowedError';
  }
}

export class ConflictError extends CosmosError {
  readonly status = 409;
  readonly code = 'Conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** An `If-Match` ETag that is not the current one, or a patch condition that does not hold. */
export class PreconditionFailedError extends CosmosError {
  readonly status = 412;
  readonly code = 'PreconditionFailed';
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailedError';
  }
}

export class RequestTooLargeError extends CosmosError {
  readonly status = 413;
  readonly code = 'RequestEntityTooLarge';
  constructor(message: string) {
    super(message);
    this.name = 'RequestTooLargeError';
  }
}

/** What Cosmos DB does that the local one does not (yet), said plainly instead of answering wrongly. */
export class NotSupportedError extends CosmosError {
  readonly status = 400;
  readonly code = 'BadRequest';
  constructor(feature: string, hint: string) {
    super(`The local Cosmos DB does not support ${feature}. ${hint}`);
    this.name = 'NotSupportedError';
  }
}

export const databaseNotFound = (id: string): NotFoundError =>
  new NotFoundError(
    `Database '${id}' does not exist. Create it first (or list it in the Cosmos DB config file).`,
    1003,
  );

export const containerNotFound = (databaseId: string, id: string): NotFoundError =>
  new NotFoundError(
    `Container '${id}' does not exist in database '${databaseId}'. Create it first (or list it in the Cosmos DB config file).`,
    1003,
  );
