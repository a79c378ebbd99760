// IP addresses and CIDR blocks, with the rules of event-ruler's CIDR class (which uses Java's InetAddress):
// - only strings shaped like `d.d.d.d` (decimal) or made of hex digits and at least one colon are IP literals;
// - IPv4 parts are decimal 0-255 (leading zeros allowed and still decimal, as Java reads them), at most 15 chars;
// - IPv6 follows Java's parser (`::` compression, groups up to 0xffff) and an IPv4-mapped address
//   (::ffff:a.b.c.d written in hex) is the IPv4 address;
// - a CIDR needs exactly one '/', an integer mask below 32 (IPv4) or 128 (IPv6); host bits may be set.

import { PatternArgumentError } from './errors';
import { javaSplit } from './javaSplit';

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** An inclusive range of addresses of one family (4 or 16 bytes). */
export interface IpRange {
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

/** True when the string has the shape event-ruler tries to read as an IP address. */
export function looksLikeIpAddress(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** The address bytes (4 or 16) of an IP literal, or undefined when the string is not one. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  if (text.length > 15) return undefined;
  const parts = text.split('.');
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const value = Number(parts[i]);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

/** Port of Java's IPAddressUtil.textToNumericFormatV6 for strings without '.' or '%'. */
function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length < 2) return undefined;
  const bytes = new Uint8Array(16);
  let i = 0;
  let j = 0;
  let colonAt = -1;
  if (text[0] === ':' && text[++i] !== ':') return undefined;
  let sawDigit = false;
  let value = 0;
  while (i < text.length) {
    const ch = text[i++];
    const digit = parseInt(ch, 16);
    if (!Number.isNaN(digit)) {
      value = (value << 4) | digit;
      if (value > 0xffff) return undefined;
      sawDigit = true;
      continue;
    }
    // ch is ':' (the shape allows nothing else)
    if (!sawDigit) {
      if (colonAt !== -1) return undefined;
      colonAt = j;
      continue;
    }
    if (i === text.length) return undefined;
    if (j + 2 > 16) return undefined;
    bytes[j++] = (value >> 8) & 0xff;
    bytes[j++] = value & 0xff;
    sawDigit = false;
    value = 0;
  }
  if (sawDigit) {
    if (j + 2 > 16) return undefined;
    bytes[j++] = (value >> 8) & 0xff;
    bytes[j++] = value & 0xff;
  }
  if (colonAt !== -1) {
    if (j === 16) return undefined;
    const n = j - colonAt;
    for (let k = 1; k <= n; k++) {
      bytes[16 - k] = bytes[colonAt + n - k];
      bytes[colonAt + n - k] = 0;
    }
    j = 16;
  }
  if (j !== 16) return undefined;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** event-ruler's ipToBytes: the address, or its error ("Invalid IP address" / "Nonstandard IP address"). */
function ipToBytes(text: string): Uint8Array {
  if (!looksLikeIpAddress(text)) throw new PatternArgumentError(`Nonstandard IP address: ${text}`);
  const bytes = parseIpAddress(text);
  if (!bytes) throw new PatternArgumentError(`Invalid IP address: ${text}`);
  return bytes;
}

/** Java's Integer.parseInt (ASCII digits), or undefined when it would throw. */
function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}

/** Parses a `cidr` operand; throws event-ruler's message when it is malformed. */
export function parseCidr(text: string): IpRange {
  const parts = javaSplit(text, '/');
  if (parts.length !== 2) throw new PatternArgumentError("Malformed CIDR, one '/' required");
  const maskBits = parseJavaInt(parts[1]);
  if (maskBits === undefined) throw new PatternArgumentError('Malformed CIDR, mask bits must be an integer');
  if (maskBits < 0) throw new PatternArgumentError('Malformed CIDR, mask bits must not be negative');
  const address = ipToBytes(parts[0]);
  if (address.length === 4 && maskBits > 31) throw new PatternArgumentError('IPv4 mask bits must be < 32');
  if (address.length === 16 && maskBits > 127) throw new PatternArgumentError('IPv6 mask bits must be < 128');
  const low = new Uint8Array(address.length);
  const high = new Uint8Array(address.length);
  for (let i = 0; i < address.length; i++) {
    const fixedBits = Math.min(8, Math.max(0, maskBits - i * 8));
    const mask = (0xff << (8 - fixedBits)) & 0xff;
    low[i] = address[i] & mask;
    high[i] = address[i] | (~mask & 0xff);
  }
  return { low, high };
}

/** The single-address range an IP-shaped exact-match string stands for, or undefined if it is no IP address. */
export function singleAddressRange(text: string): IpRange | undefined {
  const bytes = parseIpAddress(text);
  return bytes ? { low: bytes, high: bytes } : undefined;
}

/** True when the address is in the range; an address of the other family never is. */
export function ipInRange(address: Uint8Array, range: IpRange): boolean {
  if (address.length !== range.low.length) return false;
  return compareBytes(address, range.low) >= 0 && compareBytes(address, range.high) <= 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}
