import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  RequestTooLargeError,
} from '../errors';
import type { ContainerRecord, DocumentTransaction, StoredDocument } from '../storage/cosmosStore';
import { describePartitionKey, type PartitionKeyText } from './partitionKey';
import { documentRid, epochSeconds, etagFor, stampDocument } from './systemProperties';
import { expiryOf } from './timeToLive';

/** Cosmos DB's largest document (2 MB), system properties included. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** Where the operations of one request write, and when. */
export interface WriteScope {
  readonly tx: DocumentTransaction;
  readonly container: ContainerRecord;
  readonly nowMs: number;
}

/** A document in a request: its key and its own properties (system properties are the service's). */
export interface DocumentInput {
  readonly pk: PartitionKeyText;
  readonly id: string;
  readonly doc: Record<string, unknown>;
}

export const etagOf = (stored: StoredDocument): string => etagFor(stored.lsn, stored.ts);

export function documentNotFound(container: ContainerRecord, pk: PartitionKeyText, id: string): NotFoundError {
  return new NotFoundError(
    `Entity with the specified id does not exist in the system: no document '${id}' with partition key ${describePartitionKey(pk)} in container '${container.id}'. More info: https://aka.ms/cosmosdb-tsg-not-found`,
  );
}

/** `If-Match`: the caller's ETag must be the current version's (`*` accepts any version). */
export function requireEtag(stored: StoredDocument, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch === etagOf(stored)) return;
  throw new PreconditionFailedError(
    `Operation cannot be performed because one of the specified precondition is not met: document '${stored.id}' is at ETag ${etagOf(stored)}, the request asked for ${ifMatch} (someone wrote it since; read it again and retry).`,
  );
}

/** An `id` Cosmos DB accepts: a non-empty string of at most 255 characters without `/`, `\`, `?` or `#`. */
export function checkDocumentId(id: unknown): string {
  if (typeof id !== 'string' || id === '')
    throw new BadRequestError(
      `The input content is invalid because the required properties - 'id; ' - are missing or not strings (got ${JSON.stringify(id)}).`,
    );
  if (id.length > 255 || /[/\\?#]/.test(id))
    throw new BadRequestError(
      `The input name '${id.slice(0, 300)}' is invalid. Ensure to provide a unique non-empty string less than '255' characters, without '/', '\\', '?' or '#'.`,
    );
  return id;
}

/** Stamps and stores a new version; the size limit applies to what is stored, so a patch cannot grow past it. */
export function writeVersion(scope: WriteScope, input: DocumentInput, previous?: StoredDocument): StoredDocument {
  const lsn = scope.tx.nextLsn();
  const ts = epochSeconds(scope.nowMs);
  const rid = previous?.rid ?? documentRid(scope.container.rid, lsn);
  const body = JSON.stringify(
    stampDocument(input.doc, { rid, containerSelf: scope.container.self, etag: etagFor(lsn, ts), ts }),
  );
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_DOCUMENT_BYTES)
    throw new RequestTooLargeError(
      `Request size is too large: document '${input.id}' would be ${bytes.toLocaleString('en-US')} bytes with its system properties; Cosmos DB allows ${MAX_DOCUMENT_BYTES.toLocaleString('en-US')} bytes (2 MB) per item.`,
    );
  const expiresAt = expiryOf(scope.container, input.doc, ts);
  const stored: StoredDocument = { pk: input.pk, id: input.id, rid, lsn, ts, body, expiresAt };
  scope.tx.put(stored);
  return stored;
}

export function createDocument(scope: WriteScope, input: DocumentInput): StoredDocument {
  if (scope.tx.get(input.pk, input.id))
    throw new ConflictError(
      `Entity with the specified id already exists in the system: document '${input.id}' with partition key ${describePartitionKey(input.pk)} in container '${scope.container.id}'.`,
    );
  return writeVersion(scope, input);
}

/** Creates or replaces; `created` tells which (201 or 200). */
export function upsertDocument(
  scope: WriteScope,
  input: DocumentInput,
  ifMatch?: string,
): { stored: StoredDocument; created: boolean } {
  const previous = scope.tx.get(input.pk, input.id);
  if (!previous) {
    if (ifMatch !== undefined && ifMatch !== '*')
      throw new PreconditionFailedError(
        `Operation cannot be performed because one of the specified precondition is not met: document '${input.id}' does not exist, so it cannot be at ETag ${ifMatch}.`,
      );
    return { stored: writeVersion(scope, input), created: true };
  }
  requireEtag(previous, ifMatch);
  return { stored: writeVersion(scope, input, previous), created: false };
}

export function replaceDocument(scope: WriteScope, input: DocumentInput, ifMatch?: string): StoredDocument {
  const previous = scope.tx.get(input.pk, input.id);
  if (!previous) throw documentNotFound(scope.container, input.pk, input.id);
  requireEtag(previous, ifMatch);
  return writeVersion(scope, input, previous);
}

export function deleteDocument(scope: WriteScope, pk: PartitionKeyText, id: string, ifMatch?: string): void {
  const previous = scope.tx.get(pk, id);
  if (!previous) throw documentNotFound(scope.container, pk, id);
  requireEtag(previous, ifMatch);
  scope.tx.remove(pk, id);
}

export function readDocument(scope: WriteScope, pk: PartitionKeyText, id: string): StoredDocument {
  const stored = scope.tx.get(pk, id);
  if (!stored) throw documentNotFound(scope.container, pk, id);
  return stored;
}
