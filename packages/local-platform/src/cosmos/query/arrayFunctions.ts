/**
 * Array functions. Membership uses Cosmos equality (deep for arrays and objects); ARRAY_CONTAINS's third argument
 * asks for a partial match of objects: every property of the searched object must be present and equal in the
 * element (the documented `{ category: "shirts" }` matches `{ category: "shirts", color: "blue" }`).
 */
import { type BuiltinFunction, defineFunction, isInteger, optionalFlag } from './functionDefinition';
import { canonicalKey, deepEquals, isJsonObject } from './typeOrder';

function matches(element: unknown, searched: unknown, partial: boolean): boolean {
  if (!partial || !isJsonObject(searched) || !isJsonObject(element)) return deepEquals(element, searched);
  return Object.keys(searched).every((key) => searched[key] === undefined || deepEquals(element[key], searched[key]));
}

function arrayContains([array, searched, partialFlag]: readonly unknown[]): boolean | undefined {
  const partial = optionalFlag(partialFlag);
  if (!Array.isArray(array) || partial === undefined) return undefined;
  if (searched === undefined) return false;
  return array.some((element) => matches(element, searched, partial));
}

function arraySlice([array, start, length]: readonly unknown[]): unknown[] | undefined {
  if (!Array.isArray(array) || !isInteger(start) || (length !== undefined && !isInteger(length))) return undefined;
  const from = start < 0 ? Math.max(0, array.length + start) : start;
  if (length === undefined) return array.slice(from);
  return length <= 0 ? [] : array.slice(from, from + length);
}

/** Distinct elements in first-seen order. */
function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = canonicalKey(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function keysOf(values: readonly unknown[]): Set<string> {
  return new Set(values.map(canonicalKey));
}

function setFunction(
  name: string,
  combine: (left: readonly unknown[], right: readonly unknown[]) => unknown,
): BuiltinFunction {
  return defineFunction(name, 2, 2, ([left, right]) =>
    Array.isArray(left) && Array.isArray(right) ? combine(left, right) : undefined,
  );
}

function objectToArray([object, keyName = 'k', valueName = 'v']: readonly unknown[]): unknown[] | undefined {
  if (!isJsonObject(object) || typeof keyName !== 'string' || typeof valueName !== 'string') return undefined;
  return Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ [keyName]: key, [valueName]: value }));
}

export const arrayFunctions: readonly BuiltinFunction[] = [
  defineFunction('ARRAY_CONCAT', 2, Infinity, (args) =>
    args.every(Array.isArray) ? (args as unknown[][]).flat(1) : undefined,
  ),
  defineFunction('ARRAY_CONTAINS', 2, 3, arrayContains),
  defineFunction('ARRAY_CONTAINS_ANY', 2, Infinity, ([array, ...searched]) =>
    Array.isArray(array) ? searched.some((s) => array.some((element) => matches(element, s, false))) : undefined,
  ),
  defineFunction('ARRAY_CONTAINS_ALL', 2, Infinity, ([array, ...searched]) =>
    Array.isArray(array) ? searched.every((s) => array.some((element) => matches(element, s, false))) : undefined,
  ),
  defineFunction('ARRAY_LENGTH', 1, 1, ([array]) => (Array.isArray(array) ? array.length : undefined)),
  defineFunction('ARRAY_SLICE', 2, 3, arraySlice),
  defineFunction('CHOOSE', 2, Infinity, ([index, ...values]) =>
    isInteger(index) && index >= 1 && index <= values.length ? values[index - 1] : undefined,
  ),
  defineFunction('ObjectToArray', 1, 3, objectToArray),
  // In the second array's order, as the documented SetIntersect([1, 2, "A", "B"], ["A", 1]) = ["A", 1].
  setFunction('SetIntersect', (left, right) => {
    const leftKeys = keysOf(left);
    return distinct(right.filter((value) => leftKeys.has(canonicalKey(value))));
  }),
  setFunction('SetUnion', (left, right) => distinct([...left, ...right])),
  setFunction('SetDifference', (left, right) => {
    const rightKeys = keysOf(right);
    return distinct(left.filter((value) => !rightKeys.has(canonicalKey(value))));
  }),
  setFunction('SetEqual', (left, right) => {
    const leftKeys = keysOf(left);
    const rightKeys = keysOf(right);
    return leftKeys.size === rightKeys.size && [...leftKeys].every((key) => rightKeys.has(key));
  }),
];
