import { containerSettings } from '../containers/containerSettings';
import { BadRequestError, containerNotFound, databaseNotFound } from '../errors';
import type { ContainerRecord, CosmosStore } from '../storage/cosmosStore';
import { type CosmosHandler, type CosmosRequest, jsonObjectBody } from './cosmosRequest';
import { continuationHeader, offsetPage } from './feedPaging';
import { feedResponse, resourceResponse } from './responses';

const etagOf = (container: ContainerRecord): string => (JSON.parse(container.body) as { _etag: string })._etag;

/** The container a request addresses; NotFoundError (substatus 1003) naming what is missing. */
export function addressedContainer(request: CosmosRequest, store: CosmosStore): ContainerRecord {
  const { databaseId, containerId } = request.address;
  const container = store.getContainer(databaseId!, containerId!);
  if (container) return container;
  if (!store.getDatabase(databaseId!)) throw databaseNotFound(databaseId!);
  throw containerNotFound(databaseId!, containerId!);
}

export const createContainer: CosmosHandler = async (request, { store }) => {
  const container = await store.createContainer(
    request.address.databaseId!,
    containerSettings(jsonObjectBody(request, 'container')),
  );
  return resourceResponse(201, container.body, etagOf(container));
};

export const readContainer: CosmosHandler = (request, { store }) => {
  const container = addressedContainer(request, store);
  return resourceResponse(200, container.body, etagOf(container));
};

/** New settings only: the documents stay (a container's partition key cannot change, as in Cosmos DB). */
export const replaceContainer: CosmosHandler = async (request, { store }) => {
  const current = addressedContainer(request, store);
  const settings = containerSettings(jsonObjectBody(request, 'container'));
  if (settings.id !== current.id)
    throw new BadRequestError(
      `The container id in the body (${settings.id}) must be the one in the path (${current.id}); containers cannot be renamed.`,
    );
  if (JSON.stringify(settings.partitionKey.paths) !== JSON.stringify(current.partitionKey.paths))
    throw new BadRequestError(
      `The partition key of container '${current.id}' cannot be changed (it is ${current.partitionKey.paths.join(', ')}); create a new container and copy the documents.`,
    );
  const container = await store.replaceContainer(current.databaseId, settings);
  return resourceResponse(200, container.body, etagOf(container));
};

export const deleteContainer: CosmosHandler = async (request, { store }) => {
  const container = addressedContainer(request, store);
  await store.deleteContainer(container.databaseId, container.id);
  return { status: 204, headers: { 'x-ms-request-charge': '1' } };
};

export const listContainers: CosmosHandler = (request, { store }) => {
  const databaseId = request.address.databaseId!;
  const database = store.getDatabase(databaseId);
  if (!database) throw databaseNotFound(databaseId);
  const { page, continuation } = offsetPage(store.listContainers(databaseId), request);
  return feedResponse(
    'DocumentCollections',
    database.rid,
    page.map((c) => c.body),
    continuationHeader(continuation),
  );
};

/** One range covers every partition key: the SDK routes by it (bulk, change feed, queries) and needs just one. */
export const readPartitionKeyRanges: CosmosHandler = (request, { store }) => {
  const container = addressedContainer(request, store);
  const range = JSON.stringify({
    _rid: container.rid,
    id: '0',
    _etag: '"00000000-0000-0000-0000-000000000000"',
    minInclusive: '',
    maxExclusive: 'FF',
    ridPrefix: 0,
    _self: `${container.self}pkranges/${container.rid}/`,
    throughputFraction: 1,
    status: 'online',
    parents: [],
    _ts: 0,
  });
  return feedResponse('PartitionKeyRanges', container.rid, [range]);
};
