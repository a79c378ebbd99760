import { BadRequestError } from '../errors';
import { arrayIndex, type JsonContainer, parentOf, parsePointer } from './jsonPointer';

/** The operations of Cosmos DB's partial document update (Patch API). */
export type PatchOperation =
  | { op: 'add' | 'set' | 'replace' | 'incr'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move'; from: string; path: string };

/** Cosmos DB's limit on operations in one patch. */
export const MAX_PATCH_OPERATIONS = 10;

const OPS = new Set(['add', 'set', 'replace', 'remove', 'incr', 'move']);

/** The operations of a request body, checked for what each needs before anything is applied. */
export function parsePatchOperations(raw: unknown): PatchOperation[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new BadRequestError('A patch needs "operations": a non-empty array of { op, path, value } objects.');
  if (raw.length > MAX_PATCH_OPERATIONS)
    throw new BadRequestError(
      `A patch has at most ${MAX_PATCH_OPERATIONS} operations; this one has ${raw.length}. Split it, or use a transactional batch of patches.`,
    );
  return raw.map((op: Record<string, unknown>, i) => {
    const where = `Patch operation ${i}`;
    if (op === null || typeof op !== 'object' || !OPS.has(op.op as string))
      throw new BadRequestError(`${where}: op must be one of ${[...OPS].join(', ')} (got ${JSON.stringify(op?.op)}).`);
    parsePointer(op.path, where);
    if (op.op === 'move') parsePointer(op.from, `${where} (from)`);
    else if (op.op !== 'remove' && !('value' in op)) throw new BadRequestError(`${where} (${op.op}) needs a value.`);
    if (op.op === 'incr' && typeof op.value !== 'number')
      throw new BadRequestError(`${where}: incr needs a number as value, not ${JSON.stringify(op.value)}.`);
    return op as PatchOperation;
  });
}

function describe(i: number, op: PatchOperation): string {
  return `Patch operation ${i} (${op.op} ${op.op === 'move' ? `${op.from} → ` : ''}${op.path})`;
}

function read(parent: JsonContainer, token: string, where: string): { exists: boolean; value: unknown } {
  if (Array.isArray(parent)) {
    const index = arrayIndex(token, parent.length, where);
    return { exists: index < parent.length, value: parent[index] };
  }
  return { exists: Object.prototype.hasOwnProperty.call(parent, token), value: parent[token] };
}

/** Add: sets a property (new or not); in an array inserts at the index (its length or `-` appends). */
function add(parent: JsonContainer, token: string, value: unknown, where: string): void {
  if (!Array.isArray(parent)) {
    parent[token] = value;
    return;
  }
  const index = arrayIndex(token, parent.length, where);
  if (index > parent.length)
    throw new BadRequestError(`${where}: index ${index} is past the end of the array (length ${parent.length}).`);
  parent.splice(index, 0, value);
}

/** Set: as add, except that an existing array element is overwritten instead of shifted. */
function set(parent: JsonContainer, token: string, value: unknown, where: string): void {
  if (Array.isArray(parent) && arrayIndex(token, parent.length, where) < parent.length)
    parent[arrayIndex(token, parent.length, where)] = value;
  else add(parent, token, value, where);
}

function remove(parent: JsonContainer, token: string, where: string): unknown {
  const current = read(parent, token, where);
  if (!current.exists) throw new BadRequestError(`${where}: the path does not exist, so it cannot be removed.`);
  if (Array.isArray(parent)) parent.splice(arrayIndex(token, parent.length, where), 1);
  else delete parent[token];
  return current.value;
}

/**
 * Applies the operations in order to `doc` (changed in place): a failing one throws BadRequestError naming it, and the
 * caller discards the document, so a patch applies entirely or not at all.
 */
export function applyPatch(doc: Record<string, unknown>, operations: readonly PatchOperation[]): void {
  operations.forEach((op, i) => {
    const where = describe(i, op);
    const tokens = parsePointer(op.path, where);
    const last = tokens[tokens.length - 1];
    if (op.op === 'move') {
      const from = parsePointer(op.from, where);
      if (op.path === op.from) return;
      if (op.path.startsWith(`${op.from}/`))
        throw new BadRequestError(`${where}: a value cannot be moved into one of its own children.`);
      const value = remove(parentOf(doc, from, where), from[from.length - 1], where);
      add(parentOf(doc, tokens, where), last, value, where);
      return;
    }
    const parent = parentOf(doc, tokens, where);
    switch (op.op) {
      case 'add':
        return add(parent, last, op.value, where);
      case 'set':
        return set(parent, last, op.value, where);
      case 'replace':
        if (!read(parent, last, where).exists)
          throw new BadRequestError(`${where}: the path does not exist; replace only changes what is there (use set).`);
        return set(parent, last, op.value, where);
      case 'remove':
        remove(parent, last, where);
        return;
      case 'incr': {
        const current = read(parent, last, where);
        if (current.exists && typeof current.value !== 'number')
          throw new BadRequestError(`${where}: incr needs a number there, found ${JSON.stringify(current.value)}.`);
        return set(parent, last, ((current.value as number | undefined) ?? 0) + (op.value as number), where);
      }
    }
  });
}
