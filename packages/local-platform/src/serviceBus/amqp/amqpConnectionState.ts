import type { Message, Sender } from 'rhea';
import { ServiceBusAuthError } from '../errors';
import { verifySasToken } from '../sasAuth';

/** An entity path as a claim or a link addresses it: no scheme or host, no slashes at the ends, lower case. */
export function audiencePath(audience: string): string {
  return audience
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
}

/**
 * What one AMQP connection has proven and where its answers go. Service Bus authorises per entity: the client
 * puts a SAS token on `$cbs` for an audience (the namespace or an entity URI) before it attaches links to it,
 * and again before the token expires. Request/response endpoints (`$cbs`, `$management`) answer on the
 * receiving link whose *name* the request's `reply_to` gives.
 */
export class AmqpConnectionState {
  private readonly claims = new Map<string, number>();
  private readonly replyLinks = new Map<string, Sender>();

  constructor(
    private readonly sas: { keyName: string; key: string },
    private readonly now: () => number,
  ) {}

  /** Checks a put-token request; throws ServiceBusAuthError saying what is wrong. */
  putToken(token: unknown, audience: unknown): void {
    if (typeof token !== 'string' || typeof audience !== 'string' || !audience)
      throw new ServiceBusAuthError(
        "A $cbs put-token request needs the token as a string body and the audience as application property 'name'.",
      );
    const path = audiencePath(audience);
    verifySasToken(token, {
      keyName: this.sas.keyName,
      key: this.sas.key,
      nowMs: this.now(),
      requestKey: path,
      mountPrefix: '',
    });
    const se = /[?&\s]se=(\d+)/i.exec(` ${token.replace(/^SharedAccessSignature\s+/i, '&')}`);
    this.claims.set(path, se ? Number(se[1]) * 1000 : this.now());
  }

  /** Throws ServiceBusAuthError unless a live claim covers the entity (its own, or the namespace's). */
  authorise(entityPath: string): void {
    const path = audiencePath(entityPath);
    const now = this.now();
    for (const [covered, expiresAt] of this.claims)
      if (expiresAt > now && (covered === '' || path === covered || path.startsWith(`${covered}/`))) return;
    throw new ServiceBusAuthError(
      `No valid SAS token covers '${entityPath}' on this connection: put a token for the namespace or this entity on $cbs first (the Service Bus SDKs do this with the connection string's SharedAccessKeyName and SharedAccessKey).`,
    );
  }

  addReplyLink(link: Sender): void {
    this.replyLinks.set(link.name, link);
  }

  removeReplyLink(link: Sender): void {
    if (this.replyLinks.get(link.name) === link) this.replyLinks.delete(link.name);
  }

  /**
   * Sends an answer to the request's reply link. Dropped (the client's request then times out) when the client has
   * detached the link, or has let the session's outgoing window fill by granting no credit: the broker stays up.
   */
  reply(request: Message, answer: Message): boolean {
    const to = typeof request.reply_to === 'string' ? request.reply_to : undefined;
    const link = to === undefined ? undefined : this.replyLinks.get(to);
    const window = (link as unknown as { session?: { outgoing?: { available(): number } } } | undefined)?.session
      ?.outgoing;
    if (!link || !link.is_open() || (window && window.available() < 1)) return false;
    link.send({ ...answer, correlation_id: request.message_id, to });
    return true;
  }
}
