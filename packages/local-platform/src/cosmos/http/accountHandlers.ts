import type { CosmosHandler } from './cosmosRequest';
import { resourceResponse } from './responses';

/**
 * `GET /`: the database account. The SDK reads its locations to route requests (unless endpoint discovery is off),
 * so both point back at this endpoint as the client addressed it; consistency is Session, as a new account's is.
 */
export const readAccount: CosmosHandler = (request) => {
  const location = [{ name: 'Local', databaseAccountEndpoint: `${request.origin}/` }];
  return resourceResponse(
    200,
    JSON.stringify({
      _self: '',
      id: 'local-cosmos',
      _rid: 'local-cosmos',
      media: '//media/',
      addresses: '//addresses/',
      _dbs: '//dbs/',
      writableLocations: location,
      readableLocations: location,
      enableMultipleWriteLocations: false,
      enablePerPartitionFailoverBehavior: false,
      userReplicationPolicy: { asyncReplication: false, minReplicaSetSize: 1, maxReplicasetSize: 1 },
      userConsistencyPolicy: { defaultConsistencyLevel: 'Session' },
      systemReplicationPolicy: { minReplicaSetSize: 1, maxReplicasetSize: 1 },
      readPolicy: { primaryReadCoefficient: 1, secondaryReadCoefficient: 1 },
      queryEngineConfiguration: JSON.stringify({
        maxSqlQueryInputLength: 262144,
        maxJoinsPerSqlQuery: 5,
        maxLogicalAndPerSqlQuery: 500,
        maxLogicalOrPerSqlQuery: 500,
        maxUdfRefPerSqlQuery: 10,
        maxInExpressionItemsCount: 16000,
        queryMaxInMemorySortDocumentCount: 500,
        maxQueryRequestTimeoutFraction: 0.9,
        sqlAllowNonFiniteNumbers: false,
        sqlAllowAggregateFunctions: true,
        sqlAllowSubQuery: true,
        sqlAllowScalarSubQuery: true,
        allowNewKeywords: true,
        sqlAllowLike: true,
        sqlAllowGroupByClause: true,
        maxSpatialQueryCells: 12,
        spatialMaxGeometryPointCount: 256,
        sqlAllowTop: true,
        enableSpatialIndexing: true,
      }),
    }),
  );
};
