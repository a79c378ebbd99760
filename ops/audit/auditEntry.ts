import type { AuditAction, AuditEntry } from '../wire/audit';

export type { AuditAction, AuditEntry };

export interface AuditQuery {
  from?: string;
  to?: string;
  who?: string;
  action?: AuditAction;
  orderId?: string;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'day'>): Promise<AuditEntry>;
  list(
    query: AuditQuery,
    pageSize: number,
    continuationToken?: string,
  ): Promise<{ entries: AuditEntry[]; continuationToken?: string }>;
  /** The dry run that produced a plan hash, if one was recorded. */
  dryRun(planHash: string): Promise<AuditEntry | undefined>;
}
