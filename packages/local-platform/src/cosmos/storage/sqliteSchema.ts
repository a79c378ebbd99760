import type Database from 'better-sqlite3';

/**
 * The local Cosmos DB's tables. Documents are JSON text keyed by (container rid, partition key, id): a point read
 * or a partition-scoped query reads only its own rows through the unique index, and the change feed walks the LSN
 * index. A container's documents hang off its resource id, so a container deleted and created again with the same
 * name starts empty, and replacing a container's settings leaves its documents alone.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS cosmos_meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cosmos_databases (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  rid TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cosmos_containers (
  seq INTEGER PRIMARY KEY,
  database_id TEXT NOT NULL,
  id TEXT NOT NULL,
  rid TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  UNIQUE (database_id, id)
);
CREATE TABLE IF NOT EXISTS cosmos_documents (
  container_rid TEXT NOT NULL,
  pk TEXT NOT NULL,
  id TEXT NOT NULL,
  rid TEXT NOT NULL,
  lsn INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS cosmos_documents_key ON cosmos_documents (container_rid, pk, id);
CREATE INDEX IF NOT EXISTS cosmos_documents_by_id ON cosmos_documents (container_rid, id);
CREATE INDEX IF NOT EXISTS cosmos_documents_by_lsn ON cosmos_documents (container_rid, lsn);
INSERT OR IGNORE INTO cosmos_meta (name, value) VALUES ('lsn', 0), ('database_seq', 0), ('container_seq', 0);
`;

export function createCosmosSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  // Files written before time to live was kept: their documents never expire, as they were written.
  const columns = db.prepare('PRAGMA table_info(cosmos_documents)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'expires_at'))
    db.exec('ALTER TABLE cosmos_documents ADD COLUMN expires_at INTEGER');
  db.exec(
    'CREATE INDEX IF NOT EXISTS cosmos_documents_by_expiry ON cosmos_documents (expires_at) WHERE expires_at IS NOT NULL',
  );
}

/** What a read adds so that a document past its time to live is not seen: `?` is now, in epoch seconds. */
export const LIVE_DOCUMENT = '(expires_at IS NULL OR expires_at > ?)';

/** The statements every request uses, prepared once. */
export class CosmosStatements {
  readonly meta: Database.Statement<[string], { value: number }>;
  readonly setMeta: Database.Statement<[number, string], unknown>;
  readonly databases: Database.Statement<[], { id: string; rid: string; body: string }>;
  readonly insertDatabase: Database.Statement<[number, string, string, string], unknown>;
  readonly deleteDatabase: Database.Statement<[string], unknown>;
  readonly containers: Database.Statement<[], { database_id: string; id: string; rid: string; body: string }>;
  readonly insertContainer: Database.Statement<[number, string, string, string, string], unknown>;
  readonly updateContainer: Database.Statement<[string, string], unknown>;
  readonly deleteContainer: Database.Statement<[string], unknown>;
  readonly deleteContainerDocuments: Database.Statement<[string], unknown>;
  readonly document: Database.Statement<
    [string, string, string, number],
    { rid: string; lsn: number; ts: number; body: string }
  >;
  readonly upsertDocument: Database.Statement<
    [string, string, string, string, number, number, string, number | null],
    unknown
  >;
  readonly deleteDocument: Database.Statement<[string, string, string], unknown>;
  readonly deleteExpired: Database.Statement<[number, number], unknown>;
  readonly recomputeExpiry: Database.Statement<{ rid: string; defaultTtl: number | null }, unknown>;

  constructor(db: Database.Database) {
    this.meta = db.prepare('SELECT value FROM cosmos_meta WHERE name = ?');
    this.setMeta = db.prepare('UPDATE cosmos_meta SET value = ? WHERE name = ?');
    this.databases = db.prepare('SELECT id, rid, body FROM cosmos_databases ORDER BY seq');
    this.insertDatabase = db.prepare('INSERT INTO cosmos_databases (seq, id, rid, body) VALUES (?, ?, ?, ?)');
    this.deleteDatabase = db.prepare('DELETE FROM cosmos_databases WHERE id = ?');
    this.containers = db.prepare('SELECT database_id, id, rid, body FROM cosmos_containers ORDER BY seq');
    this.insertContainer = db.prepare(
      'INSERT INTO cosmos_containers (seq, database_id, id, rid, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.updateContainer = db.prepare('UPDATE cosmos_containers SET body = ? WHERE rid = ?');
    this.deleteContainer = db.prepare('DELETE FROM cosmos_containers WHERE rid = ?');
    this.deleteContainerDocuments = db.prepare('DELETE FROM cosmos_documents WHERE container_rid = ?');
    this.document = db.prepare(
      `SELECT rid, lsn, ts, body FROM cosmos_documents WHERE container_rid = ? AND pk = ? AND id = ? AND ${LIVE_DOCUMENT}`,
    );
    this.upsertDocument =
      db.prepare(`INSERT INTO cosmos_documents (container_rid, pk, id, rid, lsn, ts, body, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (container_rid, pk, id) DO UPDATE SET rid = excluded.rid, lsn = excluded.lsn, ts = excluded.ts, body = excluded.body, expires_at = excluded.expires_at`);
    this.deleteDocument = db.prepare('DELETE FROM cosmos_documents WHERE container_rid = ? AND pk = ? AND id = ?');
    // A container's new defaultTtl applies to the documents it holds, as Cosmos DB evaluates expiry from `_ts`.
    this.recomputeExpiry = db.prepare(`UPDATE cosmos_documents SET expires_at = CASE
        WHEN @defaultTtl IS NULL THEN NULL
        WHEN json_type(body, '$.ttl') = 'integer' AND json_extract(body, '$.ttl') = -1 THEN NULL
        WHEN json_type(body, '$.ttl') = 'integer' AND json_extract(body, '$.ttl') > 0 THEN ts + json_extract(body, '$.ttl')
        WHEN @defaultTtl = -1 THEN NULL
        ELSE ts + @defaultTtl END
      WHERE container_rid = @rid`);
    this.deleteExpired = db.prepare(
      'DELETE FROM cosmos_documents WHERE rowid IN (SELECT rowid FROM cosmos_documents WHERE expires_at <= ? LIMIT ?)',
    );
  }
}
