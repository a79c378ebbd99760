import type Database from 'better-sqlite3';
import { ServiceDatabase, type ServiceDatabaseOptions } from '../../persistence/serviceDatabase';
import {
  containerResource,
  containerRid,
  databaseResource,
  databaseRid,
  epochSeconds,
  etagFor,
} from '../documents/systemProperties';
import { containerDefaultTtl } from '../documents/timeToLive';
import { ConflictError, containerNotFound, CosmosError, databaseNotFound } from '../errors';
import type {
  ChangeFeedRequest,
  ContainerRecord,
  ContainerSettings,
  CosmosStore,
  DatabaseRecord,
  DocumentScope,
  DocumentTransaction,
  StoredDocument,
} from './cosmosStore';
import { changesSql, scanSql } from './documentScanSql';
import { CosmosStatements, createCosmosSchema } from './sqliteSchema';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Expired documents deleted per sweep: enough to keep up with any local write rate, small enough to go unnoticed. */
const EXPIRED_PER_SWEEP = 1000;

const containerKey = (databaseId: string, id: string): string => `${databaseId}\u0000${id}`;

/**
 * The CosmosStore on SQLite through ServiceDatabase (WAL, group commit). Databases and containers are also kept in
 * memory, changed inside the commit that writes them so the requests committed after them in the same transaction
 * see them; a failed commit reloads them from the file.
 */
export class SqliteCosmosStore implements CosmosStore {
  private readonly database: ServiceDatabase;
  private readonly db: Database.Database;
  private readonly sql: CosmosStatements;
  private readonly savepoint: (work: () => void) => void;
  private readonly scans = new Map<string, Database.Statement>();
  private databases = new Map<string, DatabaseRecord>();
  private containers = new Map<string, ContainerRecord>();
  private liveContainers = new Set<string>();
  private lsn: number;
  private lastSweepMs = 0;

  constructor(
    options: ServiceDatabaseOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.database = new ServiceDatabase(options);
    this.db = this.database.db;
    createCosmosSchema(this.db);
    this.sql = new CosmosStatements(this.db);
    this.savepoint = this.db.transaction((work: () => void) => work());
    this.lsn = this.meta('lsn');
    this.loadCatalog();
  }

  listDatabases(): DatabaseRecord[] {
    return [...this.databases.values()];
  }

  getDatabase(id: string): DatabaseRecord | undefined {
    return this.databases.get(id);
  }

  createDatabase(id: string): Promise<DatabaseRecord> {
    return this.mutate(() => {
      if (this.databases.has(id)) throw new ConflictError(`Database '${id}' already exists.`);
      const seq = this.meta('database_seq') + 1;
      const rid = databaseRid(seq);
      const ts = epochSeconds(this.now());
      const body = databaseResource(id, { rid, etag: etagFor(this.allocateLsn(), ts), ts });
      this.sql.insertDatabase.run(seq, id, rid, body);
      this.sql.setMeta.run(seq, 'database_seq');
      const record = { id, rid, body };
      this.databases.set(id, record);
      return record;
    });
  }

  deleteDatabase(id: string): Promise<void> {
    return this.mutate(() => {
      if (!this.databases.has(id)) throw databaseNotFound(id);
      for (const container of this.listContainers(id)) this.dropContainer(container);
      this.sql.deleteDatabase.run(id);
      this.databases.delete(id);
    });
  }

  listContainers(databaseId: string): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => c.databaseId === databaseId);
  }

  getContainer(databaseId: string, id: string): ContainerRecord | undefined {
    return this.containers.get(containerKey(databaseId, id));
  }

  createContainer(databaseId: string, settings: ContainerSettings): Promise<ContainerRecord> {
    return this.mutate(() => {
      const database = this.databases.get(databaseId);
      if (!database) throw databaseNotFound(databaseId);
      if (this.getContainer(databaseId, settings.id))
        throw new ConflictError(`Container '${settings.id}' already exists in database '${databaseId}'.`);
      const seq = this.meta('container_seq') + 1;
      const record = this.containerRecord(databaseId, containerRid(database.rid, seq), database.rid, settings);
      this.sql.insertContainer.run(seq, databaseId, settings.id, record.rid, record.body);
      this.sql.setMeta.run(seq, 'container_seq');
      this.containers.set(containerKey(databaseId, settings.id), record);
      this.liveContainers.add(record.rid);
      return record;
    });
  }

  replaceContainer(databaseId: string, settings: ContainerSettings): Promise<ContainerRecord> {
    return this.mutate(() => {
      const current = this.getContainer(databaseId, settings.id);
      if (!current) throw containerNotFound(databaseId, settings.id);
      const database = this.databases.get(databaseId)!;
      const record = this.containerRecord(databaseId, current.rid, database.rid, settings);
      this.sql.updateContainer.run(record.body, record.rid);
      if (record.defaultTtl !== current.defaultTtl)
        this.sql.recomputeExpiry.run({ rid: record.rid, defaultTtl: record.defaultTtl ?? null });
      this.containers.set(containerKey(databaseId, settings.id), record);
      return record;
    });
  }

  deleteContainer(databaseId: string, id: string): Promise<void> {
    return this.mutate(() => {
      const container = this.getContainer(databaseId, id);
      if (!container) throw containerNotFound(databaseId, id);
      this.dropContainer(container);
    });
  }

  readDocument(container: ContainerRecord, pk: string, id: string): StoredDocument | undefined {
    const row = this.sql.document.get(container.rid, pk, id, epochSeconds(this.now()));
    return row ? { pk, id, ...row } : undefined;
  }

  writeDocuments<T>(container: ContainerRecord, work: (tx: DocumentTransaction) => T): Promise<T> {
    const sql = this.sql;
    const tx: DocumentTransaction = {
      get: (pk, id) => this.readDocument(container, pk, id),
      nextLsn: () => this.allocateLsn(),
      put: (doc) =>
        void sql.upsertDocument.run(
          container.rid,
          doc.pk,
          doc.id,
          doc.rid,
          doc.lsn,
          doc.ts,
          doc.body,
          doc.expiresAt ?? null,
        ),
      remove: (pk, id) => void sql.deleteDocument.run(container.rid, pk, id),
    };
    this.sweepExpiredSoon();
    return this.mutate(() => {
      if (!this.liveContainers.has(container.rid)) throw containerNotFound(container.databaseId, container.id);
      return work(tx);
    });
  }

  /**
   * Deletes documents past their time to live, a bounded number at a time, at most once a second and only while
   * something is written: they are already invisible, so this only keeps the file from growing with them.
   */
  private sweepExpiredSoon(): void {
    const now = this.now();
    if (now - this.lastSweepMs < 1000) return;
    this.lastSweepMs = now;
    void this.database
      .commit(() => this.sql.deleteExpired.run(epochSeconds(now), EXPIRED_PER_SWEEP))
      .catch(() => undefined);
  }

  scanDocuments(container: ContainerRecord, scope: DocumentScope): StoredDocument[] {
    const { sql, params } = scanSql(container.rid, scope, epochSeconds(this.now()));
    return this.statement(sql).all(...params) as StoredDocument[];
  }

  readChanges(container: ContainerRecord, request: ChangeFeedRequest): StoredDocument[] {
    const { sql, params } = changesSql(container.rid, request, epochSeconds(this.now()));
    return this.statement(sql).all(...params) as StoredDocument[];
  }

  committedLsn(): number {
    return this.meta('lsn');
  }

  close(): Promise<void> {
    return this.database.close();
  }

  /**
   * Runs `change` in the next group commit, in a savepoint of its own: a CosmosError (or any error) undoes only its
   * writes and is handed to this caller alone, after the commit; the others in the group commit as usual.
   */
  private async mutate<T>(change: () => T): Promise<T> {
    const result: { outcome?: Outcome<T> } = {};
    try {
      await this.database.commit(() => {
        const lsnBefore = this.lsn;
        try {
          this.savepoint(() => {
            result.outcome = { ok: true, value: change() };
            if (this.lsn !== lsnBefore) this.sql.setMeta.run(this.lsn, 'lsn');
          });
        } catch (error) {
          result.outcome = { ok: false, error };
        }
      });
    } catch (e) {
      // The whole transaction is gone: the catalog in memory may hold what it wrote.
      this.loadCatalog();
      throw e;
    }
    const outcome = result.outcome!;
    if (!outcome.ok) {
      if (!(outcome.error instanceof CosmosError)) this.loadCatalog();
      throw outcome.error;
    }
    return outcome.value;
  }

  private allocateLsn(): number {
    return ++this.lsn;
  }

  private meta(name: string): number {
    return this.sql.meta.get(name)!.value;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.scans.get(sql);
    if (!statement) {
      if (this.scans.size >= 200) this.scans.clear();
      statement = this.db.prepare(sql);
      this.scans.set(sql, statement);
    }
    return statement;
  }

  private containerRecord(
    databaseId: string,
    rid: string,
    ofDatabase: string,
    settings: ContainerSettings,
  ): ContainerRecord {
    const ts = epochSeconds(this.now());
    const self = `dbs/${ofDatabase}/colls/${rid}/`;
    const body = containerResource(settings, { rid, self, etag: etagFor(this.allocateLsn(), ts), ts });
    const defaultTtl = containerDefaultTtl(settings);
    return { databaseId, id: settings.id, rid, partitionKey: settings.partitionKey, self, body, defaultTtl };
  }

  private dropContainer(container: ContainerRecord): void {
    this.sql.deleteContainerDocuments.run(container.rid);
    this.sql.deleteContainer.run(container.rid);
    this.containers.delete(containerKey(container.databaseId, container.id));
    this.liveContainers.delete(container.rid);
  }

  private loadCatalog(): void {
    this.databases = new Map(this.sql.databases.all().map((row) => [row.id, row]));
    this.containers = new Map();
    this.liveContainers = new Set();
    for (const row of this.sql.containers.all()) {
      const settings = JSON.parse(row.body) as ContainerSettings & { _self: string };
      this.containers.set(containerKey(row.database_id, row.id), {
        databaseId: row.database_id,
        id: row.id,
        rid: row.rid,
        partitionKey: settings.partitionKey,
        self: settings._self,
        body: row.body,
        defaultTtl: containerDefaultTtl(settings),
      });
      this.liveContainers.add(row.rid);
    }
  }
}
