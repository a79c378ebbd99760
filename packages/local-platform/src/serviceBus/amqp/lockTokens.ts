import { string_to_uuid, uuid_to_string } from 'rhea';

/**
 * Service Bus sends a lock token as the 16-byte delivery tag in .NET `Guid.ToByteArray()` order (the first three
 * groups little-endian); the SDK reorders the tag to print it, and sends the printed form back in standard order
 * (RFC 4122) in `$management` requests. The broker keeps tokens as their printed form.
 */
function swapGuidOrder(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.writeUInt32LE(bytes.readUInt32BE(0), 0);
  b.writeUInt16LE(bytes.readUInt16BE(4), 4);
  b.writeUInt16LE(bytes.readUInt16BE(6), 6);
  return b;
}

/** The delivery tag that carries a lock token on a receive link. */
export function deliveryTag(lockToken: string): Buffer {
  return swapGuidOrder(Buffer.from(string_to_uuid(lockToken)));
}

/** A lock token from a `$management` request (an AMQP uuid, decoded as 16 bytes in standard order). */
export function lockTokenFromUuid(value: unknown): string | undefined {
  if (Buffer.isBuffer(value) && value.length === 16) return uuid_to_string(value);
  if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    return value.toLowerCase();
  return undefined;
}

/** The uuid bytes (standard order) a `$management` answer carries for a lock token. */
export function lockTokenUuid(lockToken: string): Buffer {
  return Buffer.from(string_to_uuid(lockToken));
}
