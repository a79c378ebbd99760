import { partitionKeyPathSegments, type PartitionKeyDefinition } from '../documents/partitionKey';
import { BadRequestError } from '../errors';
import type { ContainerSettings } from '../storage/cosmosStore';

const DEFAULT_INDEXING_POLICY = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/"_etag"/?' }],
};

const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_ts', '_docs', '_sprocs', '_triggers', '_udfs', '_conflicts'];

/** Database and container names: what Cosmos DB accepts as a resource id. */
export function checkResourceId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id === '' || id.length > 255 || /[/\\?#]/.test(id) || id.endsWith(' '))
    throw new BadRequestError(
      `The ${what} id ${JSON.stringify(id)} is invalid. Ensure to provide a unique non-empty string less than '255' characters, without '/', '\\', '?', '#' or a trailing space.`,
    );
  return id;
}

function partitionKeyDefinition(raw: unknown): PartitionKeyDefinition {
  const given = (raw ?? {}) as { paths?: unknown; kind?: unknown; version?: unknown };
  const paths = given.paths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string'))
    throw new BadRequestError('A container needs partitionKey.paths, e.g. { "paths": ["/orderId"] }.');
  const kind = given.kind ?? (paths.length > 1 ? 'MultiHash' : 'Hash');
  if (kind !== 'Hash' && kind !== 'MultiHash')
    throw new BadRequestError(`partitionKey.kind must be Hash or MultiHash, not ${JSON.stringify(kind)}.`);
  if (kind === 'Hash' && paths.length !== 1)
    throw new BadRequestError('A Hash partition key has exactly one path; use kind MultiHash for up to three.');
  if (paths.length > 3) throw new BadRequestError('A hierarchical (MultiHash) partition key has at most three paths.');
  for (const path of paths) partitionKeyPathSegments(path);
  return { paths, kind, version: typeof given.version === 'number' ? given.version : 2 };
}

/** The settings a container is created or replaced with (the request body), Cosmos' defaults filled in. */
export function containerSettings(body: Record<string, unknown>): ContainerSettings {
  const settings: ContainerSettings = {
    ...body,
    id: checkResourceId(body.id, 'container'),
    partitionKey: partitionKeyDefinition(body.partitionKey),
    indexingPolicy: body.indexingPolicy ?? DEFAULT_INDEXING_POLICY,
    conflictResolutionPolicy: body.conflictResolutionPolicy ?? {
      mode: 'LastWriterWins',
      conflictResolutionPath: '/_ts',
      conflictResolutionProcedure: '',
    },
    geospatialConfig: body.geospatialConfig ?? { type: 'Geography' },
  };
  for (const name of SYSTEM_PROPERTIES) delete settings[name];
  return settings;
}
