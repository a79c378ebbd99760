import type { AddressInfo, Server, Socket } from 'node:net';
import {
  create_container,
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
} from 'rhea';
import { pathKey } from '../entityPath';
import type { ReceiveMode } from '../entity';
import type { ServiceBusNamespace } from '../namespace';
import { AmqpRequestError, CONDITIONS, toAmqpError } from './amqpErrors';
import { AmqpConnectionState, audiencePath } from './amqpConnectionState';
import { answerPutToken } from './cbsEndpoint';
import { InboundLink } from './inboundLink';
import { ManagementEndpoint } from './managementEndpoint';
import { OutboundLink } from './outboundLink';
import { accepted } from './outcomes';
import { SESSION_FILTER, SessionAcceptor } from './sessionAcceptor';
import { boundTransfers, guardFrames, MAX_FRAME_SIZE } from './transferLimits';

export interface AmqpListenerOptions {
  /** Default 127.0.0.1: the endpoint speaks plain TCP, as the SDK's development-emulator mode expects. */
  host?: string;
  /** Default 5672; 0 picks a free port. */
  port?: number;
  /** The one shared access key every SAS token must be signed with. */
  keyName: string;
  key: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The AMQP endpoint could not open its port. */
export class AmqpListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'AmqpListenError';
  }
}

const MANAGEMENT = '$management';
const CBS = '$cbs';

interface LinkAddress {
  address?: string;
}

/** rhea's server-side link fields the broker sets before its attach goes out. */
interface LocalAttach {
  local: { attach: Record<string, unknown> };
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  source?: LinkAddress & Record<string, unknown>;
  target?: LinkAddress & Record<string, unknown>;
}

/**
 * The local Service Bus over AMQP 1.0, as Azure serves it to `@azure/service-bus` (and any AMQP client): SAS
 * tokens on `$cbs`, sending and receiving links on entity paths, `$management` requests, on the same
 * namespace the REST API and the trigger host use, so a message sent one way is received the other.
 * Plain TCP: connect with `UseDevelopmentEmulator=true` in the connection string.
 */
export class ServiceBusAmqpListener {
  private readonly container: Container;
  private server?: Server;
  private readonly states = new WeakMap<Connection, AmqpConnectionState>();
  private readonly outbound = new Map<string, Set<OutboundLink>>();
  private readonly connections = new Set<Connection>();
  /** What to do when a connection goes: stop each of its receiving links. */
  private readonly linksOf = new WeakMap<Connection, Set<() => void>>();
  private readonly management: ManagementEndpoint;
  private readonly sessions: SessionAcceptor;
  private readonly onAvailable = (path: string): void => {
    for (const link of this.outbound.get(pathKey(path)) ?? []) link.pump();
    this.sessions.retry(path);
  };
  private address?: AddressInfo;

  constructor(
    private readonly namespace: ServiceBusNamespace,
    private readonly options: AmqpListenerOptions,
  ) {
    this.management = new ManagementEndpoint(namespace);
    this.sessions = new SessionAcceptor(namespace, (message) => this.options.log?.('warn', message));
    this.container = create_container({
      id: `local-servicebus-${namespace.name}`,
      // Dispositions and flow frames are small: Nagle's algorithm would hold each for the client's delayed ACK.
      tcp_no_delay: true,
      sender_options: { autosettle: false, treat_modified_as_released: false },
      receiver_options: { autoaccept: false, credit_window: 1000 },
    });
    this.container.on('connection_open', (c: EventContext) => this.opened(c.connection));
    this.container.on('receiver_open', (c: EventContext) => this.attachReceiver(c.connection, c.receiver!));
    this.container.on('sender_open', (c: EventContext) => this.attachSender(c.connection, c.sender!));
    this.container.on('disconnected', (c: EventContext) => this.forgetConnection(c.connection));
    this.container.on('connection_close', (c: EventContext) => this.forgetConnection(c.connection));
    // A broken client must not take the broker down: rhea reports what it could not read here and closes only
    // that client's connection.
    const report = (e: unknown): void =>
      this.options.log?.(
        'warn',
        `Service Bus (AMQP): closed a client connection: ${e instanceof Error ? e.message : String(e)}`,
      );
    this.container.on('error', report);
    this.container.on('protocol_error', report);
    this.container.on('session_open', (c: EventContext) =>
      boundTransfers(c.session as unknown as Parameters<typeof boundTransfers>[0], this.maxTransferBytes()),
    );
    namespace.on('available', this.onAvailable);
  }

  async listen(): Promise<AddressInfo> {
    const server = this.container.listen({
      port: this.options.port ?? 5672,
      host: this.options.host ?? '127.0.0.1',
      max_frame_size: MAX_FRAME_SIZE,
    }) as Server;
    this.server = server;
    // After rhea's own handler: it has attached its reader to the socket, which the guard now stands in front of.
    server.on('connection', (socket: Socket) =>
      guardFrames(socket, MAX_FRAME_SIZE, (e) =>
        this.options.log?.('warn', `Service Bus (AMQP): closed a client connection: ${e.message}`),
      ),
    );
    const port = this.options.port ?? 5672;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new AmqpListenError(
            `The local Service Bus cannot listen for AMQP on ${this.options.host ?? '127.0.0.1'}:${port}: ${e.message}. ` +
              (e.code === 'EADDRINUSE'
                ? 'Another process (a Service Bus emulator, a broker, another platform) holds the port: stop it, or set LOCAL_SERVICEBUS_AMQP_PORT to a free port (0 picks one).'
                : 'Set LOCAL_SERVICEBUS_AMQP_PORT to a port this user may open (0 picks a free one).'),
            { cause: e },
          ),
        ),
      );
    });
    this.address = server.address() as AddressInfo;
    return this.address;
  }

  /**
   * The most a transfer may carry before its connection is closed: twice the link's max-message-size, so a message
   * somewhat over the limit is refused politely (`amqp:link:message-size-exceeded`) and only a flood ends the
   * connection; the whole namespace's limit when limits are off.
   */
  private maxTransferBytes(): number {
    const limits = this.namespace.limits;
    return limits.enforce ? 2 * limits.maxBatchBytes : 64 * 1024 * 1024;
  }

  /** The connection string for `@azure/service-bus` and other SDKs (plain TCP, development-emulator mode). */
  connectionString(): string {
    if (!this.address) throw new Error('The AMQP listener is not listening yet; await listen() first.');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `Endpoint=sb://${host}:${this.address.port};SharedAccessKeyName=${this.options.keyName};SharedAccessKey=${this.options.key};UseDevelopmentEmulator=true`;
  }

  async close(): Promise<void> {
    this.namespace.off('available', this.onAvailable);
    this.sessions.close();
    for (const links of this.outbound.values()) for (const l of links) l.close();
    for (const c of this.connections) {
      try {
        c.close();
      } catch {
        // already gone
      }
      (c as unknown as { socket?: { destroy(): void } }).socket?.destroy();
    }
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forgetConnection(connection: Connection): void {
    this.connections.delete(connection);
    this.sessions.dropConnection(connection);
    for (const forget of this.linksOf.get(connection) ?? []) forget();
    this.linksOf.delete(connection);
  }

  private opened(connection: Connection): void {
    this.connections.add(connection);
    this.states.set(
      connection,
      // Clients sign tokens on the wall clock, whatever clock (virtual in tests) drives the namespace.
      new AmqpConnectionState({ keyName: this.options.keyName, key: this.options.key }, () => Date.now()),
    );
  }

  private state(connection: Connection): AmqpConnectionState {
    let state = this.states.get(connection);
    if (!state) {
      this.opened(connection);
      state = this.states.get(connection)!;
    }
    return state;
  }

  /** A client's sending link: `$cbs` and `$management` requests, or messages for a queue or topic. */
  private attachReceiver(connection: Connection, link: Receiver): void {
    const address = (link as unknown as LocalAttach).target?.address ?? '';
    this.echo(link);
    const state = this.state(connection);
    if (address === CBS) {
      link.on('message', (c: EventContext) => this.answer(c, state, answerPutToken(state, c.message as Message)));
      return;
    }
    if (address === MANAGEMENT || address.endsWith(`/${MANAGEMENT}`)) {
      const entity = address === MANAGEMENT ? '' : address.slice(0, -MANAGEMENT.length - 1);
      link.on('message', (c: EventContext) => {
        // A connection gone while the answer was being prepared has nobody to answer: never an unhandled rejection.
        this.manage(c, state, entity, address).catch((e: unknown) => this.reportLost(e));
      });
      return;
    }
    try {
      const entity = this.namespace.resolveSendable(address);
      state.authorise(entity);
      (link as unknown as LocalAttach).local.attach.max_message_size = this.namespace.limits.enforce
        ? this.namespace.limits.maxBatchBytes
        : 0xffffffff;
      new InboundLink(this.namespace, entity, link);
    } catch (e) {
      link.close(toAmqpError(e));
    }
  }

  /** A client's receiving link: where `$cbs`/`$management` answers go, or messages of a receivable entity. */
  private attachSender(connection: Connection, link: Sender): void {
    const attach = link as unknown as LocalAttach;
    const address = attach.source?.address ?? '';
    this.echo(link);
    const state = this.state(connection);
    if (address === CBS || address === MANAGEMENT || address.endsWith(`/${MANAGEMENT}`)) {
      // Answers go pre-settled: nothing to wait for, and nothing left in the session's window once sent.
      attach.local.attach.snd_settle_mode = 1;
      state.addReplyLink(link);
      link.on('sender_close', () => state.removeReplyLink(link));
      return;
    }
    try {
      const filter = attach.source?.filter as Record<string, unknown> | undefined;
      const entity = this.namespace.resolveReceivable(address);
      state.authorise(entity);
      const mode: ReceiveMode = attach.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
      if (filter && SESSION_FILTER in filter) {
        const requested = filter[SESSION_FILTER];
        let outbound: OutboundLink | undefined;
        this.sessions.accept(
          link,
          entity,
          typeof requested === 'string' ? requested : undefined,
          (sessionId) => {
            outbound = new OutboundLink(this.namespace, entity, link, mode, { sessionId, owner: link });
            this.track(connection, entity, link, outbound);
          },
          () => outbound?.sessionLost(),
        );
        return;
      }
      if (this.namespace.requiresSession(entity))
        throw new AmqpRequestError(
          CONDITIONS.notAllowed,
          `'${entity}' requires sessions: receive from it with acceptSession or acceptNextSession, not createReceiver.`,
        );
      this.track(connection, entity, link, new OutboundLink(this.namespace, entity, link, mode));
    } catch (e) {
      link.close(toAmqpError(e));
    }
  }

  /** Pumps the link when its entity has messages; stops it when it or its connection goes. */
  private track(connection: Connection, entity: string, link: Sender, outbound: OutboundLink): void {
    const key = pathKey(entity);
    const set = this.outbound.get(key) ?? new Set<OutboundLink>();
    set.add(outbound);
    this.outbound.set(key, set);
    const forget = (): void => {
      outbound.close();
      set.delete(outbound);
    };
    link.on('sender_close', forget);
    const ofConnection = this.linksOf.get(connection) ?? new Set<() => void>();
    ofConnection.add(forget);
    this.linksOf.set(connection, ofConnection);
  }

  /** Service Bus echoes the client's terminus and settle modes in its attach. */
  private echo(link: Sender | Receiver): void {
    const l = link as unknown as LocalAttach;
    l.local.attach.source = l.source;
    l.local.attach.target = l.target;
    if (l.snd_settle_mode !== undefined) l.local.attach.snd_settle_mode = l.snd_settle_mode;
    if (l.rcv_settle_mode !== undefined) l.local.attach.rcv_settle_mode = l.rcv_settle_mode;
  }

  private reportLost(e: unknown): void {
    this.options.log?.('warn', `Service Bus (AMQP): an answer was lost with its connection: ${(e as Error).message}`);
  }

  private answer(context: EventContext, state: AmqpConnectionState, response: Message): void {
    (context.delivery as Delivery).update(true, accepted() as never);
    state.reply(context.message as Message, response);
  }

  private async manage(
    context: EventContext,
    state: AmqpConnectionState,
    entity: string,
    address: string,
  ): Promise<void> {
    const request = context.message as Message;
    const props = (request.application_properties ?? {}) as Record<string, unknown>;
    const target = entity || String(props.name ?? '');
    let response: Message;
    try {
      state.authorise(audiencePath(address === MANAGEMENT ? target : address));
      response = await this.management.handle(target, request);
    } catch (e) {
      response = this.management.failure(e);
    }
    this.answer(context, state, response);
  }
}
