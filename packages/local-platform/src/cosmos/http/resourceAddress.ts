import { BadRequestError } from '../errors';

/**
 * Where a request points: Cosmos DB paths alternate resource types and ids (`dbs/{db}/colls/{coll}/docs/{id}`);
 * an even number of segments addresses one resource, an odd number the feed of a type below the last id.
 */
export interface ResourceAddress {
  /** The path's shape with ids left out, the route key: `dbs/colls/docs#id`, `dbs/colls/docs#feed`, `#account`. */
  readonly shape: string;
  /** What the signature names as the resource type: the last type segment ('' for the account). */
  readonly resourceType: string;
  /** What the signature covers: the resource's link, or for a feed the link of the resource that owns it. */
  readonly resourceLink: string;
  readonly databaseId?: string;
  readonly containerId?: string;
  readonly documentId?: string;
}

/** Reads the address from a request's URL path (percent-decoded per segment, as the SDK encodes ids). */
export function parseResourceAddress(urlPath: string): ResourceAddress {
  const raw = urlPath.split('?')[0].replace(/^\/+|\/+$/g, '');
  if (raw === '') return { shape: '#account', resourceType: '', resourceLink: '' };
  let segments: string[];
  try {
    segments = raw.split('/').map((s) => decodeURIComponent(s));
  } catch {
    throw new BadRequestError(`The request path /${raw} is not correctly percent-encoded.`);
  }
  const types = segments.filter((_, i) => i % 2 === 0);
  const ids = segments.filter((_, i) => i % 2 === 1);
  const feed = segments.length % 2 === 1;
  const idAt = (type: string): string | undefined => {
    const i = types.indexOf(type);
    return i >= 0 ? ids[i] : undefined;
  };
  return {
    shape: `${types.join('/')}#${feed ? 'feed' : 'id'}`,
    resourceType: types[types.length - 1],
    resourceLink: (feed ? segments.slice(0, -1) : segments).join('/'),
    databaseId: idAt('dbs'),
    containerId: idAt('colls'),
    documentId: idAt('docs'),
  };
}
