/**
 * The properties Cosmos DB adds to every resource: `_rid` (its resource id), `_self` (its link by resource ids),
 * `_etag` (its version), `_ts` (last write, in epoch seconds) and, on documents, `_attachments`.
 *
 * Resource ids nest as the service's do: a database's is 4 bytes, a container's 8 (its database's 4 first), a
 * document's 16 (its container's 8 first); all are base64 with `/` written as `-`. The SDK relies on this: it keys
 * session tokens by the container rid it finds in `x-ms-content-path` and accepts only 8-byte ones.
 */

export const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_ts', '_attachments'] as const;

const encode = (bytes: Buffer): string => bytes.toString('base64').replace(/\//g, '-');
const decode = (rid: string): Buffer => Buffer.from(rid.replace(/-/g, '/'), 'base64');

function counterBytes(value: number, size: 4 | 8): Buffer {
  const bytes = Buffer.alloc(size);
  if (size === 4) bytes.writeUInt32BE(value);
  else bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

export function databaseRid(sequence: number): string {
  return encode(counterBytes(sequence, 4));
}

export function containerRid(ofDatabase: string, sequence: number): string {
  // The high bit marks a collection in the service's resource ids.
  return encode(Buffer.concat([decode(ofDatabase), counterBytes((sequence | 0x80000000) >>> 0, 4)]));
}

export function documentRid(ofContainer: string, sequence: number): string {
  return encode(Buffer.concat([decode(ofContainer), counterBytes(sequence, 8)]));
}

/** A resource's version; unique because every write has its own LSN. */
export function etagFor(lsn: number, tsSeconds: number): string {
  return `"${lsn.toString(16).padStart(8, '0')}-0000-0000-0000-${tsSeconds.toString(16).padStart(8, '0')}0000"`;
}

/** Epoch seconds, as `_ts` holds them. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

/** A document as stored and returned: its own properties with the system properties written over. */
export function stampDocument(
  doc: Record<string, unknown>,
  stamp: { rid: string; containerSelf: string; etag: string; ts: number },
): Record<string, unknown> {
  const stamped: Record<string, unknown> = { ...doc };
  for (const name of SYSTEM_PROPERTIES) delete stamped[name];
  stamped._rid = stamp.rid;
  stamped._self = `${stamp.containerSelf}docs/${stamp.rid}/`;
  stamped._etag = stamp.etag;
  stamped._attachments = 'attachments/';
  stamped._ts = stamp.ts;
  return stamped;
}
