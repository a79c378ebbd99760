import type { WriteScope } from '../documents/documentOperations';
import { CosmosError } from '../errors';
import { type BatchOperation, executeBatchOperation, type OperationResult } from './batchOperation';

/** Cosmos DB's limit on operations in one transactional batch (and per bulk request the SDK sends). */
export const MAX_BATCH_OPERATIONS = 100;

/** 424 for an operation that was not applied because another of its request failed. */
class FailedDependencyError extends CosmosError {
  readonly status = 424;
  readonly code = 'FailedDependency';
  constructor(failedIndex: number) {
    super(
      `Failed dependency: operation ${failedIndex} of the request failed, so this one was not applied (a transactional batch is all or nothing).`,
    );
    this.name = 'FailedDependencyError';
  }
}

/**
 * A transactional batch that failed: thrown out of the write transaction so that none of its writes stay, and
 * answered 207 Multi-Status with the failing operation's status and 424 for every other, as the service does.
 */
export class TransactionalBatchFailed extends CosmosError {
  readonly status = 207;
  readonly code = 'MultiStatus';
  constructor(readonly results: readonly OperationResult[]) {
    super('A transactional batch operation failed; none was applied.');
    this.name = 'TransactionalBatchFailed';
  }
}

const failed = (error: CosmosError): OperationResult => ({ statusCode: error.status, requestCharge: 0, error });

/** All or nothing: the first failure aborts the batch (the caller's transaction rolls back). */
export function runTransactionalBatch(scope: WriteScope, operations: readonly BatchOperation[]): OperationResult[] {
  const results: OperationResult[] = [];
  for (const [index, op] of operations.entries()) {
    try {
      results.push(executeBatchOperation(scope, op));
    } catch (e) {
      if (!(e instanceof CosmosError)) throw e;
      throw new TransactionalBatchFailed(
        operations.map((_, j) => (j === index ? failed(e) : failed(new FailedDependencyError(index)))),
      );
    }
  }
  return results;
}

/**
 * Bulk: each operation on its own, a failure affecting no other; with `continueOnError` false the ones after a
 * failure are not attempted (424). An operation fails before it writes anything, so no undo is needed.
 */
export function runBulk(
  scope: WriteScope,
  operations: readonly BatchOperation[],
  continueOnError: boolean,
): OperationResult[] {
  let stoppedAt: number | undefined;
  return operations.map((op, index) => {
    if (stoppedAt !== undefined) return failed(new FailedDependencyError(stoppedAt));
    try {
      return executeBatchOperation(scope, op);
    } catch (e) {
      if (!(e instanceof CosmosError)) throw e;
      if (!continueOnError) stoppedAt = index;
      return failed(e);
    }
  });
}
