/**
 * Cosmos DB's view of JSON values: their kinds, equality, the total order ORDER BY uses across kinds, and a
 * canonical key for DISTINCT and GROUP BY. Missing properties are `undefined`, a kind of its own.
 *
 * ORDER BY sorts kinds as undefined < null < boolean < number < string < array < object (the Cosmos .NET SDK's
 * ItemComparer; arrays and objects were added after strings, PR Azure/azure-cosmos-dotnet-v3#853). Within arrays and
 * objects the service compares hashes, an order no client can predict; here they compare element by element and
 * key by key, which is at least stable.
 */

export type JsonKind = 'undefined' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

const KIND_RANK: Readonly<Record<JsonKind, number>> = {
  undefined: 0,
  null: 1,
  boolean: 2,
  number: 3,
  string: 4,
  array: 5,
  object: 6,
};

export function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'object':
      return Array.isArray(value) ? 'array' : 'object';
    default:
      return 'undefined';
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equality as Cosmos' `=` sees it once both sides are defined and of one kind: deep for arrays and objects. */
export function deepEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = definedKeys(aRecord);
  if (aKeys.length !== definedKeys(bRecord).length) return false;
  for (const key of aKeys) if (!deepEquals(aRecord[key], bRecord[key])) return false;
  return true;
}

/** The total order of ORDER BY (and of MIN/MAX over mixed kinds): negative when `a` sorts first. */
export function compareValues(a: unknown, b: unknown): number {
  const aKind = kindOf(a);
  const bKind = kindOf(b);
  if (aKind !== bKind) return KIND_RANK[aKind] - KIND_RANK[bKind];
  switch (aKind) {
    case 'undefined':
    case 'null':
      return 0;
    case 'boolean':
      return (a as boolean) === (b as boolean) ? 0 : a ? 1 : -1;
    case 'number':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareArrays(a as unknown[], b as unknown[]);
    case 'object':
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
}

/** Ordinal comparison by UTF-16 code unit, as the service's string order (not locale-aware). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const aKeys = definedKeys(a).sort(compareStrings);
  const bKeys = definedKeys(b).sort(compareStrings);
  const shared = Math.min(aKeys.length, bKeys.length);
  for (let i = 0; i < shared; i++) {
    const keyOrder = compareStrings(aKeys[i], bKeys[i]);
    if (keyOrder !== 0) return keyOrder;
    const valueOrder = compareValues(a[aKeys[i]], b[bKeys[i]]);
    if (valueOrder !== 0) return valueOrder;
  }
  return aKeys.length - bKeys.length;
}

/**
 * A string equal for two values exactly when `deepEquals` holds (object key order does not matter), distinct across
 * kinds (`1`, `"1"` and `true` differ) and with `undefined` as a value of its own, for DISTINCT and GROUP BY.
 */
export function canonicalKey(value: unknown): string {
  switch (kindOf(value)) {
    case 'undefined':
      return 'u';
    case 'null':
      return 'n';
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      return `d${Object.is(value, -0) ? 0 : (value as number)}`;
    case 'string':
      return JSON.stringify(value);
    case 'array':
      return `[${(value as unknown[]).map(canonicalKey).join(',')}]`;
    case 'object': {
      const record = value as Record<string, unknown>;
      const keys = definedKeys(record).sort(compareStrings);
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalKey(record[key])}`).join(',')}}`;
    }
  }
}

function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}
