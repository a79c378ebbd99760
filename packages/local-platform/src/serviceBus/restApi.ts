import type { MountRequest } from '../http/mountedApi';
import type { IncomingHttpHeaders } from 'node:http';
import {
  brokerPropertiesHeader,
  customPropertiesFromHeaders,
  customPropertyHeaders,
  parseBrokerProperties,
} from './brokerProperties';
import { pathKey } from './entityPath';
import { BadRequestError, ServiceBusError } from './errors';
import type { PropertyValue, ReceivedMessage, ServiceBusMessageInput } from './message';
import type { ServiceBusNamespace } from './namespace';
import { verifySasToken } from './sasAuth';

export type RestRequest = MountRequest;

export interface RestResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer is the raw message body (with content-type set); anything else is sent as JSON. */
  body?: unknown;
}

export interface ServiceBusRestApiOptions {
  /** With both set, every request needs a valid SharedAccessSignature token for this key. */
  sasKeyName?: string;
  sasKey?: string;
  /** Where the host mounts the API; used for Location headers and to read SAS resource URIs. */
  mountPrefix?: string;
  /**
   * Longest a receive (`?timeout=N` seconds) waits for a message, in ms on the namespace clock. The default 0
   * answers 204 at once, so a virtual clock in tests never leaves a request hanging.
   */
  maxReceiveWaitMs?: number;
}

const BATCH_CONTENT_TYPE = 'application/vnd.microsoft.servicebus.json';

const OPERATIONS =
  'POST {entity}/messages (send), POST {entity}/messages/head (peek-lock), DELETE {entity}/messages/head (receive and delete), ' +
  'DELETE|PUT|POST {entity}/messages/{messageId|sequenceNumber}/{lockToken} (complete|unlock|renew lock), ' +
  'GET {entity}/messages?peek=N (browse), GET $entities (list)';

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function errorResponse(status: number, code: string, message: string): RestResponse {
  return { status, body: { error: { code, message } } };
}

function encodeEntity(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * The Service Bus REST protocol (the subset clients use to send, receive and settle over HTTP), served by the
 * platform's HTTP host under a prefix. See https://learn.microsoft.com/rest/api/servicebus/.
 */
export class ServiceBusRestApi {
  private readonly mountPrefix: string;

  constructor(
    private readonly namespace: ServiceBusNamespace,
    private readonly options: ServiceBusRestApiOptions = {},
  ) {
    this.mountPrefix = `/${(options.mountPrefix ?? '/servicebus').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  }

  async handle(req: RestRequest): Promise<RestResponse> {
    try {
      return await this.route(req);
    } catch (e) {
      if (e instanceof ServiceBusError) return errorResponse(e.httpStatus, e.code, e.message);
      throw e;
    }
  }

  private authorize(req: RestRequest): void {
    const { sasKeyName, sasKey } = this.options;
    if (!sasKeyName || !sasKey) return;
    verifySasToken(header(req.headers, 'authorization') ?? header(req.headers, 'servicebusauthorization'), {
      keyName: sasKeyName,
      key: sasKey,
      nowMs: this.namespace.clock.now(),
      requestKey: pathKey(segmentsOf(req.path).join('/')),
      mountPrefix: this.mountPrefix,
    });
  }

  private async route(req: RestRequest): Promise<RestResponse> {
    const method = req.method.toUpperCase();
    const segs = segmentsOf(req.path);
    const lower = segs.map((s) => s.toLowerCase());
    const n = segs.length;
    this.authorize(req);
    if (n === 0 || (n === 1 && lower[0] === '$entities')) {
      if (method !== 'GET') throw new BadRequestError(`Use GET on $entities. Operations: ${OPERATIONS}.`);
      return { status: 200, body: { namespace: this.namespace.name, entities: this.namespace.entities() } };
    }
    if (lower[n - 1] === 'messages' && n >= 2) {
      const entity = segs.slice(0, -1).join('/');
      if (method === 'POST') return this.send(req, entity);
      if (method === 'GET') return this.peek(req, entity);
    } else if (lower[n - 2] === 'messages' && lower[n - 1] === 'head' && n >= 3) {
      const entity = segs.slice(0, -2).join('/');
      if (method === 'POST') return this.receive(req, entity, 'peekLock');
      if (method === 'DELETE') return this.receive(req, entity, 'receiveAndDelete');
    } else if (lower[n - 3] === 'messages' && n >= 4) {
      const entity = segs.slice(0, -3).join('/');
      const lockToken = segs[n - 1];
      // The lock token alone identifies the locked message; the {messageId|sequenceNumber} segment is informational.
      if (method === 'DELETE') {
        this.namespace.complete(entity, lockToken);
        await this.namespace.whenCommitted();
        return { status: 200 };
      }
      if (method === 'PUT') {
        this.namespace.abandon(entity, lockToken);
        await this.namespace.whenCommitted();
        return { status: 200 };
      }
      if (method === 'POST') {
        const until = this.namespace.renewLock(entity, lockToken);
        return { status: 200, headers: { brokerproperties: JSON.stringify({ LockedUntilUtc: until.toUTCString() }) } };
      }
    } else {
      return errorResponse(
        404,
        'UnknownOperation',
        `No Service Bus operation at '${req.path}'. Operations: ${OPERATIONS}.`,
      );
    }
    return errorResponse(
      405,
      'MethodNotAllowed',
      `${method} is not allowed on '${req.path}'. Operations: ${OPERATIONS}.`,
    );
  }

  /** Answers 201 only once the messages are committed: an acknowledged message survives a `kill -9`. */
  private async send(req: RestRequest, entity: string): Promise<RestResponse> {
    const contentType = header(req.headers, 'content-type');
    const messages: ServiceBusMessageInput[] = [];
    if (contentType?.split(';')[0].trim().toLowerCase() === BATCH_CONTENT_TYPE) {
      let items: unknown;
      try {
        items = JSON.parse(req.body.toString('utf8'));
      } catch (e) {
        throw new BadRequestError(
          `A ${BATCH_CONTENT_TYPE} body must be a JSON array of {"Body", "BrokerProperties", "UserProperties"}: ${(e as Error).message}`,
        );
      }
      if (!Array.isArray(items) || items.length === 0)
        throw new BadRequestError(`A ${BATCH_CONTENT_TYPE} body must be a non-empty JSON array of messages.`);
      items.forEach((item, i) => messages.push(this.batchItem(item, i)));
    } else {
      const broker = parseBrokerProperties(header(req.headers, 'brokerproperties'), 'BrokerProperties header');
      messages.push({
        contentType,
        ...broker,
        body: req.body,
        applicationProperties: customPropertiesFromHeaders(req.headers, req.rawHeaders),
      });
    }
    this.namespace.send(entity, messages);
    await this.namespace.whenCommitted();
    return { status: 201 };
  }

  private batchItem(item: unknown, i: number): ServiceBusMessageInput {
    const where = `Batch item [${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new BadRequestError(`${where} must be an object such as {"Body": "text", "UserProperties": {}}.`);
    const { Body: body, BrokerProperties: broker, UserProperties: user, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length)
      throw new BadRequestError(
        `${where} has ${unknown.join(', ')}; a batch item holds Body, BrokerProperties and UserProperties.`,
      );
    if (typeof body !== 'string')
      throw new BadRequestError(`${where}.Body must be a string, got ${JSON.stringify(body)}.`);
    const props: Record<string, PropertyValue> = {};
    if (user !== undefined && user !== null) {
      if (typeof user !== 'object' || Array.isArray(user))
        throw new BadRequestError(`${where}.UserProperties must be an object of name → value.`);
      for (const [k, v] of Object.entries(user)) {
        if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
          throw new BadRequestError(
            `${where}.UserProperties.${k} must be a string, number, boolean or null, got ${JSON.stringify(v)}.`,
          );
        props[k] = v as PropertyValue;
      }
    }
    return {
      ...parseBrokerProperties(broker, `${where}.BrokerProperties`),
      body: Buffer.from(body, 'utf8'),
      applicationProperties: props,
    };
  }

  private async receive(
    req: RestRequest,
    entity: string,
    mode: 'peekLock' | 'receiveAndDelete',
  ): Promise<RestResponse> {
    const path = this.namespace.resolveReceivable(entity);
    const timeoutText = req.query.get('timeout');
    const timeoutSeconds = timeoutText === null ? 60 : Number(timeoutText);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
      throw new BadRequestError(`timeout must be a number of seconds, got '${timeoutText}'.`);
    const clock = this.namespace.clock;
    const deadline = clock.now() + Math.min(timeoutSeconds * 1000, this.options.maxReceiveWaitMs ?? 0);
    for (;;) {
      const [message] = this.namespace.receive(path, { maxMessages: 1, mode });
      if (message) {
        // Durable first: the delivery count (peek-lock) or the deletion (receive-and-delete) outlives a crash.
        await this.namespace.whenCommitted();
        return this.messageResponse(req, message, mode);
      }
      if (clock.now() >= deadline) return { status: 204 };
      await this.waitForMessages(path, deadline);
    }
  }

  private waitForMessages(path: string, deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const key = pathKey(path);
      const done = (): void => {
        this.namespace.off('available', onAvailable);
        wake.cancel();
        resolve();
      };
      const onAvailable = (p: string): void => {
        if (pathKey(p) === key) done();
      };
      this.namespace.on('available', onAvailable);
      const wake = this.namespace.clock.schedule(deadline, done);
    });
  }

  private messageResponse(req: RestRequest, m: ReceivedMessage, mode: 'peekLock' | 'receiveAndDelete'): RestResponse {
    const headers: Record<string, string> = {
      ...customPropertyHeaders(m.applicationProperties),
      'content-type': m.contentType ?? 'application/octet-stream',
      brokerproperties: brokerPropertiesHeader(m),
    };
    if (mode === 'peekLock')
      headers.location = `${req.origin}${this.mountPrefix}/${encodeEntity(m.entityPath)}/messages/${m.sequenceNumber}/${m.lockToken}`;
    return { status: mode === 'peekLock' ? 201 : 200, headers, body: m.body };
  }

  private peek(req: RestRequest, entity: string): RestResponse {
    const count = Number(req.query.get('peek') ?? '1');
    const from = Number(req.query.get('fromSequenceNumber') ?? '0');
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(from))
      throw new BadRequestError('Browse with GET {entity}/messages?peek=N[&fromSequenceNumber=S] (N ≥ 1).');
    const messages = this.namespace.peek(entity, { maxMessages: count, fromSequenceNumber: from });
    return {
      status: 200,
      body: {
        entity: this.namespace.resolveReceivable(entity),
        messages: messages.map((m) => {
          const text = m.body.toString('utf8');
          const utf8 = Buffer.from(text, 'utf8').equals(m.body);
          return {
            body: utf8 ? text : m.body.toString('base64'),
            bodyEncoding: utf8 ? 'utf8' : 'base64',
            contentType: m.contentType,
            brokerProperties: JSON.parse(brokerPropertiesHeader(m)) as unknown,
            userProperties: m.applicationProperties,
          };
        }),
      },
    };
  }
}
