import { checkResourceId } from '../containers/containerSettings';
import { databaseNotFound } from '../errors';
import { type CosmosHandler, type CosmosRequest, jsonObjectBody } from './cosmosRequest';
import { continuationHeader, offsetPage } from './feedPaging';
import { feedResponse, resourceResponse } from './responses';

const etagOf = (body: string): string => (JSON.parse(body) as { _etag: string })._etag;

function existingDatabase(request: CosmosRequest, store: Parameters<CosmosHandler>[1]['store']) {
  const id = request.address.databaseId!;
  const database = store.getDatabase(id);
  if (!database) throw databaseNotFound(id);
  return database;
}

export const createDatabase: CosmosHandler = async (request, { store }) => {
  const id = checkResourceId(jsonObjectBody(request, 'database').id, 'database');
  const database = await store.createDatabase(id);
  return resourceResponse(201, database.body, etagOf(database.body));
};

export const readDatabase: CosmosHandler = (request, { store }) => {
  const database = existingDatabase(request, store);
  return resourceResponse(200, database.body, etagOf(database.body));
};

export const deleteDatabase: CosmosHandler = async (request, { store }) => {
  await store.deleteDatabase(request.address.databaseId!);
  return { status: 204, headers: { 'x-ms-request-charge': '1' } };
};

export const listDatabases: CosmosHandler = (request, { store }) => {
  const { page, continuation } = offsetPage(store.listDatabases(), request);
  return feedResponse(
    'Databases',
    '',
    page.map((d) => d.body),
    continuationHeader(continuation),
  );
};
