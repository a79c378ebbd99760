// The tests a compiled pattern applies to one value of an event field, with event-ruler's typing:
// - string operators (exact string, prefix, suffix, equals-ignore-case, wildcard, cidr) only see JSON strings;
// - numeric operators only see JSON numbers within the documented range;
// - anything-but matches every value (of any type, including null) that is not one of its excluded ones.
// event-ruler compares strings in their quoted JSON form ("value"); prefix and suffix are tested on that form too,
// which is why a prefix may run into the closing quote (`{"prefix": "ab\""}` matches "ab").

import { ipInRange, parseIpAddress, type IpRange } from './cidr';
import { matchesIgnoringCase, type CaseAlternatives } from './ignoreCase';
import { comparableNumber, inNumericRange, type NumericRange } from './numeric';
import { matchesWildcard, type Wildcard } from './wildcard';

/** A leaf value of an event: arrays and objects are flattened away before matching. */
export type EventScalar = string | number | boolean | null;

export interface ValueMatcher {
  readonly kind: string;
  matches(value: EventScalar): boolean;
  /** For wildcard and anything-but wildcard: the wildcard texts, as written (for the complexity limit). */
  readonly wildcards?: readonly string[];
}

const quoted = (s: string): string => `"${s}"`;

export function exactString(text: string): ValueMatcher {
  return { kind: 'exact', matches: (v) => typeof v === 'string' && v === text };
}

/** true, false or null. */
export function exactLiteral(literal: boolean | null): ValueMatcher {
  return { kind: 'exact', matches: (v) => v === literal };
}

/**
 * A number written in a pattern's value list: numerically equal (to six decimals) when both are in range, else the
 * same number (event-ruler falls back to the literal text, e.g. for 12-digit account ids).
 */
export function exactNumber(n: number): ValueMatcher {
  const key = comparableNumber(n);
  return {
    kind: 'exact-number',
    matches: (v) => {
      if (typeof v !== 'number') return false;
      if (key === undefined) return v === n;
      return comparableNumber(v) === key;
    },
  };
}

/** An IP-shaped exact-match string: any string naming the same address matches (e.g. "2001:db8::1"). */
export function ipAddress(range: IpRange): ValueMatcher {
  return { kind: 'ip-address', matches: (v) => matchesIp(v, range) };
}

export function cidr(range: IpRange): ValueMatcher {
  return { kind: 'cidr', matches: (v) => matchesIp(v, range) };
}

function matchesIp(v: EventScalar, range: IpRange): boolean {
  if (typeof v !== 'string') return false;
  const address = parseIpAddress(v);
  return address !== undefined && ipInRange(address, range);
}

export function prefix(text: string): ValueMatcher {
  const start = `"${text}`;
  return { kind: 'prefix', matches: (v) => typeof v === 'string' && quoted(v).startsWith(start) };
}

export function suffix(text: string): ValueMatcher {
  const end = `${text}"`;
  return { kind: 'suffix', matches: (v) => typeof v === 'string' && quoted(v).endsWith(end) };
}

export function equalsIgnoreCase(alternatives: CaseAlternatives): ValueMatcher {
  return {
    kind: 'equals-ignore-case',
    matches: (v) => typeof v === 'string' && matchesIgnoringCase(alternatives, quoted(v), 'whole'),
  };
}

/** Alternatives built from `"prefix` (no closing quote). */
export function prefixIgnoreCase(alternatives: CaseAlternatives): ValueMatcher {
  return {
    kind: 'prefix-equals-ignore-case',
    matches: (v) => typeof v === 'string' && matchesIgnoringCase(alternatives, quoted(v), 'prefix'),
  };
}

/** Alternatives built from `suffix"` (no opening quote). */
export function suffixIgnoreCase(alternatives: CaseAlternatives): ValueMatcher {
  return {
    kind: 'suffix-equals-ignore-case',
    matches: (v) => typeof v === 'string' && matchesIgnoringCase(alternatives, quoted(v), 'suffix'),
  };
}

export function wildcard(text: string, parsed: Wildcard): ValueMatcher {
  return { kind: 'wildcard', wildcards: [text], matches: (v) => typeof v === 'string' && matchesWildcard(parsed, v) };
}

export function numericEquals(key: number): ValueMatcher {
  return { kind: 'numeric', matches: (v) => typeof v === 'number' && comparableNumber(v) === key };
}

export function numericRange(range: NumericRange): ValueMatcher {
  return {
    kind: 'numeric',
    matches: (v) => {
      if (typeof v !== 'number') return false;
      const key = comparableNumber(v);
      return key !== undefined && inNumericRange(key, range);
    },
  };
}

/** A test no value passes. */
export function nothing(kind: string): ValueMatcher {
  return { kind, matches: () => false };
}

/** exists: true — any leaf value, null included. */
export function exists(): ValueMatcher {
  return { kind: 'exists', matches: () => true };
}

/** anything-but with strings: every value but these strings. */
export function anythingButStrings(values: readonly string[]): ValueMatcher {
  const excluded = new Set(values);
  return { kind: 'anything-but', matches: (v) => !(typeof v === 'string' && excluded.has(v)) };
}

/** anything-but with numbers (comparable forms): every value but these numbers. */
export function anythingButNumbers(keys: readonly number[]): ValueMatcher {
  const excluded = new Set(keys);
  return {
    kind: 'anything-but',
    matches: (v) => {
      if (typeof v !== 'number') return true;
      const key = comparableNumber(v);
      return key === undefined || !excluded.has(key);
    },
  };
}

export function anythingButPrefix(prefixes: readonly string[]): ValueMatcher {
  const starts = prefixes.map((p) => `"${p}`);
  return {
    kind: 'anything-but-prefix',
    matches: (v) => typeof v !== 'string' || !starts.some((s) => quoted(v).startsWith(s)),
  };
}

export function anythingButSuffix(suffixes: readonly string[]): ValueMatcher {
  const ends = suffixes.map((s) => `${s}"`);
  return {
    kind: 'anything-but-suffix',
    matches: (v) => typeof v !== 'string' || !ends.some((e) => quoted(v).endsWith(e)),
  };
}

/** Alternatives built from each `"value"`. */
export function anythingButIgnoreCase(values: readonly CaseAlternatives[]): ValueMatcher {
  return {
    kind: 'anything-but-equals-ignore-case',
    matches: (v) => typeof v !== 'string' || !values.some((alts) => matchesIgnoringCase(alts, quoted(v), 'whole')),
  };
}

export function anythingButWildcard(texts: readonly string[], wildcards: readonly Wildcard[]): ValueMatcher {
  return {
    kind: 'anything-but-wildcard',
    wildcards: texts,
    matches: (v) => typeof v !== 'string' || !wildcards.some((w) => matchesWildcard(w, v)),
  };
}
