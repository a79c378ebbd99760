import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { ServiceDatabase } from '../persistence/serviceDatabase';
import { EmailAnswer, EmailStore, SentEmail } from './emailStore';

export type { SentEmail } from './emailStore';

interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type ApiResponse = EmailAnswer;

/** Recipient domains that make the service misbehave, so notification failures can be exercised. */
export const EMAIL_FAILURE_DOMAINS = {
  'unavailable.test': '503 ServiceUnavailable on every attempt (transient; the caller retries)',
  'rejected.test': '400 InvalidRecipient (permanent)',
} as const;

const error = (status: number, code: string, message: string): ApiResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * A local stand-in for Azure Communication Services Email (`POST /emails:send`). It keeps what it was asked to
 * send instead of sending it, and honours `repeatability-request-id`: a repeated id is answered with the first
 * result and sends nothing more, also after a restart, as both are kept in `database` (tables `email_*`; default a
 * private in-memory one). Every answer waits until what it reports is committed.
 */
export class LocalEmailService {
  private readonly database: ServiceDatabase;
  private readonly ownsDatabase: boolean;
  private readonly store: EmailStore;
  private readonly emails: SentEmail[];
  private readonly byRepeatability: Map<string, ApiResponse>;

  constructor(
    private readonly now: () => number,
    database?: ServiceDatabase,
  ) {
    this.ownsDatabase = !database;
    this.database = database ?? new ServiceDatabase({ location: ':memory:' });
    this.store = new EmailStore(this.database);
    const loaded = this.store.load();
    this.emails = loaded.emails;
    this.byRepeatability = loaded.answers;
  }

  sent(): SentEmail[] {
    return [...this.emails];
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
    const failure = this.store.failed();
    if (failure) return error(500, 'StoreFailed', failure.message);
    // Decided synchronously, so a concurrent repeat already finds this request's answer; sent once committed.
    const response = this.answer(request);
    try {
      await this.store.durable();
    } catch (e) {
      return error(500, 'StoreFailed', (e as Error).message);
    }
    return response;
  }

  /** Closes the database if the service opened its own. */
  async stop(): Promise<void> {
    if (this.ownsDatabase) await this.database.close();
  }

  private answer(request: ApiRequest): ApiResponse {
    // The platform's host hands over the path after the mount prefix without its leading slash.
    const req = { ...request, path: `/${request.path.replace(/^\//, '')}` };
    if (req.method === 'GET' && req.path === '/emails') return { status: 200, body: { value: this.sent() } };
    if (req.path !== '/emails:send')
      return error(
        404,
        'NotFound',
        `No operation at ${req.path}; this service serves POST /emails:send and GET /emails.`,
      );
    if (req.method !== 'POST') return error(405, 'MethodNotAllowed', 'Use POST /emails:send.');
    const repeatability = req.headers['repeatability-request-id'];
    const key = typeof repeatability === 'string' ? repeatability : undefined;
    const replay = key ? this.byRepeatability.get(key) : undefined;
    if (replay) return { ...replay, headers: { ...replay.headers, 'repeatability-result': 'accepted' } };
    let payload: {
      senderAddress?: unknown;
      recipients?: { to?: { address?: unknown }[] };
      content?: { subject?: unknown; plainText?: unknown; html?: unknown };
    };
    try {
      payload = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      return error(400, 'BadRequest', `The body is not JSON: ${(e as Error).message}`);
    }
    const to = (payload.recipients?.to ?? []).map((r) => r.address);
    if (typeof payload.senderAddress !== 'string' || !payload.senderAddress.includes('@'))
      return error(400, 'BadRequest', 'senderAddress must be an e-mail address.');
    if (!to.length || to.some((a) => typeof a !== 'string' || !a.includes('@')))
      return error(400, 'BadRequest', 'recipients.to must list at least one { "address": "<e-mail>" }.');
    if (typeof payload.content?.subject !== 'string' || !payload.content.subject)
      return error(400, 'BadRequest', 'content.subject is required.');
    const addresses = to as string[];
    if (addresses.some((a) => a.endsWith('@unavailable.test')))
      return error(503, 'ServiceUnavailable', 'The e-mail service is unavailable; retry later.');
    let response: ApiResponse;
    let email: SentEmail | undefined;
    const rejected = addresses.find((a) => a.endsWith('@rejected.test'));
    if (rejected) {
      response = error(400, 'InvalidRecipient', `The recipient ${rejected} does not accept mail.`);
    } else {
      const id = randomUUID();
      email = {
        id,
        repeatabilityId: key,
        from: payload.senderAddress,
        to: addresses,
        subject: payload.content.subject,
        body: String(payload.content.plainText ?? payload.content.html ?? ''),
        acceptedAt: new Date(this.now()).toISOString(),
      };
      this.emails.push(email);
      response = {
        status: 202,
        headers: { 'operation-location': `/emails/operations/${id}` },
        body: { id, status: 'Running' },
      };
    }
    if (key) this.byRepeatability.set(key, response);
    this.store.answered(key, response, email);
    return response;
  }
}
