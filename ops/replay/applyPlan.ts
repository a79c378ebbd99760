import type { SagaDefinition } from '../../saga/definition/types';
import type { AuditEntry, AuditLog } from '../audit/auditEntry';
import { ChunkedEntryWriter, entryParts } from '../audit/chunkedEntry';
import type { SagaBackend } from '../backends/sagaBackend';
import { IncompleteAuditError, StalePlanError } from '../errors';
import { Bounds, pacer, runBounded } from './boundedRunner';
import { item, itemKey, ORPHAN_REASON, PlannedReplay } from './plan';
import { fingerprint, PlanHasher } from './planHash';
import type { ItemResult, PlanItem, ReplayMode, ReplayResults } from './replayPlan';
import { ResultTally } from './resultTally';

/**
 * Sagas read at once while the plan is checked and each part planned again (reads, not the apply's starts, which
 * keep the caller's bounds): as many as a plan of named orders reads (8 orders on both engines).
 */
const CHECK_CONCURRENCY = 16;
/** Changed sagas named in a refusal, at most (the count says how many more). */
const NAMED = 20;

const describeChange = (was: PlanItem, now: { status: string; run: string } | undefined): string =>
  now ? `${itemKey(was)} (${was.status} ${was.run} → ${now.status} ${now.run})` : `${itemKey(was)} (no longer found)`;

/** The sagas whose state differs between the plan the operator saw and the one made now. */
export function changedSince(seen: PlanItem[], now: PlanItem[]): string[] {
  const before = new Map(seen.map((i) => [itemKey(i), i]));
  const after = new Map(now.map((i) => [itemKey(i), i]));
  const changed: string[] = [];
  for (const [key, i] of after) {
    const was = before.get(key);
    if (!was) changed.push(`${key} (not in the plan)`);
    else if (was.fingerprint !== i.fingerprint || was.eligible !== i.eligible) changed.push(describeChange(was, i));
  }
  for (const key of before.keys()) if (!after.has(key)) changed.push(`${key} (no longer selected)`);
  return changed;
}

export const staleMessage = (planHash: string, changed: string[], count = changed.length, of = ''): string =>
  `The plan ${planHash} is stale: ${count} saga(s)${of} changed since it was made: ${changed.slice(0, NAMED).join('; ')}${count > NAMED ? '; …' : ''}. Make a new dry run and apply its hash.`;

/** Starts (restart) or resumes one planned saga; a failure is the saga's result, never a throw. */
async function applyItem(backends: SagaBackend[], i: PlanItem, input: unknown, reason: string): Promise<ItemResult> {
  const base = { orderId: i.orderId, engine: i.engine, run: i.run, action: i.action };
  if (!i.eligible) return { ...base, result: 'skipped', detail: i.reason };
  const backend = backends.find((b) => b.engine === i.engine)!;
  try {
    if (i.action === 'restart') {
      await backend.start(i.newRun!, input);
      return { ...base, result: 'applied', detail: `started ${i.newRun}`, newRun: i.newRun };
    }
    await backend.resume(i.run, reason);
    if (i.action === 'resumeRun')
      return { ...base, result: 'applied', detail: `started ${i.newRun}`, newRun: i.newRun };
    return { ...base, result: 'applied', detail: i.action === 'rewind' ? 'rewound' : 'redriven' };
  } catch (e) {
    return { ...base, result: 'failed', detail: (e as Error).message };
  }
}

/** Applies a plan held whole (a part of a plan, just planned again and found unchanged). */
export async function applyPlanned(
  backends: SagaBackend[],
  planned: PlannedReplay,
  reason: string,
  bounds: Bounds,
): Promise<ReplayResults> {
  const tally = new ResultTally(Infinity);
  await runBounded(planned.plan.items, bounds, async (i) =>
    tally.add(await applyItem(backends, i, planned.inputs.get(itemKey(i)), reason)),
  );
  return tally.results(planned.plan.mode, planned.plan.planHash);
}

/**
 * The first pass over a stored plan, part by part: the hash recomputed over the stored items (the plan is whole
 * and is the one approved) and each saga's state compared with the state it was planned in. Answers the sagas
 * that changed (named up to NAMED, all counted) and how many sagas the plan holds.
 */
async function checkStoredPlan(
  backends: SagaBackend[],
  audit: AuditLog,
  approved: AuditEntry,
  mode: ReplayMode,
): Promise<{ changed: string[]; count: number; total: number }> {
  const hasher = new PlanHasher(mode);
  const changed: string[] = [];
  let count = 0;
  let total = 0;
  for await (const part of entryParts(audit, approved)) {
    const items = part.plan ?? [];
    for (const i of items) hasher.add(i);
    total += items.length;
    await runBounded(items, { concurrency: CHECK_CONCURRENCY, perSecond: Infinity }, async (was) => {
      // Orphans are never replayed, whatever their state.
      if (was.reason === ORPHAN_REASON) return;
      const backend = backends.find((b) => b.engine === was.engine)!;
      const now = (await backend.latest(was.orderId, false))?.run;
      if (now && fingerprint(now) === was.fingerprint) return;
      count++;
      if (changed.length < NAMED) changed.push(describeChange(was, now));
    });
  }
  if (hasher.digest() !== approved.planHash)
    throw new IncompleteAuditError(
      `The stored dry run ${approved.id} does not hash to its plan hash ${approved.planHash}: the audit was changed outside the tool. Make a new dry run.`,
      { entry: approved.id },
    );
  return { changed, count, total };
}

/**
 * Applies the dry run the operator approved, streaming its stored parts (memory holds one part, however many
 * sagas the plan has). A first pass re-reads every saga: if any changed since the dry run, nothing is applied
 * and the plan is refused (409 naming them). The second pass plans each part's sagas again just before starting
 * them and skips, with the reason, one that changed in between. Each part's results are recorded in the audit as they
 * come; the answer holds the counts and a bounded sample (failures and skips first).
 */
export async function applyStoredPlan(
  backends: SagaBackend[],
  definition: SagaDefinition,
  audit: AuditLog,
  approved: AuditEntry,
  call: { at: string; who: string; reason: string },
  bounds: Bounds,
  /** Called when the plan is found current, with the number of sagas it holds. */
  onStart: (total: number) => void,
  /** Called once per saga as its result is known (the progress of a long apply). */
  onResult?: (result: ItemResult) => void,
): Promise<ReplayResults> {
  const mode = approved.mode as ReplayMode;
  const planHash = approved.planHash!;
  const check = await checkStoredPlan(backends, audit, approved, mode);
  if (check.count)
    throw new StalePlanError(staleMessage(planHash, check.changed, check.count), {
      planHash,
      changed: check.changed,
    });
  onStart(check.total);
  const tally = new ResultTally();
  const pace = pacer(bounds.perSecond);
  const record = new ChunkedEntryWriter(audit, { at: call.at, who: call.who, action: 'replay', planHash });
  for await (const part of entryParts(audit, approved)) {
    // Each saga of the part planned again (reads only, unpaced), then the part's starts at the apply's bounds.
    const rechecked = await runBounded(
      part.plan ?? [],
      { concurrency: CHECK_CONCURRENCY, perSecond: Infinity },
      recheck,
    );
    const results = await runBounded(
      rechecked,
      bounds,
      async (r): Promise<ItemResult> => {
        const result = 'result' in r ? r : await applyItem(backends, r.now, r.input, call.reason);
        tally.add(result);
        onResult?.(result);
        return result;
      },
      undefined,
      pace,
    );
    await record.add({
      targets: results.map((r) => ({ orderId: r.orderId, engine: r.engine, run: r.run })),
      outcomes: results.map((r) => ({ orderId: r.orderId, engine: r.engine, result: r.result, detail: r.detail })),
    });
  }
  const entry = await record.finish({
    outcomeCounts: tally.counted(),
    at: call.at,
    who: call.who,
    action: 'replay',
    dryRun: false,
    reason: call.reason,
    mode,
    planHash,
  });
  return tally.results(mode, planHash, entry.id);

  /** The saga planned again: skipped (with the reason) if it changed since the plan was checked, else to apply. */
  async function recheck(was: PlanItem): Promise<ItemResult | { now: PlanItem; input: unknown }> {
    const base = { orderId: was.orderId, engine: was.engine, run: was.run, action: was.action };
    if (!was.eligible) return { ...base, result: 'skipped', detail: was.reason };
    try {
      const detail = await backends.find((b) => b.engine === was.engine)!.latest(was.orderId, mode === 'resume');
      const now = detail && item(definition, mode, was.orderId, detail);
      if (
        !now ||
        now.fingerprint !== was.fingerprint ||
        now.eligible !== was.eligible ||
        now.action !== was.action ||
        now.newRun !== was.newRun
      )
        return {
          ...base,
          result: 'skipped',
          detail: `changed since the plan was checked: ${describeChange(was, now)}${now && !now.eligible ? `: ${now.reason}` : ''}`,
        };
      return { now, input: detail.input };
    } catch (e) {
      return { ...base, result: 'failed', detail: (e as Error).message };
    }
  }
}
