import {
  checkDocumentId,
  createDocument,
  deleteDocument,
  type DocumentInput,
  documentNotFound,
  etagOf,
  MAX_DOCUMENT_BYTES,
  replaceDocument,
  upsertDocument,
} from '../documents/documentOperations';
import {
  documentPartitionKey,
  headerPartitionKey,
  type PartitionKeyText,
  requireSamePartitionKey,
} from '../documents/partitionKey';
import { BadRequestError, RequestTooLargeError } from '../errors';
import type { ContainerRecord } from '../storage/cosmosStore';
import { addressedContainer } from './containerHandlers';
import { type CosmosHandler, type CosmosRequest, flag, header, jsonObjectBody } from './cosmosRequest';
import { documentHeaders, documentResponse, requestCharge } from './responses';

/** The request's `x-ms-documentdb-partitionkey`, which every document operation needs. */
export function requestPartitionKey(request: CosmosRequest, container: ContainerRecord): PartitionKeyText {
  const raw = header(request, 'x-ms-documentdb-partitionkey');
  if (raw === undefined)
    throw new BadRequestError(
      `PartitionKey value must be supplied for this operation: container '${container.id}' is partitioned by ${container.partitionKey.paths.join(', ')} (x-ms-documentdb-partitionkey header).`,
    );
  return headerPartitionKey(raw, container.partitionKey);
}

/** A request body over the item limit is refused before it is parsed. */
export function refuseOversizedBody(request: CosmosRequest, limit: number, what: string): void {
  if (request.body.length > limit)
    throw new RequestTooLargeError(
      `Request size is too large: the ${what} is ${request.body.length.toLocaleString('en-US')} bytes; Cosmos DB allows ${limit.toLocaleString('en-US')} bytes (2 MB) per item.`,
    );
}

/** The document in the body, checked against the container's partition key and the request's. */
function documentInput(request: CosmosRequest, container: ContainerRecord): DocumentInput {
  refuseOversizedBody(request, MAX_DOCUMENT_BYTES, 'document');
  const doc = jsonObjectBody(request, 'document');
  const id = checkDocumentId(doc.id);
  const pk = documentPartitionKey(doc, container.partitionKey);
  requireSamePartitionKey(requestPartitionKey(request, container), pk);
  return { pk, id, doc };
}

const ifMatch = (request: CosmosRequest): string | undefined => header(request, 'if-match');

/** `POST .../docs`: create, or upsert with `x-ms-documentdb-is-upsert`. */
export const createOrUpsertDocument: CosmosHandler = async (request, { store, now }) => {
  const container = addressedContainer(request, store);
  const input = documentInput(request, container);
  if (flag(request, 'x-ms-documentdb-is-upsert')) {
    const { stored, created } = await store.writeDocuments(container, (tx) =>
      upsertDocument({ tx, container, nowMs: now() }, input, ifMatch(request)),
    );
    return documentResponse(created ? 201 : 200, container, stored, 'write');
  }
  const stored = await store.writeDocuments(container, (tx) => createDocument({ tx, container, nowMs: now() }, input));
  return documentResponse(201, container, stored, 'write');
};

/** `GET .../docs/{id}`; `If-None-Match` with the current ETag answers 304 without the body. */
export const readDocument: CosmosHandler = (request, { store }) => {
  const container = addressedContainer(request, store);
  const pk = requestPartitionKey(request, container);
  const id = request.address.documentId!;
  const stored = store.readDocument(container, pk, id);
  if (!stored) throw documentNotFound(container, pk, id);
  const etag = etagOf(stored);
  if (header(request, 'if-none-match') === etag)
    return { status: 304, headers: { ...documentHeaders(container, stored.lsn, requestCharge.read(0)), etag } };
  return documentResponse(200, container, stored, 'read');
};

/** `PUT .../docs/{id}`: the whole document, `If-Match` for optimistic concurrency. */
export const replaceDocumentHandler: CosmosHandler = async (request, { store, now }) => {
  const container = addressedContainer(request, store);
  const input = documentInput(request, container);
  if (input.id !== request.address.documentId)
    throw new BadRequestError(
      `The document's id in the body ('${input.id}') must be the one in the path ('${request.address.documentId}'); a replace cannot rename a document.`,
    );
  const stored = await store.writeDocuments(container, (tx) =>
    replaceDocument({ tx, container, nowMs: now() }, input, ifMatch(request)),
  );
  return documentResponse(200, container, stored, 'write');
};

export const deleteDocumentHandler: CosmosHandler = async (request, { store, now }) => {
  const container = addressedContainer(request, store);
  const pk = requestPartitionKey(request, container);
  await store.writeDocuments(container, (tx) =>
    deleteDocument({ tx, container, nowMs: now() }, pk, request.address.documentId!, ifMatch(request)),
  );
  return { status: 204, headers: documentHeaders(container, store.committedLsn(), requestCharge.delete) };
};
