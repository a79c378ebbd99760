import { documentNotFound, requireEtag, writeVersion, type WriteScope } from '../documents/documentOperations';
import { documentPartitionKey, type PartitionKeyText } from '../documents/partitionKey';
import { SYSTEM_PROPERTIES } from '../documents/systemProperties';
import { BadRequestError, PreconditionFailedError } from '../errors';
import type { CompiledQuery } from '../query';
import { compile } from '../queryExecution/queryCompilation';
import type { StoredDocument } from '../storage/cosmosStore';
import { applyPatch, type PatchOperation, parsePatchOperations } from './patchOperations';

/** A patch request: its operations and the optional predicate (`FROM c WHERE ...`) the document must satisfy. */
export interface PatchSpec {
  operations: PatchOperation[];
  condition?: { text: string; query: CompiledQuery };
}

/** The body of a patch (`{ operations, condition }`, or the operations array alone), checked and compiled. */
export function parsePatchSpec(body: unknown): PatchSpec {
  const raw = Array.isArray(body)
    ? { operations: body }
    : ((body ?? {}) as { operations?: unknown; condition?: unknown });
  const operations = parsePatchOperations(raw.operations);
  if (raw.condition === undefined || raw.condition === null) return { operations };
  if (typeof raw.condition !== 'string' || !/^\s*from\s/i.test(raw.condition))
    throw new BadRequestError(
      `A patch condition is a query's FROM clause and filter, such as "FROM c WHERE c.status = 'open'" (got ${JSON.stringify(raw.condition)}).`,
    );
  return { operations, condition: { text: raw.condition, query: compile(`SELECT * ${raw.condition}`, []) } };
}

/**
 * Patches the current version: If-Match and the condition are checked against it, then the operations applied to a
 * copy; the id, the partition key and the system properties cannot change. Runs inside the write transaction, so
 * concurrent patches of one document apply one after the other (fifty `incr`s add up).
 */
export function patchDocument(
  scope: WriteScope,
  pk: PartitionKeyText,
  id: string,
  spec: PatchSpec,
  ifMatch?: string,
): StoredDocument {
  const previous = scope.tx.get(pk, id);
  if (!previous) throw documentNotFound(scope.container, pk, id);
  requireEtag(previous, ifMatch);
  const doc = JSON.parse(previous.body) as Record<string, unknown>;
  if (spec.condition && spec.condition.query.run([doc]).length === 0)
    throw new PreconditionFailedError(
      `Operation cannot be performed because one of the specified precondition is not met: the patch condition '${spec.condition.text}' does not hold for document '${id}'.`,
    );
  for (const op of spec.operations) {
    for (const path of op.op === 'move' ? [op.path, op.from] : [op.path]) {
      const first = path.split('/')[1];
      if ((SYSTEM_PROPERTIES as readonly string[]).includes(first))
        throw new BadRequestError(`The system property ${first} cannot be patched (${op.op} ${path}).`);
    }
  }
  applyPatch(doc, spec.operations);
  if (doc.id !== id)
    throw new BadRequestError(`A patch cannot change a document's id ('${id}'); create a new document instead.`);
  if (documentPartitionKey(doc, scope.container.partitionKey) !== pk)
    throw new BadRequestError(
      `A patch cannot change the partition key (${scope.container.partitionKey.paths.join(', ')}) of document '${id}'; create a new document instead.`,
    );
  return writeVersion(scope, { pk, id, doc }, previous);
}
