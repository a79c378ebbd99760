import {
  MAX_BATCH_OPERATIONS,
  runBulk,
  runTransactionalBatch,
  TransactionalBatchFailed,
} from '../batch/batchExecution';
import { type OperationResult, parseBatchOperation, resultJson } from '../batch/batchOperation';
import { MAX_DOCUMENT_BYTES } from '../documents/documentOperations';
import { BadRequestError } from '../errors';
import { addressedContainer } from './containerHandlers';
import { type CosmosHandler, flag, header, jsonBody } from './cosmosRequest';
import { refuseOversizedBody, requestPartitionKey } from './documentHandlers';
import { documentHeaders } from './responses';

/**
 * `POST .../docs` with `x-ms-cosmos-is-batch-request`: a transactional batch (`x-ms-cosmos-batch-atomic`, one
 * partition key, all or nothing) or a page of the SDK's bulk operations (each on its own). Every operation's result
 * comes back in order; 207 when one failed.
 */
export const batchOrBulk: CosmosHandler = async (request, { store, now }) => {
  const container = addressedContainer(request, store);
  refuseOversizedBody(request, MAX_DOCUMENT_BYTES, 'batch request');
  const body = jsonBody(request);
  if (!Array.isArray(body) || body.length === 0)
    throw new BadRequestError('A batch request body is a non-empty JSON array of operations.');
  if (body.length > MAX_BATCH_OPERATIONS)
    throw new BadRequestError(
      `A batch request has at most ${MAX_BATCH_OPERATIONS} operations; this one has ${body.length}.`,
    );
  const atomic = flag(request, 'x-ms-cosmos-batch-atomic');
  const batchPk = atomic ? requestPartitionKey(request, container) : undefined;
  const operations = body.map((raw: Record<string, unknown>, i) =>
    parseBatchOperation(raw, i, container.partitionKey, batchPk),
  );
  const continueOnError = header(request, 'x-ms-cosmos-batch-continue-on-error')?.toLowerCase() !== 'false';
  let results: readonly OperationResult[];
  try {
    results = await store.writeDocuments(container, (tx) => {
      const scope = { tx, container, nowMs: now() };
      return atomic ? runTransactionalBatch(scope, operations) : runBulk(scope, operations, continueOnError);
    });
  } catch (e) {
    if (!(e instanceof TransactionalBatchFailed)) throw e;
    results = e.results;
  }
  const minimal = (header(request, 'prefer') ?? '').includes('return=minimal');
  const charge = results.reduce((sum, r) => sum + r.requestCharge, 0);
  return {
    status: results.some((r) => r.statusCode >= 400) ? 207 : 200,
    headers: documentHeaders(container, store.committedLsn(), Math.round(charge * 100) / 100),
    body: `[${results.map((r, i) => resultJson(r, minimal, operations[i].type === 'Read')).join(',')}]`,
  };
};
