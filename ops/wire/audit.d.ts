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
  /** Decisions: what was decided. */
  decision?: Record<string, unknown>;
}

/** GET /api/ops/audit. */
export interface AuditPage {
  entries: AuditEntry[];
  continuationToken?: string;
}
