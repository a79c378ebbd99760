import { changeFeedEtag, changeFeedStart } from '../changeFeed/changeFeedPosition';
import { headerPartitionKey } from '../documents/partitionKey';
import { BadRequestError, NotSupportedError } from '../errors';
import type { ContainerRecord, CosmosStore } from '../storage/cosmosStore';
import { addressedContainer } from './containerHandlers';
import { type CosmosHandler, type CosmosRequest, header, maxItemCount } from './cosmosRequest';
import { documentHeaders, feedBody, requestCharge } from './responses';

const FULL_RANGE = ['', 'FF'];

/** A feed over the whole container or one partition; effective-partition-key sub-ranges are not served. */
function feedPartition(request: CosmosRequest, container: ContainerRecord): string | undefined {
  const start = header(request, 'x-ms-start-epk');
  const end = header(request, 'x-ms-end-epk');
  if ((start !== undefined || end !== undefined) && (start !== FULL_RANGE[0] || end !== FULL_RANGE[1]))
    throw new NotSupportedError(
      'feeds over a part of the partition key hash range (x-ms-start-epk/x-ms-end-epk), which the SDK sends for a prefix of a hierarchical partition key',
      'Read the change feed of the whole container or of one full partition key.',
    );
  const raw = header(request, 'x-ms-documentdb-partitionkey');
  return raw === undefined ? undefined : headerPartitionKey(raw, container.partitionKey);
}

/**
 * The change feed (`A-IM: Incremental feed`): the latest version of each document changed after the position, in
 * the order of their changes; 304 when there is nothing new. The `etag` is the position to continue from.
 */
function changeFeed(request: CosmosRequest, store: CosmosStore): ReturnType<CosmosHandler> {
  const container = addressedContainer(request, store);
  const partitionKey = feedPartition(request, container);
  const start = changeFeedStart(header(request, 'if-none-match'), header(request, 'if-modified-since'));
  const limit = maxItemCount(request, 100);
  const changes =
    start.kind === 'now'
      ? []
      : store.readChanges(container, {
          partitionKey,
          afterLsn: start.kind === 'continuation' ? start.afterLsn : 0,
          sinceTs: start.kind === 'time' ? start.sinceTs : undefined,
          limit,
        });
  const committed = store.committedLsn();
  // A full page may have more behind it: continue after its last change. Otherwise everything up to now was read.
  const position = changes.length === limit ? changes[changes.length - 1].lsn : committed;
  const headers = {
    ...documentHeaders(container, committed, requestCharge.query(changes.length)),
    etag: changeFeedEtag(Math.max(position, start.kind === 'continuation' ? start.afterLsn : 0)),
    'x-ms-item-count': String(changes.length),
  };
  if (changes.length === 0) return { status: 304, headers };
  return {
    status: 200,
    headers,
    body: feedBody(
      'Documents',
      container.rid,
      changes.map((c) => c.body),
    ),
  };
}

/** A page of the container's documents (or one partition's) in key order, continuing after the last key read. */
function readFeed(request: CosmosRequest, store: CosmosStore): ReturnType<CosmosHandler> {
  const container = addressedContainer(request, store);
  const partitionKey = feedPartition(request, container);
  const limit = maxItemCount(request, 100);
  const raw = header(request, 'x-ms-continuation');
  let after: { pk: string; id: string } | undefined;
  if (raw !== undefined) {
    try {
      const [pk, id] = JSON.parse(raw) as [string, string];
      after = { pk, id };
    } catch {
      throw new BadRequestError(`The continuation token '${raw}' was not issued by this feed.`);
    }
  }
  const docs = store.scanDocuments(container, {
    partitionKeys: partitionKey === undefined ? undefined : [partitionKey],
    order: 'key',
    after,
    limit,
  });
  const last = docs[docs.length - 1];
  return {
    status: 200,
    headers: {
      ...documentHeaders(container, store.committedLsn(), requestCharge.query(docs.length)),
      'x-ms-item-count': String(docs.length),
      ...(docs.length === limit ? { 'x-ms-continuation': JSON.stringify([last.pk, last.id]) } : {}),
    },
    body: feedBody(
      'Documents',
      container.rid,
      docs.map((d) => d.body),
    ),
  };
}

/** `GET .../docs`: the change feed with `A-IM`, else the plain feed of documents. */
export const changeFeedOrReadFeed: CosmosHandler = (request, { store }) => {
  const aIm = header(request, 'a-im');
  if (aIm === undefined) return readFeed(request, store);
  if (aIm.toLowerCase() !== 'incremental feed')
    throw new NotSupportedError(
      `the ${aIm} change feed mode (all versions and deletes)`,
      'Use the latest-version change feed (ChangeFeedMode.LatestVersion, the default).',
    );
  return changeFeed(request, store);
};
