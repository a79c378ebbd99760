import { BadRequestError } from '../errors';
import { type CosmosRequest, header, maxItemCount } from './cosmosRequest';

/** Metadata feeds (databases, containers, partition key ranges) are small: pages are positions in the list. */
export function offsetPage<T>(items: readonly T[], request: CosmosRequest): { page: T[]; continuation?: string } {
  const size = maxItemCount(request, 100);
  const raw = header(request, 'x-ms-continuation');
  const start = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(start) || start < 0)
    throw new BadRequestError(`The continuation token '${raw}' was not issued by this feed.`);
  const page = items.slice(start, start + size);
  return { page, continuation: start + size < items.length ? String(start + size) : undefined };
}

/** `x-ms-continuation` when there is a next page. */
export const continuationHeader = (continuation: string | undefined): Record<string, string> =>
  continuation === undefined ? {} : { 'x-ms-continuation': continuation };
