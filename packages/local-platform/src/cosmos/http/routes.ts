import { MethodNotAllowedError, NotFoundError, NotSupportedError } from '../errors';
import { readAccount } from './accountHandlers';
import { batchOrBulk } from './batchHandlers';
import { changeFeedOrReadFeed } from './changeFeedHandlers';
import {
  createContainer,
  deleteContainer,
  listContainers,
  readContainer,
  readPartitionKeyRanges,
  replaceContainer,
} from './containerHandlers';
import { type CosmosHandler, type CosmosRequest, flag, header } from './cosmosRequest';
import { createDatabase, deleteDatabase, listDatabases, readDatabase } from './databaseHandlers';
import {
  createOrUpsertDocument,
  deleteDocumentHandler,
  readDocument,
  replaceDocumentHandler,
} from './documentHandlers';
import { patchDocumentHandler } from './patchHandlers';
import { queryDocuments, queryPlan, queryResources } from './queryHandlers';
import type { ResourceAddress } from './resourceAddress';

const isQuery = (request: CosmosRequest): boolean =>
  flag(request, 'x-ms-documentdb-isquery') ||
  (header(request, 'content-type') ?? '').startsWith('application/query+json');

/** What a request is, as counted: `<method> <resource type>`, a POST told apart as `(query)`, `(query plan)` or `(batch)`. */
export function operationName(request: CosmosRequest): string {
  const kind = flag(request, 'x-ms-cosmos-is-query-plan-request')
    ? ' (query plan)'
    : isQuery(request)
      ? ' (query)'
      : flag(request, 'x-ms-cosmos-is-batch-request')
        ? ' (batch)'
        : '';
  return `${request.method} ${request.address.resourceType || 'account'}${kind}`;
}

/** `POST .../docs` carries creates, upserts, queries, query plans, batches and bulk, told apart by headers. */
const postDocuments: CosmosHandler = (request, context) => {
  if (flag(request, 'x-ms-cosmos-is-query-plan-request')) return queryPlan(request, context);
  if (isQuery(request)) return queryDocuments(request, context);
  if (flag(request, 'x-ms-cosmos-is-batch-request')) return batchOrBulk(request, context);
  return createOrUpsertDocument(request, context);
};

const postDatabases: CosmosHandler = (request, context) =>
  isQuery(request) ? queryResources('Databases')(request, context) : createDatabase(request, context);

const postContainers: CosmosHandler = (request, context) =>
  isQuery(request) ? queryResources('DocumentCollections')(request, context) : createContainer(request, context);

/** Method and address shape (`ResourceAddress.shape`) to handler, as the REST API reference lists them. */
const ROUTES: Readonly<Record<string, Readonly<Record<string, CosmosHandler>>>> = {
  '#account': { GET: readAccount },
  'dbs#feed': { GET: listDatabases, POST: postDatabases },
  'dbs#id': { GET: readDatabase, DELETE: deleteDatabase },
  'dbs/colls#feed': { GET: listContainers, POST: postContainers },
  'dbs/colls#id': { GET: readContainer, PUT: replaceContainer, DELETE: deleteContainer },
  'dbs/colls/pkranges#feed': { GET: readPartitionKeyRanges },
  'dbs/colls/docs#feed': { GET: changeFeedOrReadFeed, POST: postDocuments },
  'dbs/colls/docs#id': {
    GET: readDocument,
    PUT: replaceDocumentHandler,
    DELETE: deleteDocumentHandler,
    PATCH: patchDocumentHandler,
  },
};

export function route(method: string, address: ResourceAddress): CosmosHandler {
  const byMethod = ROUTES[address.shape];
  if (!byMethod) {
    if (address.shape.startsWith('dbs'))
      throw new NotSupportedError(
        `${address.resourceType} resources (${address.resourceLink || 'the account'})`,
        'It serves databases, containers, partition key ranges and documents (point operations, patch, batch, bulk, queries, change feed).',
      );
    throw new NotFoundError(`There is no Cosmos DB resource at /${address.resourceLink}.`);
  }
  const handler = byMethod[method];
  if (!handler)
    throw new MethodNotAllowedError(
      `${method} is not allowed on ${address.shape.replace('#', ' ')}; use ${Object.keys(byMethod).join(', ')}.`,
    );
  return handler;
}
