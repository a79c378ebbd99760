import type { PartitionKeyDefinition, PartitionKeyText } from '../documents/partitionKey';

/** A database: its id, resource id and the resource as the service returns it. */
export interface DatabaseRecord {
  readonly id: string;
  readonly rid: string;
  /** `{ id, _rid, _self, _etag, _colls, _users, _ts }` as JSON text. */
  readonly body: string;
}

/** What a container is created or replaced with: the resource without system properties. */
export interface ContainerSettings {
  id: string;
  partitionKey: PartitionKeyDefinition;
  [setting: string]: unknown;
}

export interface ContainerRecord {
  readonly databaseId: string;
  readonly id: string;
  readonly rid: string;
  readonly partitionKey: PartitionKeyDefinition;
  /** `dbs/{databaseRid}/colls/{rid}/`: documents' `_self` starts with it. */
  readonly self: string;
  /** The settings with system properties, as JSON text. */
  readonly body: string;
  /** Time to live in seconds (-1: items never expire unless they say so); undefined turns it off. */
  readonly defaultTtl?: number;
}

/** The latest version of a document. */
export interface StoredDocument {
  readonly pk: PartitionKeyText;
  readonly id: string;
  /** `_rid`, kept from the document's creation through its replacements. */
  readonly rid: string;
  /** The write that made this version, unique across the account; the change feed's position. */
  readonly lsn: number;
  /** `_ts`: epoch seconds of that write. */
  readonly ts: number;
  /** The document with its system properties, as JSON text, returned as stored. */
  readonly body: string;
  /** Epoch seconds from which the version is gone (its time to live), or null/undefined when it never expires. */
  readonly expiresAt?: number | null;
}

/** The writes of one request, run alone and in order with every other request's (see writeDocuments). */
export interface DocumentTransaction {
  get(pk: PartitionKeyText, id: string): StoredDocument | undefined;
  /** The LSN to stamp the next write with. */
  nextLsn(): number;
  put(doc: StoredDocument): void;
  remove(pk: PartitionKeyText, id: string): void;
}

/**
 * A superset filter storage may apply before the query engine sees documents: every document the engine would
 * keep passes it. `path` is property names from the root; values are the JSON scalars SQLite can compare exactly.
 */
export interface PathFilter {
  path: readonly string[];
  equals?: readonly (string | number | boolean | null)[];
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
}

/** Which documents a scan reads; everything left out means the whole container. */
export interface DocumentScope {
  /** Only these partitions (canonical keys). */
  partitionKeys?: readonly PartitionKeyText[];
  /** Only partitions whose hierarchical key starts with these components (`partitionKeyPrefixText`). */
  partitionKeyPrefix?: string;
  ids?: readonly string[];
  filters?: readonly PathFilter[];
  /** In creation order (the default, as Cosmos returns unsorted results) or by partition key and id. */
  order?: 'creation' | 'key';
  /** Only documents after this key (with `order: 'key'`): where a paged read continues. */
  after?: { pk: PartitionKeyText; id: string };
  limit?: number;
}

export interface ChangeFeedRequest {
  /** One partition, or the whole container. */
  partitionKey?: PartitionKeyText;
  /** Versions written after this LSN. */
  afterLsn: number;
  /** Only versions whose `_ts` is at or after this (epoch seconds). */
  sinceTs?: number;
  limit: number;
}

/**
 * Where the local Cosmos DB keeps databases, containers and documents. Reads see committed state only, and never a
 * document whose time to live ran out (it is deleted later, as Cosmos DB deletes expired items in the background). Writes are
 * answered once committed (a process killed afterwards loses nothing acknowledged); writes handed over in one
 * event-loop turn share a commit. Methods returning promises reject with the CosmosError named in their docs.
 */
export interface CosmosStore {
  /** In creation order. */
  listDatabases(): DatabaseRecord[];
  getDatabase(id: string): DatabaseRecord | undefined;
  /** ConflictError when a database with the id exists. */
  createDatabase(id: string): Promise<DatabaseRecord>;
  /** Deletes its containers and their documents too; NotFoundError when absent. */
  deleteDatabase(id: string): Promise<void>;

  /** In creation order; empty when the database does not exist. */
  listContainers(databaseId: string): ContainerRecord[];
  getContainer(databaseId: string, id: string): ContainerRecord | undefined;
  /** NotFoundError without the database, ConflictError when the container exists. */
  createContainer(databaseId: string, settings: ContainerSettings): Promise<ContainerRecord>;
  /** New settings, same resource id and documents; NotFoundError when absent. */
  replaceContainer(databaseId: string, settings: ContainerSettings): Promise<ContainerRecord>;
  /** Deletes its documents too; NotFoundError when absent. */
  deleteContainer(databaseId: string, id: string): Promise<void>;

  readDocument(container: ContainerRecord, pk: PartitionKeyText, id: string): StoredDocument | undefined;
  /**
   * Runs `work` in the next commit, after the writes handed over before it and alone (a savepoint): when it throws
   * a CosmosError its writes are undone and the promise rejects with it once the commit is done. NotFoundError when
   * the container was deleted meanwhile.
   */
  writeDocuments<T>(container: ContainerRecord, work: (tx: DocumentTransaction) => T): Promise<T>;
  /** The documents in scope, in the scope's order. */
  scanDocuments(container: ContainerRecord, scope: DocumentScope): StoredDocument[];
  /** The latest version of each document changed after `afterLsn`, oldest change first. */
  readChanges(container: ContainerRecord, request: ChangeFeedRequest): StoredDocument[];
  /** The LSN of the last committed write (0 before any). */
  committedLsn(): number;
  /** Commits what is pending, then closes the file. */
  close(): Promise<void>;
}
