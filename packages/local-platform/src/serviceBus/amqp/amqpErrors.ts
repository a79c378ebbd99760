import type { AmqpError } from 'rhea';
import {
  EntityNotFoundError,
  MessageLockLostError,
  MessageNotFoundError,
  MessageSizeExceededError,
  RuleAlreadyExistsError,
  RuleNotFoundError,
  RuleQuotaExceededError,
  ServiceBusAuthError,
  ServiceBusError,
  SessionCannotBeLockedError,
  SessionLockLostError,
} from '../errors';

/** Service Bus's AMQP error conditions; the SDK maps each to its `ServiceBusError.code`. */
export const CONDITIONS = {
  notFound: 'amqp:not-found',
  unauthorized: 'amqp:unauthorized-access',
  sizeExceeded: 'amqp:link:message-size-exceeded',
  lockLost: 'com.microsoft:message-lock-lost',
  messageNotFound: 'com.microsoft:message-not-found',
  sessionCannotBeLocked: 'com.microsoft:session-cannot-be-locked',
  sessionLockLost: 'com.microsoft:session-lock-lost',
  serverBusy: 'com.microsoft:server-busy',
  argument: 'com.microsoft:argument-error',
  notAllowed: 'amqp:not-allowed',
  notImplemented: 'amqp:not-implemented',
  internal: 'amqp:internal-error',
  deadLetter: 'com.microsoft:dead-letter',
  timeout: 'com.microsoft:timeout',
  alreadyExists: 'com.microsoft:entity-already-exists',
  quotaExceeded: 'amqp:resource-limit-exceeded',
} as const;

const STATUS: Record<string, number> = {
  [CONDITIONS.notFound]: 404,
  [CONDITIONS.alreadyExists]: 409,
  [CONDITIONS.quotaExceeded]: 403,
  [CONDITIONS.messageNotFound]: 404,
  [CONDITIONS.unauthorized]: 401,
  [CONDITIONS.sizeExceeded]: 413,
  [CONDITIONS.lockLost]: 410,
  [CONDITIONS.sessionLockLost]: 410,
  [CONDITIONS.sessionCannotBeLocked]: 410,
  [CONDITIONS.serverBusy]: 503,
  [CONDITIONS.argument]: 400,
  [CONDITIONS.notAllowed]: 400,
  [CONDITIONS.notImplemented]: 501,
  [CONDITIONS.internal]: 500,
};

/** A failure the listener answers with an AMQP condition of its own choosing (bad request bodies, sessions...). */
export class AmqpRequestError extends Error {
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
    this.name = 'AmqpRequestError';
  }
}

/** The AMQP error a failed operation is answered with: the service's condition, the broker's actionable text. */
export function toAmqpError(e: unknown): AmqpError {
  if (e instanceof AmqpRequestError) return { condition: e.condition, description: e.message };
  if (e instanceof EntityNotFoundError)
    // The SDK recognises a missing entity by this wording (MessagingEntityNotFound).
    return {
      condition: CONDITIONS.notFound,
      description: `The messaging entity '${e.entity}' could not be found. ${e.message}`,
    };
  if (e instanceof RuleNotFoundError) return { condition: CONDITIONS.notFound, description: e.message };
  if (e instanceof RuleQuotaExceededError) return { condition: CONDITIONS.quotaExceeded, description: e.message };
  if (e instanceof RuleAlreadyExistsError) return { condition: CONDITIONS.alreadyExists, description: e.message };
  if (e instanceof ServiceBusAuthError) return { condition: CONDITIONS.unauthorized, description: e.message };
  if (e instanceof MessageSizeExceededError) return { condition: CONDITIONS.sizeExceeded, description: e.message };
  if (e instanceof MessageLockLostError) return { condition: CONDITIONS.lockLost, description: e.message };
  if (e instanceof MessageNotFoundError) return { condition: CONDITIONS.messageNotFound, description: e.message };
  if (e instanceof SessionCannotBeLockedError)
    return { condition: CONDITIONS.sessionCannotBeLocked, description: e.message };
  if (e instanceof SessionLockLostError) return { condition: CONDITIONS.sessionLockLost, description: e.message };
  if (e instanceof ServiceBusError) {
    const condition =
      e.code === 'ServerBusy'
        ? CONDITIONS.serverBusy
        : e.code === 'InvalidOperation'
          ? CONDITIONS.notAllowed
          : e.httpStatus >= 500
            ? CONDITIONS.internal
            : CONDITIONS.argument;
    return { condition, description: e.message };
  }
  return { condition: CONDITIONS.internal, description: e instanceof Error ? e.message : String(e) };
}

/** The HTTP-style status a `$management` or `$cbs` answer carries for a condition. */
export function statusOf(condition: string): number {
  return STATUS[condition] ?? 500;
}
