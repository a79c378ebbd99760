import { bytesOf } from './bytes';
import { describeValue, isPlainObject } from './cloudEvent';
import { MalformedFirehoseRequestError } from './errors';

/** What Amazon Data Firehose POSTs to an HTTP endpoint (request format 1.0), with each record's data decoded. */
export interface FirehoseRequest {
  /** The same on every attempt of one batch: logs and dead-letter ids use it. */
  requestId: string;
  /** Milliseconds since the epoch, when Firehose made the request. */
  timestamp: number;
  records: Buffer[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Validates a Firehose HTTP endpoint delivery request (JSON text or bytes) and decodes its records' base64 data.
 * Throws MalformedFirehoseRequestError naming the first field at fault: the request as a whole is then refused,
 * since no record of a request Firehose did not form can be trusted to be one. A record whose data is valid base64
 * but not an event is not this parser's concern: the caller dead-letters that one record.
 */
const MAX_REQUEST_ID_LENGTH = 100;

export function parseFirehoseRequest(body: string | Uint8Array): FirehoseRequest {
  const text = typeof body === 'string' ? body : bytesOf(body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MalformedFirehoseRequestError('(body)', `is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed))
    throw new MalformedFirehoseRequestError('(body)', `must be a JSON object (got ${describeValue(parsed)})`);
  const { requestId, timestamp, records } = parsed;
  if (typeof requestId !== 'string' || requestId === '')
    throw new MalformedFirehoseRequestError(
      'requestId',
      `must be a non-empty string (got ${describeValue(requestId)})`,
    );
  // Firehose sends a UUID; a set-aside record's message id is `<requestId>-<index>`, which Service Bus caps at 128.
  if (requestId.length > MAX_REQUEST_ID_LENGTH)
    throw new MalformedFirehoseRequestError(
      'requestId',
      `is ${requestId.length} characters; Firehose sends a request id of at most ${MAX_REQUEST_ID_LENGTH}`,
    );
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
    throw new MalformedFirehoseRequestError(
      'timestamp',
      `must be milliseconds since the epoch (got ${describeValue(timestamp)})`,
    );
  if (!Array.isArray(records))
    throw new MalformedFirehoseRequestError('records', `must be an array (got ${describeValue(records)})`);
  const decoded = records.map((r: unknown, i) => {
    const data = isPlainObject(r) ? r.data : undefined;
    if (typeof data !== 'string')
      throw new MalformedFirehoseRequestError(
        `records[${i}].data`,
        `must be a base64 string (got ${describeValue(data)})`,
      );
    if (!BASE64.test(data) || data.length % 4 !== 0)
      throw new MalformedFirehoseRequestError(`records[${i}].data`, 'is not valid base64');
    return Buffer.from(data, 'base64');
  });
  return { requestId, timestamp, records: decoded };
}

/**
 * The answer Firehose expects: `{requestId, timestamp}` with 200 for success; with any other status also
 * `errorMessage`, which Firehose logs and keeps beside records it backs up. A 200 whose requestId differs is a
 * failed delivery to Firehose.
 */
export function firehoseAnswer(requestId: string, now: number, errorMessage?: string): Record<string, unknown> {
  return errorMessage === undefined ? { requestId, timestamp: now } : { requestId, timestamp: now, errorMessage };
}
