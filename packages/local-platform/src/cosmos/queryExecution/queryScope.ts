import { partitionKeyPathSegments, partitionKeyPrefixText, type PartitionKeyText } from '../documents/partitionKey';
import type { JsonValue, PathConstraint } from '../query';
import type { ContainerRecord, DocumentScope, PathFilter } from '../storage/cosmosStore';

/** Beyond this many partition key combinations the constraints are not worth turning into lookups. */
const MAX_PARTITION_KEYS = 100;

type Scalar = string | number | boolean | null;
const isScalar = (v: JsonValue): v is Scalar => v === null || typeof v !== 'object';
const pathKey = (path: readonly string[]): string => JSON.stringify(path);

/** The values a path must equal under every `equals` constraint on it (their intersection). */
function equalities(constraints: readonly PathConstraint[]): Map<string, JsonValue[]> {
  const byPath = new Map<string, JsonValue[]>();
  for (const c of constraints) {
    if (c.kind !== 'equals') continue;
    const key = pathKey(c.path);
    const previous = byPath.get(key);
    const texts = new Set(c.values.map((v) => JSON.stringify(v)));
    byPath.set(key, previous ? previous.filter((v) => texts.has(JSON.stringify(v))) : [...c.values]);
  }
  return byPath;
}

/** Every full partition key the constraints allow, when each of the key's paths is pinned to a few scalars. */
function constrainedPartitionKeys(
  container: ContainerRecord,
  byPath: ReadonlyMap<string, JsonValue[]>,
): PartitionKeyText[] | undefined {
  let combinations: Scalar[][] = [[]];
  for (const path of container.partitionKey.paths) {
    const values = byPath.get(pathKey(partitionKeyPathSegments(path)));
    if (!values || !values.every(isScalar)) return undefined;
    combinations = combinations.flatMap((prefix) => (values as Scalar[]).map((v) => [...prefix, v]));
    if (combinations.length > MAX_PARTITION_KEYS) return undefined;
  }
  return combinations.map((c) => JSON.stringify(c));
}

/** A constraint as a storage filter, when SQLite can check it exactly enough (scalars, numeric ranges). */
function pathFilter(c: PathConstraint): PathFilter | undefined {
  if (c.kind === 'equals') return c.values.every(isScalar) ? { path: c.path, equals: c.values as Scalar[] } : undefined;
  // String order in Cosmos is by UTF-16 code units, SQLite's by UTF-8 bytes: only numeric ranges are pushed down.
  const min = typeof c.min?.value === 'number' ? { value: c.min.value, inclusive: c.min.inclusive } : undefined;
  const max = typeof c.max?.value === 'number' ? { value: c.max.value, inclusive: c.max.inclusive } : undefined;
  return min || max ? { path: c.path, min, max } : undefined;
}

/**
 * Which documents a query has to look at: the partition the request names (a full key, or a prefix of a
 * hierarchical one), else the partitions its WHERE pins the key to, else all; ids it pins; and the other
 * constraints as superset filters for SQLite. The engine still evaluates the whole query on what is read.
 */
export function queryScope(
  container: ContainerRecord,
  constraints: readonly PathConstraint[],
  requestKey?: { key: PartitionKeyText; prefix: boolean },
): DocumentScope {
  const byPath = equalities(constraints);
  const scope: { -readonly [K in keyof DocumentScope]: DocumentScope[K] } = {};
  const fromConstraints = constrainedPartitionKeys(container, byPath);
  if (requestKey?.prefix) scope.partitionKeyPrefix = partitionKeyPrefixText(requestKey.key);
  if (requestKey && !requestKey.prefix)
    scope.partitionKeys = !fromConstraints || fromConstraints.includes(requestKey.key) ? [requestKey.key] : [];
  else if (fromConstraints) scope.partitionKeys = fromConstraints;
  const ids = byPath.get(pathKey(['id']));
  if (ids) scope.ids = ids.filter((v): v is string => typeof v === 'string');
  scope.filters = constraints.map(pathFilter).filter((f): f is PathFilter => f !== undefined);
  return scope;
}
