import { MAX_DOCUMENT_BYTES } from '../documents/documentOperations';
import { parsePatchSpec, patchDocument } from '../patch/patchDocument';
import { addressedContainer } from './containerHandlers';
import { type CosmosHandler, header, jsonBody } from './cosmosRequest';
import { refuseOversizedBody, requestPartitionKey } from './documentHandlers';
import { documentResponse } from './responses';

/** `PATCH .../docs/{id}`: partial document update, with `If-Match` and an optional condition (412 when false). */
export const patchDocumentHandler: CosmosHandler = async (request, { store, now }) => {
  const container = addressedContainer(request, store);
  const pk = requestPartitionKey(request, container);
  refuseOversizedBody(request, MAX_DOCUMENT_BYTES, 'patch');
  const spec = parsePatchSpec(jsonBody(request));
  const stored = await store.writeDocuments(container, (tx) =>
    patchDocument({ tx, container, nowMs: now() }, pk, request.address.documentId!, spec, header(request, 'if-match')),
  );
  return documentResponse(200, container, stored, 'write');
};
