import type { ServiceDatabase } from '../../persistence/serviceDatabase';

/** A record accepted by a stream and not yet delivered. */
export interface BufferedRecord {
  seq: number;
  data: Buffer;
}

/** Records that could not be delivered within the retry duration: what Firehose backs up to S3 (FailedDataOnly). */
export interface FailedDelivery {
  stream: string;
  /** The request id of the last attempt (the same across a batch's attempts). */
  requestId: string;
  data: Buffer;
  /** The last attempt's error, as Firehose writes it beside the backed-up record. */
  errorCode: string;
  errorMessage: string;
  attempts: number;
  time: string;
}

type Row = Record<string, unknown>;

/**
 * The local Firehose's state on SQLite (tables `fh_*` of the services database): the records each stream accepted
 * and has not delivered yet, and the failed deliveries. Every change goes into the database's next group commit and
 * the promise resolves once it is durable: PutRecord answers, and EventBridge counts a delivery done, only then.
 */
export class FirehoseStore {
  private readonly stmts;
  private nextSeq: number;

  constructor(private readonly sdb: ServiceDatabase) {
    sdb.db.exec(`
      CREATE TABLE IF NOT EXISTS fh_records (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS fh_failed (seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL,
        request_id TEXT NOT NULL, data BLOB NOT NULL, error_code TEXT NOT NULL, error_message TEXT NOT NULL,
        attempts INTEGER NOT NULL, time TEXT NOT NULL);
    `);
    const db = sdb.db;
    this.stmts = {
      insert: db.prepare('INSERT INTO fh_records (seq, stream, data) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM fh_records WHERE seq = ?'),
      fail: db.prepare(
        'INSERT INTO fh_failed (stream, request_id, data, error_code, error_message, attempts, time) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    const max = db.prepare('SELECT MAX(seq) AS m FROM fh_records').get() as { m: number | null };
    this.nextSeq = (max.m ?? 0) + 1;
  }

  /** Each stream's undelivered records, in the order they were accepted. */
  buffered(): Map<string, BufferedRecord[]> {
    const byStream = new Map<string, BufferedRecord[]>();
    for (const r of this.sdb.db.prepare('SELECT seq, stream, data FROM fh_records ORDER BY seq').all() as Row[]) {
      const list = byStream.get(r.stream as string) ?? [];
      list.push({ seq: r.seq as number, data: r.data as Buffer });
      byStream.set(r.stream as string, list);
    }
    return byStream;
  }

  /** Failed deliveries, oldest first (all streams, or one). */
  failed(stream?: string): FailedDelivery[] {
    const rows = (
      stream === undefined
        ? this.sdb.db.prepare('SELECT * FROM fh_failed ORDER BY seq').all()
        : this.sdb.db.prepare('SELECT * FROM fh_failed WHERE stream = ? ORDER BY seq').all(stream)
    ) as Row[];
    return rows.map((r) => ({
      stream: r.stream as string,
      requestId: r.request_id as string,
      data: r.data as Buffer,
      errorCode: r.error_code as string,
      errorMessage: r.error_message as string,
      attempts: r.attempts as number,
      time: r.time as string,
    }));
  }

  /** Numbers the records now (so the caller can buffer them at once) and resolves once they are durable. */
  accept(stream: string, data: readonly Buffer[]): { records: BufferedRecord[]; durable: Promise<void> } {
    const records = data.map((d) => ({ seq: this.nextSeq++, data: d }));
    const durable = this.sdb.commit(() => {
      for (const r of records) this.stmts.insert.run(r.seq, stream, r.data);
    });
    return { records, durable };
  }

  /** The endpoint acknowledged these records. */
  delivered(records: readonly BufferedRecord[]): Promise<void> {
    return this.sdb.commit(() => {
      for (const r of records) this.stmts.remove.run(r.seq);
    });
  }

  /** The retry duration ran out: the records move to the failed-delivery store with the last error. */
  failedDelivery(
    stream: string,
    records: readonly BufferedRecord[],
    failure: Omit<FailedDelivery, 'stream' | 'data'>,
  ): Promise<void> {
    return this.sdb.commit(() => {
      for (const r of records) {
        this.stmts.remove.run(r.seq);
        this.stmts.fail.run(
          stream,
          failure.requestId,
          r.data,
          failure.errorCode,
          failure.errorMessage,
          failure.attempts,
          failure.time,
        );
      }
    });
  }
}
