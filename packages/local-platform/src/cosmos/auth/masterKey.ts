import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from '../errors';

/** How long a master-key signature is good for after its `x-ms-date`, as Cosmos DB enforces. */
export const SIGNATURE_VALIDITY_MS = 15 * 60_000;
/** How far ahead of the server's clock a signature's date may be before Cosmos DB refuses it as not yet valid. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** What a signature covers besides the key: see "Access control on Cosmos DB resources". */
export interface SignedRequest {
  /** The HTTP method. */
  verb: string;
  /** `docs`, `colls`, `dbs`, `pkranges`, ... ('' for the database account). */
  resourceType: string;
  /** The resource's link with the ids as the caller wrote them, `dbs/orders/colls/inventory/docs/sku-1`. */
  resourceLink: string;
  /** The `authorization` header, URL-encoded as sent. */
  authorization: string | undefined;
  /** `x-ms-date` (or `date`), an RFC 1123 date. */
  date: string | undefined;
}

const MAC_HELP =
  "The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol. For more info: https://aka.ms/cosmosdb-tsg-mac-token.";

/**
 * Checks master-key signatures (HMAC-SHA256 over verb, resource type, resource link and date, keyed with the
 * base64-decoded account key) as Cosmos DB does. The key is held only as bytes and never appears in a message.
 */
export class MasterKeyAuth {
  private readonly key: Buffer;

  constructor(
    masterKey: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(masterKey, 'base64');
  }

  /** Throws UnauthorizedError for a missing or wrong signature, ForbiddenError for a stale or future date. */
  verify(request: SignedRequest): void {
    const token = parseToken(request.authorization);
    if (!request.date) throw new UnauthorizedError(`${MAC_HELP} The request has no x-ms-date header.`);
    const payload = `${request.verb.toLowerCase()}\n${request.resourceType.toLowerCase()}\n${request.resourceLink}\n${request.date.toLowerCase()}\n\n`;
    const expected = createHmac('sha256', this.key).update(payload, 'utf8').digest();
    const given = Buffer.from(token.sig, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError(
        `${MAC_HELP} Server used the following payload to sign: '${payload.replace(/\n/g, '\\n')}'`,
      );
    }
    this.checkDate(request.date);
  }

  private checkDate(date: string): void {
    const signedAt = Date.parse(date);
    if (Number.isNaN(signedAt)) throw new UnauthorizedError(`${MAC_HELP} x-ms-date '${date}' is not an RFC 1123 date.`);
    const now = this.now();
    if (now > signedAt + SIGNATURE_VALIDITY_MS || now < signedAt - CLOCK_SKEW_MS) {
      const expiry = new Date(signedAt + SIGNATURE_VALIDITY_MS).toUTCString();
      throw new ForbiddenError(
        `The authorization token is not valid at the current time. Please create another token and retry (token start time: ${new Date(signedAt).toUTCString()}, token expiry time: ${expiry}, current server time: ${new Date(now).toUTCString()}).`,
      );
    }
  }
}

function parseToken(header: string | undefined): { sig: string } {
  if (!header) throw new UnauthorizedError(`${MAC_HELP} The request has no authorization header.`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    throw new UnauthorizedError(`${MAC_HELP} The authorization header is not URL-encoded.`);
  }
  const fields = new URLSearchParams(decoded.replace(/\+/g, '%2B'));
  const type = fields.get('type');
  const sig = fields.get('sig');
  if (type !== 'master' || !sig) {
    throw new UnauthorizedError(
      `${MAC_HELP} The local Cosmos DB accepts master-key tokens (type=master&ver=1.0&sig=...) only; this one is type=${type ?? '(none)'}.`,
    );
  }
  return { sig };
}
