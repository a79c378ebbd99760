/**
 * SAM's Globals merge rules, as the SAM translator applies them to each resource:
 * - maps merge key by key, recursively; on a clash the resource's value wins;
 * - lists concatenate, the global entries first;
 * - anything else (strings, numbers, intrinsic functions) is replaced by the resource's value.
 */
type Json = unknown;

function isPlainMap(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An intrinsic (`{ Ref }`, `{ "Fn::X" }`) is a value, not a map to merge into: SAM treats it as a primitive. */
function isIntrinsic(value: Json): boolean {
  if (!isPlainMap(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

export function mergeGlobals(global: Json, local: Json): Json {
  if (local === undefined) return global;
  if (global === undefined) return local;
  if (isPlainMap(global) && isPlainMap(local) && !isIntrinsic(global) && !isIntrinsic(local)) {
    const out: Record<string, Json> = { ...global };
    for (const [key, value] of Object.entries(local)) out[key] = mergeGlobals(global[key], value);
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
}
