import { BadRequestError } from '../errors';

/** A container's partition key: one path (`Hash`) or up to three (`MultiHash`, hierarchical). */
export interface PartitionKeyDefinition {
  paths: string[];
  kind: 'Hash' | 'MultiHash';
  version?: number;
}

/** Cosmos DB's limit on a partition key value. */
export const MAX_PARTITION_KEY_BYTES = 2048;

/**
 * Partition keys are stored and compared as canonical text: the JSON array of the key's components, `{}` for a
 * component the document does not have (the SDK's "None" value), e.g. `["ord-1"]`, `["A",2]`, `[{}]`.
 */
export type PartitionKeyText = string;

const WRONG_PK_HELP = 'Learn more: https://aka.ms/CosmosDB/sql/errors/wrong-pk-value';

const parsedPaths = new Map<string, string[]>();

/** The property names of a path such as `/customer/id` or `/"odd/name"`. */
export function partitionKeyPathSegments(path: string): string[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = parsePath(path);
    parsedPaths.set(path, segments);
  }
  return segments;
}

function parsePath(path: string): string[] {
  const segments: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== '/') throw new BadRequestError(`The partition key path '${path}' must start each part with '/'.`);
    i++;
    const quote = path[i];
    if (quote === '"' || quote === "'") {
      const end = path.indexOf(quote, i + 1);
      if (end < 0) throw new BadRequestError(`The partition key path '${path}' has an unclosed quote.`);
      segments.push(path.slice(i + 1, end));
      i = end + 1;
    } else {
      const end = path.indexOf('/', i);
      segments.push(path.slice(i, end < 0 ? path.length : end));
      i = end < 0 ? path.length : end;
    }
  }
  if (segments.length === 0 || segments.some((s) => s === ''))
    throw new BadRequestError(`The partition key path '${path}' names no property.`);
  return segments;
}

function component(value: unknown): unknown {
  if (value === undefined) return {};
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  // Objects and arrays cannot be partition key values; Cosmos treats the document as not having one.
  return {};
}

function checked(text: string): PartitionKeyText {
  if (Buffer.byteLength(text) > MAX_PARTITION_KEY_BYTES)
    throw new BadRequestError(
      `The partition key value ${text.slice(0, 80)}… is ${Buffer.byteLength(text)} bytes; Cosmos DB allows ${MAX_PARTITION_KEY_BYTES}.`,
    );
  return text;
}

/** The partition key a document has under the container's definition. */
export function documentPartitionKey(
  doc: Record<string, unknown>,
  definition: PartitionKeyDefinition,
): PartitionKeyText {
  return checked(
    JSON.stringify(
      definition.paths.map((path) => {
        let value: unknown = doc;
        for (const name of partitionKeyPathSegments(path)) {
          value =
            value !== null && typeof value === 'object' && !Array.isArray(value)
              ? (value as Record<string, unknown>)[name]
              : undefined;
        }
        return component(value);
      }),
    ),
  );
}

/**
 * The `x-ms-documentdb-partitionkey` header as canonical text. `prefix` allows fewer components than the container
 * has paths (a hierarchical key's prefix scopes a query to several partitions).
 */
export function headerPartitionKey(
  header: string,
  definition: PartitionKeyDefinition,
  prefix = false,
): PartitionKeyText {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    throw new BadRequestError(`The partition key header ${header} is not a JSON array. ${WRONG_PK_HELP}`);
  }
  const components = Array.isArray(parsed) ? parsed : [parsed];
  const fits = prefix
    ? components.length >= 1 && components.length <= definition.paths.length
    : components.length === definition.paths.length;
  if (!fits || components.some((c) => c !== null && typeof c === 'object' && Object.keys(c as object).length > 0)) {
    throw new BadRequestError(
      `Partition key provided either doesn't correspond to definition in the collection or doesn't match partition key field values specified in the document: ${header} against the paths ${definition.paths.join(', ')}. ${WRONG_PK_HELP}`,
    );
  }
  return checked(JSON.stringify(components.map(component)));
}

/** A request's partition key must be the document's own, or the write would land in the wrong partition. */
export function requireSamePartitionKey(fromHeader: PartitionKeyText, fromDocument: PartitionKeyText): void {
  if (fromHeader !== fromDocument) {
    throw new BadRequestError(
      `PartitionKey extracted from document doesn't match the one specified in the header (the document has ${fromDocument}, the request ${fromHeader}). ${WRONG_PK_HELP}`,
    );
  }
}

/** The canonical texts of every full key starting with a prefix's components begin with this text. */
export function partitionKeyPrefixText(prefix: PartitionKeyText): string {
  return `${prefix.slice(0, -1)},`;
}

/** The key's value the way a user writes it: `"A"` for a single path, `["A","B"]` for a hierarchical key. */
export function describePartitionKey(key: PartitionKeyText): string {
  const components = JSON.parse(key) as unknown[];
  return components.length === 1 ? JSON.stringify(components[0]) : key;
}
