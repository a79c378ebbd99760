import type { PlanItem } from './replay';
import type { Engine } from './sagaRun';

export type AuditAction = 'replay' | 'decide' | 'terminate' | 'purge';

/** One record of the append-only audit: who did what to which sagas, why, and how each fared. */
export interface AuditEntry {
  id: string;
  /** ISO-8601 time of the call. */
  at: string;
  /** The partition: the UTC day, so a day's audit is read from one partition. */
  day: string;
  /** The name of the key used (never the key). */
  who: string;
  action: AuditAction;
  /** A dry run changes nothing; it is recorded so an applied plan can be traced to what was shown. */
  dryRun: boolean;
  reason: string;
  mode?: string;
  planHash?: string;
  targets: { orderId: string; engine: Engine; run?: string }[];
  outcomes?: { orderId: string; engine: Engine; result: string; detail: string }[];
  /** Dry runs: the plan's items, so a stale apply can name the sagas that changed. */
  plan?: PlanItem[];
  /**
   * A large dry run or apply is stored in parts so that no document nears Cosmos DB's 2 MB: the entry holds the
   * first part (its `targets`, `plan`, `outcomes`), and parts 1 … chunks-1 are AuditChunk documents with ids
   * `<id>.<n>` in the same partition. Absent: the entry holds everything.
   */
  chunks?: number;
  /** How many targets the entry covers over all its parts. */
  itemCount?: number;
  /** Dry runs: a digest of the selection planned; an apply must send the same selection. */
  selectionDigest?: string;
  /** An apply stored in parts: its outcomes counted over all parts. */
  outcomeCounts?: { applied: number; skipped: number; failed: number };
  /** Decisions: what was decided. */
  decision?: Record<string, unknown>;
}

/** Part n (≥ 1) of a large audit entry: written before the entry itself, which completes it. */
export interface AuditChunk {
  /** `<entryId>.<seq>`. */
  id: string;
  day: string;
  chunkOf: string;
  seq: number;
  /** The entry's own time, caller, action and hash, so an audit query by these finds its parts too. */
  at: string;
  who: string;
  action: AuditAction;
  planHash?: string;
  targets: AuditEntry['targets'];
  plan?: PlanItem[];
  outcomes?: AuditEntry['outcomes'];
}

/** GET /api/ops/audit. */
export interface AuditPage {
  entries: AuditEntry[];
  continuationToken?: string;
}
