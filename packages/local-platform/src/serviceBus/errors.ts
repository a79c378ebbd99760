/**
 * Typed errors of the embedded Service Bus. Each carries the Service Bus-style `code` and the HTTP status the
 * REST API answers with, so the REST layer maps errors without string matching and callers can branch on type.
 */
export abstract class ServiceBusError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
}

export class ServiceBusConfigError extends ServiceBusError {
  readonly code = 'InvalidConfiguration';
  readonly httpStatus = 500;
  /**
   * @param source the config file (or a label for in-memory JSON)
   * @param where the JSON location, e.g. `Queues[2] 'orders'.Properties.LockDuration`
   */
  constructor(
    readonly source: string,
    readonly where: string,
    detail: string,
  ) {
    super(`Service Bus config ${source}: ${where}: ${detail}`);
    this.name = 'ServiceBusConfigError';
  }
}

export class EntityNotFoundError extends ServiceBusError {
  readonly code = 'EntityNotFound';
  readonly httpStatus = 404;
  constructor(
    readonly entity: string,
    readonly known: string[],
    hint = 'Add it to the Service Bus config file (UserConfig.Namespaces[0].Queues or .Topics) and restart.',
  ) {
    super(
      `The messaging entity '${entity}' does not exist in the local Service Bus namespace. ` +
        `Known entities: ${known.length ? known.join(', ') : '(none)'}. ${hint}`,
    );
    this.name = 'EntityNotFoundError';
  }
}

/** An operation the addressed entity cannot do (send to a subscription, receive from a topic, ...). */
export class InvalidOperationError extends ServiceBusError {
  readonly code = 'InvalidOperation';
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOperationError';
  }
}

/** A message that Service Bus would refuse for its content (bad id, property type, ...), not its size. */
export class InvalidMessageError extends ServiceBusError {
  readonly code = 'InvalidMessage';
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

/** A malformed REST request: bad BrokerProperties JSON, a wrong field type, an unknown operation. */
export class BadRequestError extends ServiceBusError {
  readonly code = 'BadRequest';
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

export class MessageSizeExceededError extends ServiceBusError {
  readonly code = 'MessageSizeExceeded';
  readonly httpStatus = 413;
  constructor(
    readonly what: 'message' | 'applicationProperties' | 'batch' | 'sessionState',
    readonly actualBytes: number,
    readonly limitBytes: number,
    description: string,
  ) {
    super(
      `${description} is ${actualBytes} bytes; Service Bus (Standard tier) allows ${limitBytes} bytes ` +
        `(${limitBytes / 1024} KB) for ${what === 'applicationProperties' ? 'application properties' : what === 'sessionState' ? 'a session state' : `a ${what}`}. ` +
        'Send large payloads by reference (store the data, send its id) or split the batch.',
    );
    this.name = 'MessageSizeExceededError';
  }
}

export class MessageLockLostError extends ServiceBusError {
  readonly code = 'MessageLockLost';
  readonly httpStatus = 410;
  constructor(
    readonly entity: string,
    readonly lockToken: string,
  ) {
    super(
      `The lock ${lockToken} on entity '${entity}' is not held: it expired (the entity's LockDuration passed; ` +
        'renew the lock for long work) or the message was already completed, abandoned or dead-lettered.',
    );
    this.name = 'MessageLockLostError';
  }
}

export class MessageNotFoundError extends ServiceBusError {
  readonly code = 'MessageNotFound';
  readonly httpStatus = 404;
  constructor(message: string) {
    super(message);
    this.name = 'MessageNotFoundError';
  }
}

export class ServiceBusAuthError extends ServiceBusError {
  readonly code = 'Unauthorized';
  readonly httpStatus = 401;
  constructor(message: string) {
    super(message);
    this.name = 'ServiceBusAuthError';
  }
}

/** A SQL filter (or rule) expression that does not parse or type-check; `position` is a 0-based offset. */
export class SqlFilterError extends ServiceBusError {
  readonly code = 'InvalidSqlFilter';
  readonly httpStatus = 400;
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly token: string,
    detail: string,
  ) {
    super(
      `SQL filter error at position ${position} (near ${token ? `'${token}'` : 'the end'}): ${detail}\n` +
        `  ${expression}\n  ${' '.repeat(Math.max(0, Math.min(position, expression.length)))}^`,
    );
    this.name = 'SqlFilterError';
  }
}

/** The broker is too busy to take the request (HTTP 503); senders retry. Raised locally only by an injected fault. */
export class ServerBusyError extends ServiceBusError {
  readonly code = 'ServerBusy';
  readonly httpStatus = 503;
  constructor(message: string) {
    super(message);
    this.name = 'ServerBusyError';
  }
}

/**
 * The namespace's database refused a commit (disk full, file removed, database closed). The operation did happen in
 * memory, so it is visible until the platform stops, but a restart would undo it: a sender that retries may send the
 * message twice (duplicate detection with the same MessageId drops the second).
 */
export class MessageStoreError extends ServiceBusError {
  readonly code = 'InternalServerError';
  readonly httpStatus = 500;
  constructor(
    readonly location: string,
    cause: unknown,
  ) {
    super(
      `The local Service Bus could not commit to ${location}, so the last operations would not survive a restart: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Check that the file is writable and the disk has room.`,
      { cause },
    );
    this.name = 'MessageStoreError';
  }
}

/** A session another receiver holds (or, for "next session", none free); Service Bus's SessionCannotBeLocked. */
export class SessionCannotBeLockedError extends ServiceBusError {
  readonly code = 'SessionCannotBeLocked';
  readonly httpStatus = 410;
  constructor(message: string) {
    super(message);
    this.name = 'SessionCannotBeLockedError';
  }
}

/** The session lock a request relies on is not held (expired, released, or never taken); SessionLockLost. */
export class SessionLockLostError extends ServiceBusError {
  readonly code = 'SessionLockLost';
  readonly httpStatus = 410;
  constructor(
    readonly entity: string,
    readonly sessionId: string,
  ) {
    super(
      `The lock on session '${sessionId}' of '${entity}' is not held: it expired (the entity's LockDuration passed; ` +
        'renew the session lock for long work, as the SDK does with maxAutoLockRenewalDurationInMs) or its receiver closed. ' +
        'Accept the session again (acceptSession) to go on.',
    );
    this.name = 'SessionLockLostError';
  }
}

/** No rule of that name on the subscription (remove-rule); Service Bus's MessagingEntityNotFound. */
export class RuleNotFoundError extends ServiceBusError {
  readonly code = 'MessagingEntityNotFound';
  readonly httpStatus = 404;
  constructor(
    readonly subscription: string,
    readonly rule: string,
    known: string[],
  ) {
    super(
      `The messaging entity '${subscription}/Rules/${rule}' could not be found: the subscription has the rules ${
        known.length ? known.map((k) => `'${k}'`).join(', ') : '(none: it receives nothing)'
      }.`,
    );
    this.name = 'RuleNotFoundError';
  }
}

/** A rule name the subscription already has (names are case-insensitive); MessagingEntityAlreadyExists. */
export class RuleAlreadyExistsError extends ServiceBusError {
  readonly code = 'MessagingEntityAlreadyExists';
  readonly httpStatus = 409;
  constructor(
    readonly subscription: string,
    readonly rule: string,
  ) {
    super(
      `The subscription '${subscription}' already has a rule named '${rule}' (rule names are case-insensitive): remove it first, or pick another name.`,
    );
    this.name = 'RuleAlreadyExistsError';
  }
}

/** A subscription at Service Bus's limit of 2,000 rules; QuotaExceeded. */
export class RuleQuotaExceededError extends ServiceBusError {
  readonly code = 'QuotaExceeded';
  readonly httpStatus = 403;
  constructor(
    readonly subscription: string,
    readonly limit: number,
  ) {
    super(
      `The subscription '${subscription}' has ${limit} rules, the most Service Bus allows: remove rules it no longer needs, or combine filters with OR.`,
    );
    this.name = 'RuleQuotaExceededError';
  }
}
