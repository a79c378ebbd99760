import { headerPartitionKey } from '../documents/partitionKey';
import { BadRequestError, databaseNotFound, NotSupportedError } from '../errors';
import type { CompiledQuery, QueryInfo, QueryParameter } from '../query';
import { compile } from '../queryExecution/queryCompilation';
import { queryPage } from '../queryExecution/queryPages';
import { queryScope } from '../queryExecution/queryScope';
import { addressedContainer } from './containerHandlers';
import { type CosmosHandler, type CosmosRequest, flag, header, jsonObjectBody, maxItemCount } from './cosmosRequest';
import { documentHeaders, feedBody, requestCharge } from './responses';

/** The query a request carries (`{ query, parameters }`), compiled. */
function requestQuery(request: CosmosRequest): { text: string; parameters: QueryParameter[]; compiled: CompiledQuery } {
  const body = jsonObjectBody(request, 'query');
  const text = body.query;
  const parameters = body.parameters ?? [];
  if (typeof text !== 'string' || text.trim() === '')
    throw new BadRequestError('A query request body needs "query", the query text.');
  if (
    !Array.isArray(parameters) ||
    !parameters.every((p: { name?: unknown }) => p !== null && typeof p === 'object' && typeof p.name === 'string')
  )
    throw new BadRequestError('"parameters" must be an array of { "name": "@name", "value": ... }.');
  return { text, parameters: parameters as QueryParameter[], compiled: compile(text, parameters as QueryParameter[]) };
}

/** What the SDK's client-side pipeline would compute again on top of results the endpoint already finished. */
function pipelineWork(info: QueryInfo): string[] {
  return [
    info.orderBy.length > 0 ? 'ORDER BY' : '',
    info.aggregates.length > 0 ? 'aggregates' : '',
    info.groupByExpressions.length > 0 ? 'GROUP BY' : '',
    info.offset !== undefined || info.limit !== undefined ? 'OFFSET/LIMIT' : '',
  ].filter(Boolean);
}

/**
 * A query over a container's documents, one page per request. The endpoint has one partition key range, so it
 * computes the whole query itself (ORDER BY, aggregates, GROUP BY, DISTINCT, OFFSET/LIMIT, TOP) over the partition
 * the request names, or all of them, and pages the finished result: the SDK's default execution passes pages
 * through. Requests from its client-side pipeline (sent per range with `x-ms-documentdb-partitionkeyrangeid`, as
 * with `forceQueryPlan`) would apply those clauses a second time, so for such queries they are refused.
 */
export const queryDocuments: CosmosHandler = (request, { store, queryResults }) => {
  const container = addressedContainer(request, store);
  const { text, parameters, compiled } = requestQuery(request);
  const rawKey = header(request, 'x-ms-documentdb-partitionkey');
  const twice = pipelineWork(compiled.info);
  if (rawKey === undefined && header(request, 'x-ms-documentdb-partitionkeyrangeid') !== undefined && twice.length)
    throw new NotSupportedError(
      `the SDK's client-side query pipeline for ${twice.join(', ')} (forceQueryPlan or a plan-driven retry)`,
      'It computes these clauses itself over its single partition key range and returns finished pages: query without forceQueryPlan.',
    );
  const requestKey =
    rawKey === undefined
      ? undefined
      : {
          key: headerPartitionKey(rawKey, container.partitionKey, true),
          prefix: (JSON.parse(rawKey) as unknown[]).length < container.partitionKey.paths.length,
        };
  const started = performance.now();
  let read = 0;
  let readBytes = 0;
  const page = queryPage(
    queryResults,
    JSON.stringify([container.rid, text, parameters, rawKey]),
    () => {
      const candidates = store.scanDocuments(container, queryScope(container, compiled.constraints, requestKey));
      read = candidates.length;
      return compiled.run(
        candidates.map((c) => {
          readBytes += c.body.length;
          return JSON.parse(c.body) as Record<string, unknown>;
        }),
      );
    },
    maxItemCount(request, 100),
    header(request, 'x-ms-continuation'),
  );
  const metrics: Record<string, string> = flag(request, 'x-ms-documentdb-populatequerymetrics')
    ? {
        // The service's query metrics, which the SDK parses (FeedResponse.queryMetrics): what this page read.
        'x-ms-documentdb-query-metrics': [
          `retrievedDocumentCount=${read}`,
          `retrievedDocumentSize=${readBytes}`,
          `outputDocumentCount=${page.items.length}`,
          `outputDocumentSize=${page.items.reduce((n, item) => n + item.length, 0)}`,
          'indexUtilizationRatio=1.00',
          `totalExecutionTimeInMs=${(performance.now() - started).toFixed(2)}`,
        ].join(';'),
      }
    : {};
  return {
    status: 200,
    headers: {
      ...documentHeaders(container, store.committedLsn(), requestCharge.query(read)),
      'x-ms-item-count': String(page.items.length),
      ...(page.continuation ? { 'x-ms-continuation': page.continuation } : {}),
      ...metrics,
    },
    body: feedBody('Documents', container.rid, page.items),
  };
};

/**
 * The query plan the SDK asks for (`x-ms-cosmos-is-query-plan-request`): the engine's `queryInfo` and the one range
 * covering every partition key. The SDK's default execution only uses it when a page request fails for want of it,
 * which this endpoint never answers, so it describes the query and drives nothing.
 */
export const queryPlan: CosmosHandler = (request, { store }) => {
  addressedContainer(request, store);
  const { compiled } = requestQuery(request);
  return {
    status: 200,
    headers: { 'x-ms-request-charge': '0' },
    body: JSON.stringify({
      partitionedQueryExecutionInfoVersion: 2,
      queryInfo: {
        ...compiled.info,
        groupByAliases: [],
        groupByAliasToAggregateType: {},
        rewrittenQuery: '',
        dCountInfo: null,
        hasNonStreamingOrderBy: false,
      },
      queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
    }),
  };
};

/** Queries over the databases (`POST /dbs`) or a database's containers (`POST .../colls`), e.g. by id. */
export function queryResources(kind: 'Databases' | 'DocumentCollections'): CosmosHandler {
  return (request, { store, queryResults }) => {
    const databaseId = request.address.databaseId;
    const database = databaseId === undefined ? undefined : store.getDatabase(databaseId);
    if (databaseId !== undefined && !database) throw databaseNotFound(databaseId);
    const resources = kind === 'Databases' ? store.listDatabases() : store.listContainers(databaseId!);
    const { text, parameters, compiled } = requestQuery(request);
    const page = queryPage(
      queryResults,
      JSON.stringify([kind, databaseId, text, parameters]),
      () => compiled.run(resources.map((r) => JSON.parse(r.body) as Record<string, unknown>)),
      maxItemCount(request, 100),
      header(request, 'x-ms-continuation'),
    );
    return {
      status: 200,
      headers: {
        'x-ms-request-charge': String(requestCharge.query(resources.length)),
        'x-ms-item-count': String(page.items.length),
        ...(page.continuation ? { 'x-ms-continuation': page.continuation } : {}),
      },
      body: feedBody(kind, database?.rid ?? '', page.items),
    };
  };
}
