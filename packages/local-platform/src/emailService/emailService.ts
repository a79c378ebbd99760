import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';

export interface SentEmail {
  id: string;
  repeatabilityId?: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
  acceptedAt: string;
}

interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

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
 * result and sends nothing more.
 */
export class LocalEmailService {
  private readonly emails: SentEmail[] = [];
  private readonly byRepeatability = new Map<string, ApiResponse>();

  constructor(private readonly now: () => number) {}

  sent(): SentEmail[] {
    return [...this.emails];
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
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
    const rejected = addresses.find((a) => a.endsWith('@rejected.test'));
    if (rejected) {
      response = error(400, 'InvalidRecipient', `The recipient ${rejected} does not accept mail.`);
    } else {
      const id = randomUUID();
      this.emails.push({
        id,
        repeatabilityId: key,
        from: payload.senderAddress,
        to: addresses,
        subject: payload.content.subject,
        body: String(payload.content.plainText ?? payload.content.html ?? ''),
        acceptedAt: new Date(this.now()).toISOString(),
      });
      response = {
        status: 202,
        headers: { 'operation-location': `/emails/operations/${id}` },
        body: { id, status: 'Running' },
      };
    }
    if (key) this.byRepeatability.set(key, response);
    return response;
  }
}
