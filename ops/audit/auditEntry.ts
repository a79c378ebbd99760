import type { AuditAction, AuditChunk, AuditEntry } from '../wire/audit';

export type { AuditAction, AuditChunk, AuditEntry };

export interface AuditQuery {
  from?: string;
  to?: string;
  who?: string;
  action?: AuditAction;
  orderId?: string;
}

export interface AuditLog {
  /** Records an entry; `id` may be chosen beforehand (a large entry's parts are written first, under its id). */
  append(entry: Omit<AuditEntry, 'id' | 'day'> & { id?: string }): Promise<AuditEntry>;
  /** Records part `seq` (≥ 1) of the entry that will have id `chunk.chunkOf` (see AuditEntry.chunks). */
  appendChunk(chunk: Omit<AuditChunk, 'id' | 'day'>): Promise<void>;
  /** Part `seq` (≥ 1) of a stored entry, if written. */
  chunk(entry: AuditEntry, seq: number): Promise<AuditChunk | undefined>;
  list(
    query: AuditQuery,
    pageSize: number,
    continuationToken?: string,
  ): Promise<{ entries: AuditEntry[]; continuationToken?: string }>;
  /** The dry run that produced a plan hash, if one was recorded. */
  dryRun(planHash: string): Promise<AuditEntry | undefined>;
}
