import type { SagaDefinition } from '../../saga/definition/types';
import type { AuditLog } from '../audit/auditEntry';
import { ChunkedEntryWriter, entryPart } from '../audit/chunkedEntry';
import type { SagaBackend } from '../backends/sagaBackend';
import { NotEligibleError, OpsValidationError, UnknownPlanError } from '../errors';
import { countByAction, planPages, PLAN_PAGE_ITEMS } from './plan';
import { PlanHasher } from './planHash';
import { selectionDigest } from './selectionDigest';
import type { PlanItem, PlanItemsPage, ReplayMode, ReplayPlan, ReplaySelection } from './replayPlan';

const targetsOf = (items: PlanItem[]) => items.map((i) => ({ orderId: i.orderId, engine: i.engine, run: i.run }));

/**
 * The dry run, planned and recorded page by page: each page is hashed, counted and stored as a part of the audit
 * entry as it comes, so memory holds one page however many sagas are selected (the parts carry no plan hash: it
 * is known at the end, and goes in the entry, written last). The answer is bounded: the counts, the first page of
 * items, and a token to page the rest from the audit (planItems).
 */
export async function recordedDryRun(
  backends: SagaBackend[],
  definition: SagaDefinition,
  audit: AuditLog,
  selection: ReplaySelection,
  mode: ReplayMode,
  call: { at: string; who: string; reason: string },
  pageSize = PLAN_PAGE_ITEMS,
): Promise<ReplayPlan> {
  const hasher = new PlanHasher(mode);
  const byAction: ReplayPlan['byAction'] = {};
  const record = new ChunkedEntryWriter(audit, { at: call.at, who: call.who, action: 'replay' });
  let first: PlanItem[] | undefined;
  let parts = 0;
  let total = 0;
  for await (const page of planPages(backends, definition, selection, mode, pageSize)) {
    // A filter's page may hold only older runs of their orders: nothing to store.
    if (!page.items.length) continue;
    for (const i of page.items) hasher.add(i);
    countByAction(page.items, byAction);
    total += page.items.length;
    first ??= page.items;
    parts++;
    await record.add({ targets: targetsOf(page.items), plan: page.items });
  }
  const planHash = hasher.digest();
  const eligible = Object.values(byAction).reduce((s, c) => s + c.eligible, 0);
  // Orders named one by one that cannot be replayed at all are a refusal (409 with the reasons), not a plan.
  if (selection.orderIds && eligible === 0) {
    const shown = first ?? [];
    throw new NotEligibleError(
      `Nothing to ${mode}: ${shown.map((i) => `${i.orderId} (${i.engine} ${i.run}): ${i.reason}`).join('; ')}${total > shown.length ? `; and ${total - shown.length} more` : ''}.`,
      {
        items: shown.map((i) => ({
          orderId: i.orderId,
          engine: i.engine,
          run: i.run,
          status: i.status,
          reason: i.reason,
        })),
      },
    );
  }
  await record.finish({
    selectionDigest: selectionDigest(selection),
    at: call.at,
    who: call.who,
    action: 'replay',
    dryRun: true,
    reason: call.reason,
    mode,
    planHash,
  });
  return {
    mode,
    planHash,
    items: first ?? [],
    summary: { eligible, ineligible: total - eligible },
    byAction,
    ...(parts > 1 ? { itemsContinuationToken: '1' } : {}),
  };
}

/**
 * One page of a recorded dry run's items, in the plan's order: page n is the entry's part n (the token is the
 * next part's number, opaque to callers).
 */
export async function planItems(audit: AuditLog, planHash: string, continuationToken?: string): Promise<PlanItemsPage> {
  const entry = await audit.dryRun(planHash);
  if (!entry) throw new UnknownPlanError(planHash);
  const parts = entry.chunks ?? 1;
  const seq = continuationToken === undefined ? 0 : Number(continuationToken);
  if (!/^\d{1,9}$/.test(continuationToken ?? '0') || seq >= parts)
    throw new OpsValidationError(
      `continuationToken "${String(continuationToken).slice(0, 40)}" is not a page of plan ${planHash} (it has ${parts} page(s)): pass the token the dry run or the previous page answered.`,
    );
  const part = await entryPart(audit, entry, seq);
  return {
    planHash,
    items: part.plan ?? [],
    ...(seq + 1 < parts ? { continuationToken: String(seq + 1) } : {}),
  };
}
