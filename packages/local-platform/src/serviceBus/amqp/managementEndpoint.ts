import { types, type Message } from 'rhea';
import type { PropertyValue } from '../message';
import type { ServiceBusNamespace } from '../namespace';
import { AmqpRequestError, CONDITIONS, statusOf, toAmqpError } from './amqpErrors';
import { decodeMessage, encodeMessage, toMessageInput } from './amqpMessage';
import { lockTokenFromUuid, lockTokenUuid } from './lockTokens';
import { ruleDescription, ruleSpecFromRequest } from './ruleDescriptions';

type Body = Record<string, unknown>;

interface Answer {
  status: number;
  body?: unknown;
}

const LONG_ARRAY = 0x81;
const TIMESTAMP_ARRAY = 0x83;

function requestBody(request: Message): Body {
  const body = request.body as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
    throw new AmqpRequestError(CONDITIONS.argument, 'A $management request carries its arguments as an AMQP map body.');
  return body as Body;
}

function list(body: Body, key: string): unknown[] {
  const value = body[key];
  if (Array.isArray(value)) return value;
  if (value === undefined) throw new AmqpRequestError(CONDITIONS.argument, `The request lacks '${key}'.`);
  return [value];
}

/** Longs arrive as numbers, or as 8 big-endian bytes when beyond 2^53. */
function sequenceNumber(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  throw new AmqpRequestError(CONDITIONS.argument, `A sequence number must be a long, got ${typeof value}.`);
}

function lockTokens(body: Body): string[] {
  return list(body, 'lock-tokens').map((v) => {
    const token = lockTokenFromUuid(v);
    if (!token) throw new AmqpRequestError(CONDITIONS.argument, "'lock-tokens' must hold uuids.");
    return token;
  });
}

/** The session a request is about (`session-id`), when it names one. */
function sessionIdOf(body: Body): string | undefined {
  const value = body['session-id'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new AmqpRequestError(CONDITIONS.argument, `'session-id' must be a string, got ${typeof value}.`);
  return value;
}

function requiredSessionId(body: Body): string {
  const id = sessionIdOf(body);
  if (id === undefined) throw new AmqpRequestError(CONDITIONS.argument, "The request lacks 'session-id'.");
  return id;
}

function propertiesToModify(body: Body): Record<string, PropertyValue> | undefined {
  const value = body['properties-to-modify'];
  return value && typeof value === 'object' && !Buffer.isBuffer(value)
    ? (value as Record<string, PropertyValue>)
    : undefined;
}

/**
 * The request/response operations Service Bus serves on `<entity>/$management` (and `$management` with
 * the entity named): lock renewal, peek, scheduling, deferred messages and settlement by lock token.
 * Each answer carries `statusCode` (and the description and condition of a failure), as the SDK reads them.
 */
export class ManagementEndpoint {
  constructor(private readonly namespace: ServiceBusNamespace) {}

  async handle(entityPath: string, request: Message): Promise<Message> {
    let answer: Answer;
    try {
      answer = this.operate(entityPath, String(request.application_properties?.operation ?? ''), request);
      await this.namespace.whenCommitted();
    } catch (e) {
      return this.failure(e);
    }
    return {
      application_properties: { statusCode: answer.status, 'status-code': answer.status },
      body: answer.body === undefined ? undefined : answer.body,
    };
  }

  /** The answer to a request that failed: status, condition and the broker's explanation. */
  failure(e: unknown): Message {
    const error = toAmqpError(e);
    const status = statusOf(error.condition as string);
    return {
      body: undefined,
      application_properties: {
        statusCode: status,
        'status-code': status,
        statusDescription: error.description,
        'status-description': error.description,
        errorCondition: error.condition,
        'error-condition': error.condition,
      },
    };
  }

  private operate(entity: string, operation: string, request: Message): Answer {
    const ns = this.namespace;
    switch (operation) {
      case 'com.microsoft:renew-lock': {
        const expirations = lockTokens(requestBody(request)).map((t) => ns.renewLock(entity, t));
        return { status: 200, body: { expirations: types.wrap_array(expirations, TIMESTAMP_ARRAY, undefined) } };
      }
      case 'com.microsoft:peek-message': {
        const body = requestBody(request);
        const from = sequenceNumber(body['from-sequence-number'] ?? 0);
        const count = Number(body['message-count'] ?? 1);
        const sessionId = sessionIdOf(body);
        const messages = ns.peek(entity, { fromSequenceNumber: from, maxMessages: count, sessionId });
        if (!messages.length) return { status: 204 };
        return { status: 200, body: { messages: messages.map((m) => ({ message: encodeMessage(m) })) } };
      }
      case 'com.microsoft:schedule-message': {
        const entries = list(requestBody(request), 'messages') as Body[];
        const inputs = entries.map((e) => toMessageInput(decodeMessage(e.message as Buffer)));
        const receipts = ns.send(entity, inputs);
        const numbers = receipts.map((r) => r.sequenceNumber ?? 0);
        return { status: 200, body: { 'sequence-numbers': types.wrap_array(numbers, LONG_ARRAY, undefined) } };
      }
      case 'com.microsoft:cancel-scheduled-message':
        ns.cancelScheduled(entity, list(requestBody(request), 'sequence-numbers').map(sequenceNumber));
        return { status: 200 };
      case 'com.microsoft:receive-by-sequence-number': {
        const body = requestBody(request);
        const received = ns.receiveDeferred(
          entity,
          list(body, 'sequence-numbers').map(sequenceNumber),
          sessionIdOf(body),
        );
        const deleteAtOnce = Number(body['receiver-settle-mode'] ?? 1) === 0;
        if (deleteAtOnce) for (const m of received) ns.complete(entity, m.lockToken!);
        return {
          status: 200,
          body: {
            messages: received.map((m) => ({
              message: encodeMessage(m),
              'lock-token': types.wrap_uuid(lockTokenUuid(m.lockToken!)),
            })),
          },
        };
      }
      case 'com.microsoft:update-disposition': {
        const body = requestBody(request);
        const status = String(body['disposition-status'] ?? '');
        const modify = propertiesToModify(body);
        for (const token of lockTokens(body)) {
          if (status === 'completed') ns.complete(entity, token);
          else if (status === 'abandoned') ns.abandon(entity, token, modify);
          else if (status === 'defered') ns.defer(entity, token, modify);
          else if (status === 'suspended')
            ns.deadLetter(entity, token, {
              reason: body['deadletter-reason'] as string | undefined,
              description: body['deadletter-description'] as string | undefined,
              propertiesToModify: modify,
            });
          else
            throw new AmqpRequestError(
              CONDITIONS.argument,
              `Unknown disposition-status '${status}'; use completed, abandoned, defered or suspended.`,
            );
        }
        return { status: 200 };
      }
      case 'com.microsoft:renew-session-lock':
        return {
          status: 200,
          body: { expiration: ns.renewSessionLock(entity, requiredSessionId(requestBody(request))) },
        };
      case 'com.microsoft:get-session-state': {
        const state = ns.sessionState(entity, requiredSessionId(requestBody(request)));
        return { status: 200, body: { 'session-state': state ?? null } };
      }
      case 'com.microsoft:set-session-state': {
        const body = requestBody(request);
        const state = body['session-state'];
        if (state !== undefined && state !== null && !Buffer.isBuffer(state))
          throw new AmqpRequestError(CONDITIONS.argument, "'session-state' must be binary (or null to clear it).");
        ns.setSessionState(entity, requiredSessionId(body), state ?? undefined);
        return { status: 200 };
      }
      case 'com.microsoft:get-message-sessions': {
        const body = requestBody(request);
        const skip = Math.max(0, Number(body.skip ?? 0));
        const top = Math.max(0, Number(body.top ?? Number.MAX_SAFE_INTEGER));
        const since = body['last-updated-time'];
        const ids = ns
          .sessionIds(entity, since instanceof Date ? since.getTime() : typeof since === 'number' ? since : undefined)
          .slice(skip, skip + top);
        if (!ids.length) return { status: 204 };
        return { status: 200, body: { skip: types.wrap_int(skip + ids.length), 'sessions-ids': ids } };
      }
      case 'com.microsoft:add-rule':
        ns.addRule(entity, ruleSpecFromRequest(requestBody(request)));
        return { status: 200 };
      case 'com.microsoft:remove-rule': {
        const name = requestBody(request)['rule-name'];
        if (typeof name !== 'string') throw new AmqpRequestError(CONDITIONS.argument, "The request lacks 'rule-name'.");
        ns.removeRule(entity, name);
        return { status: 200 };
      }
      case 'com.microsoft:enumerate-rules': {
        const body = requestBody(request);
        const skip = Math.max(0, Number(body.skip ?? 0));
        const top = Math.max(0, Number(body.top ?? Number.MAX_SAFE_INTEGER));
        const rules = ns.rules(entity).slice(skip, skip + top);
        if (!rules.length) return { status: 204 };
        return { status: 200, body: { rules: rules.map((r) => ruleDescription(r.spec)) } };
      }
      default:
        throw new AmqpRequestError(
          CONDITIONS.notImplemented,
          `The local Service Bus does not implement the $management operation '${operation}'. It serves renew-lock, peek-message, schedule-message, cancel-scheduled-message, receive-by-sequence-number, update-disposition, renew-session-lock, get-session-state, set-session-state, get-message-sessions, add-rule, remove-rule and enumerate-rules.`,
        );
    }
  }
}
