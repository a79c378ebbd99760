import type { ContainerRecord, StoredDocument } from '../storage/cosmosStore';
import { etagFor } from '../documents/systemProperties';
import type { CosmosResponse } from './cosmosRequest';

/**
 * Request units, roughly as Cosmos DB charges them (a 1 KB point read costs 1 RU, a 1 KB write about 5.7), so code
 * that logs or budgets RUs sees plausible numbers; nothing is throttled.
 */
export const requestCharge = {
  read: (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024)),
  write: (bytes: number): number => Math.round(5.71 * Math.max(1, Math.ceil(bytes / 1024)) * 100) / 100,
  delete: 5.71,
  query: (documentsRead: number): number => Math.round((2.79 + 0.03 * documentsRead) * 100) / 100,
  metadata: 1,
};

/** `x-ms-session-token`: one partition key range ("0"); the LSN the client has seen. */
export const sessionToken = (lsn: number): string => `0:-1#${lsn}`;

/** A database, container or other metadata resource. */
export function resourceResponse(status: number, body: string, etag?: string): CosmosResponse {
  return {
    status,
    headers: {
      'x-ms-request-charge': String(requestCharge.metadata),
      ...(etag ? { etag } : {}),
    },
    body,
  };
}

/** The headers every document response carries: the container it lives in and the client's session. */
export function documentHeaders(container: ContainerRecord, lsn: number, charge: number): Record<string, string> {
  return {
    'x-ms-request-charge': String(charge),
    'x-ms-session-token': sessionToken(lsn),
    'x-ms-content-path': container.rid,
    'x-ms-alt-content-path': `dbs/${container.databaseId}/colls/${container.id}`,
    lsn: String(lsn),
  };
}

/** One document: its stored text as the body, its version as `etag`. */
export function documentResponse(
  status: number,
  container: ContainerRecord,
  stored: StoredDocument,
  operation: 'read' | 'write',
): CosmosResponse {
  const bytes = stored.body.length;
  return {
    status,
    headers: {
      ...documentHeaders(container, stored.lsn, requestCharge[operation](bytes)),
      etag: etagFor(stored.lsn, stored.ts),
    },
    body: stored.body,
  };
}

/** A feed page (`Documents`, `DocumentCollections`, ...), assembled from resources already in JSON text. */
export function feedBody(kind: string, ownerRid: string, items: readonly string[]): string {
  return `{"_rid":${JSON.stringify(ownerRid)},"${kind}":[${items.join(',')}],"_count":${items.length}}`;
}

export function feedResponse(
  kind: string,
  ownerRid: string,
  items: readonly string[],
  headers: Record<string, string> = {},
): CosmosResponse {
  return {
    status: 200,
    headers: {
      'x-ms-request-charge': String(requestCharge.metadata),
      ...headers,
      'x-ms-item-count': String(items.length),
    },
    body: feedBody(kind, ownerRid, items),
  };
}
