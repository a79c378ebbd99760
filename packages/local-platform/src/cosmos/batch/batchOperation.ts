import {
  checkDocumentId,
  createDocument,
  deleteDocument,
  type DocumentInput,
  etagOf,
  readDocument,
  replaceDocument,
  upsertDocument,
  type WriteScope,
} from '../documents/documentOperations';
import {
  documentPartitionKey,
  headerPartitionKey,
  type PartitionKeyDefinition,
  type PartitionKeyText,
  requireSamePartitionKey,
} from '../documents/partitionKey';
import { BadRequestError, CosmosError } from '../errors';
import { parsePatchSpec, patchDocument, type PatchSpec } from '../patch/patchDocument';
import type { StoredDocument } from '../storage/cosmosStore';

const OPERATION_TYPES = ['Create', 'Upsert', 'Read', 'Delete', 'Replace', 'Patch'] as const;
type OperationType = (typeof OPERATION_TYPES)[number];

/** One operation of a batch or bulk request, parsed; `invalid` holds why the service would refuse it alone. */
export interface BatchOperation {
  readonly type: OperationType;
  readonly pk?: PartitionKeyText;
  readonly id?: string;
  readonly input?: DocumentInput;
  readonly patch?: PatchSpec;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly invalid?: CosmosError;
}

/** An operation's outcome as the SDK reads it (`statusCode`, `requestCharge`, `eTag`, `resourceBody`, ...). */
export interface OperationResult {
  readonly statusCode: number;
  readonly requestCharge: number;
  readonly stored?: StoredDocument;
  readonly error?: CosmosError;
}

/**
 * Reads one operation. `batchPk` is a transactional batch's partition key (the request's): an operation naming
 * another one makes the whole request invalid, as in the service. A bulk operation carries its own key.
 */
export function parseBatchOperation(
  raw: Record<string, unknown>,
  index: number,
  definition: PartitionKeyDefinition,
  batchPk?: PartitionKeyText,
): BatchOperation {
  const type = raw?.operationType as OperationType;
  if (!OPERATION_TYPES.includes(type))
    throw new BadRequestError(
      `Operation ${index}: operationType must be one of ${OPERATION_TYPES.join(', ')}, not ${JSON.stringify(raw?.operationType)}.`,
    );
  const opPk = typeof raw.partitionKey === 'string' ? headerPartitionKey(raw.partitionKey, definition) : undefined;
  if (batchPk !== undefined && opPk !== undefined && opPk !== batchPk)
    throw new BadRequestError(
      `One or more operations within the batch request have a different partition key value than the request (operation ${index} has ${opPk}, the request ${batchPk}).`,
    );
  const pk = batchPk ?? opPk;
  const ifMatch = typeof raw.ifMatch === 'string' ? raw.ifMatch : undefined;
  const ifNoneMatch = typeof raw.ifNoneMatch === 'string' ? raw.ifNoneMatch : undefined;
  try {
    if (type === 'Create' || type === 'Upsert' || type === 'Replace') {
      const doc = raw.resourceBody as Record<string, unknown>;
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
        throw new BadRequestError(`Operation ${index} (${type}) needs resourceBody, the document as a JSON object.`);
      const id = checkDocumentId(doc.id);
      const own = documentPartitionKey(doc, definition);
      if (pk !== undefined) requireSamePartitionKey(pk, own);
      if (type === 'Replace' && raw.id !== undefined && raw.id !== id)
        throw new BadRequestError(
          `Operation ${index} (Replace): id '${String(raw.id)}' is not the document's ('${id}').`,
        );
      return { type, pk: own, id, input: { pk: own, id, doc }, ifMatch, ifNoneMatch };
    }
    const id = checkDocumentId(raw.id);
    if (pk === undefined) throw new BadRequestError(`Operation ${index} (${type} '${id}') needs its partitionKey.`);
    const patch = type === 'Patch' ? parsePatchSpec(raw.resourceBody) : undefined;
    return { type, pk, id, patch, ifMatch, ifNoneMatch };
  } catch (e) {
    if (!(e instanceof CosmosError)) throw e;
    return { type, pk, invalid: e };
  }
}

/** Runs one operation in the request's write transaction; a CosmosError is its failed outcome. */
export function executeBatchOperation(scope: WriteScope, op: BatchOperation): OperationResult {
  if (op.invalid) throw op.invalid;
  const id = op.id!;
  const pk = op.pk!;
  const written = (statusCode: number, stored: StoredDocument): OperationResult => ({
    statusCode,
    requestCharge: Math.round(5.71 * Math.max(1, Math.ceil(stored.body.length / 1024)) * 100) / 100,
    stored,
  });
  switch (op.type) {
    case 'Create':
      return written(201, createDocument(scope, op.input!));
    case 'Upsert': {
      const { stored, created } = upsertDocument(scope, op.input!, op.ifMatch);
      return written(created ? 201 : 200, stored);
    }
    case 'Replace':
      return written(200, replaceDocument(scope, op.input!, op.ifMatch));
    case 'Patch':
      return written(200, patchDocument(scope, pk, id, op.patch!, op.ifMatch));
    case 'Delete':
      deleteDocument(scope, pk, id, op.ifMatch);
      return { statusCode: 204, requestCharge: 5.71 };
    case 'Read': {
      const stored = readDocument(scope, pk, id);
      if (op.ifNoneMatch !== undefined && op.ifNoneMatch === etagOf(stored))
        return { statusCode: 304, requestCharge: 1 };
      return { statusCode: 200, requestCharge: 1, stored };
    }
  }
}

/** The result as JSON text: the document goes in as stored, unless the caller asked for minimal writes. */
export function resultJson(result: OperationResult, minimal: boolean, isRead: boolean): string {
  const fields = [`"statusCode":${result.statusCode}`, `"requestCharge":${result.requestCharge}`];
  if (result.stored) fields.push(`"eTag":${JSON.stringify(etagOf(result.stored))}`);
  if (result.stored && (!minimal || isRead)) fields.push(`"resourceBody":${result.stored.body}`);
  if (result.error) {
    fields.push(`"subStatusCode":${result.error.substatus}`, `"message":${JSON.stringify(result.error.message)}`);
  }
  return `{${fields.join(',')}}`;
}
