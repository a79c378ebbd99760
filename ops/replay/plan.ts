import type { SagaDefinition } from '../../saga/definition/types';
import { runName } from '../../saga/domain/runName';
import type { RunDetail, SagaBackend } from '../backends/sagaBackend';
import { OpsValidationError, UnknownOrderError } from '../errors';
import { listSagas } from '../list/listSagas';
import type { Engine, SagaRun } from '../model/sagaRun';
import { runBounded } from './boundedRunner';
import { fingerprint, planHash } from './planHash';
import type { PlanItem, ReplayMode, ReplayPlan, ReplaySelection } from './replayPlan';
import { restartPreview, resumePreview } from './stepPreview';

/**
 * At most this many sagas in one replay. The plan is streamed (memory does not grow with it), so the bound is
 * time, not memory: at the measured ~250 sagas/s a dry run of 100,000 takes minutes, past what one HTTP call
 * should wait for, and applying it at the default 20/s takes 80 minutes; a larger selection is almost surely a
 * filter that says less than it means. Split it (e.g. by time range).
 */
export const MAX_REPLAY_ITEMS = 100_000;
/**
 * Sagas per page of the selection, per stored part of the plan and per page of GET replays/{planHash}/items: an
 * item with its step previews is about 2 KB, so a part stays far below Cosmos DB's 2 MB per document.
 */
export const PLAN_PAGE_ITEMS = 200;
const PLAN_CONCURRENCY = 8;

/** A plan held whole: a part of a plan, or a small selection. */
export interface PlannedReplay {
  plan: ReplayPlan;
  /** restart: each item's original input, by `${engine}/${orderId}` (kept out of the plan: it holds personal data). */
  inputs: Map<string, unknown>;
}

export const itemKey = (i: { engine: Engine; orderId: string }): string => `${i.engine}/${i.orderId}`;

/** A restart starts a new attempt from the original input; only a run that is over and did not succeed qualifies. */
function restartEligibility(run: SagaRun): { eligible: boolean; reason: string } {
  switch (run.status) {
    case 'Completed':
      return { eligible: false, reason: 'Completed: the order went through; there is nothing to replay' };
    case 'Compensated':
    case 'Failed':
    case 'Terminated':
      return { eligible: true, reason: `${run.status}: a new attempt of the order starts from its original input` };
    case 'NeedsAttention':
      return run.engineStatus === 'Running' || run.engineStatus === 'RUNNING'
        ? { eligible: false, reason: 'parked for an operator: decide (retryCompensation or markResolved) first' }
        : {
            eligible: true,
            reason: 'the decision wait expired: a new attempt starts, but first settle the failed compensation by hand',
          };
    default:
      return { eligible: false, reason: `${run.status}: the run is still in progress (terminate it first)` };
  }
}

export function item(definition: SagaDefinition, mode: ReplayMode, orderId: string, detail: RunDetail): PlanItem {
  const run = detail.run;
  const base = {
    orderId,
    engine: run.engine,
    run: run.run,
    status: run.status,
    engineStatus: run.engineStatus,
    fingerprint: fingerprint(run),
  };
  if (mode === 'resume')
    return {
      ...base,
      action: detail.resume.action,
      eligible: detail.resume.eligible,
      reason: detail.resume.reason,
      ...(detail.resume.newRun ? { newRun: detail.resume.newRun } : {}),
      steps: detail.resume.eligible ? resumePreview(definition, detail, orderId) : [],
    };
  const verdict = restartEligibility(run);
  const newRun = runName(orderId, (run.attempt ?? 1) + 1);
  return {
    ...base,
    action: 'restart',
    ...verdict,
    ...(verdict.eligible
      ? { newRun, steps: restartPreview(definition, orderId, run.run, newRun, run.engine) }
      : { steps: [] }),
  };
}

/** One saga of the selection: its engine and order, and the run that selected it (a filter) or its orphan run. */
interface Target {
  backend: SagaBackend;
  orderId: string;
  /** Selected by a filter: the listed run; the order is planned only if this is its latest run. */
  listed?: SagaRun;
  orphan?: SagaRun;
}

/**
 * The (engine, order) pairs a selection names, a page at a time (never the whole selection): every engine's
 * latest run of each order id, or what the filter lists, page by page with the engines' continuation tokens.
 */
async function* targetPages(
  backends: SagaBackend[],
  selection: ReplaySelection,
  pageSize: number,
): AsyncGenerator<Target[]> {
  if (selection.orderIds?.length) {
    // The ids came in the request body: already in memory, and bounded by its size.
    const ids = [...new Set(selection.orderIds)];
    if (ids.length > MAX_REPLAY_ITEMS)
      throw new OpsValidationError(`orderIds names ${ids.length} orders; replay at most ${MAX_REPLAY_ITEMS} at once.`);
    for (let at = 0; at < ids.length; at += pageSize)
      yield ids.slice(at, at + pageSize).flatMap((orderId) => backends.map((backend) => ({ backend, orderId })));
    return;
  }
  if (!selection.where)
    throw new OpsValidationError(
      'Say which sagas to replay: orderIds (a list of order ids) or where (a filter such as status=Failed).',
    );
  const { engines, ...query } = selection.where;
  const chosen = engines ? backends.filter((b) => engines.includes(b.engine)) : backends;
  let token: string | undefined;
  do {
    const page = await listSagas(chosen, query, pageSize, token);
    yield page.runs.map((run) => {
      const backend = chosen.find((b) => b.engine === run.engine)!;
      return run.orderId ? { backend, orderId: run.orderId, listed: run } : { backend, orderId: run.run, orphan: run };
    });
    token = page.continuationToken;
  } while (token);
}

/** One page of a plan: its items in the selection's order, and (restart) each eligible item's original input. */
export interface PlannedPage {
  items: PlanItem[];
  /** restart: each item's original input, by `${engine}/${orderId}` (kept out of the plan: it holds personal data). */
  inputs: Map<string, unknown>;
}

/** Why a run that belongs to no order is never replayed (its plan item says so, whatever its state). */
export const ORPHAN_REASON =
  'orphan: the run belongs to no order (its name is not an order id), so the tool will not replay it';

function orphanItem(t: Target & { orphan: SagaRun }, mode: ReplayMode): PlanItem {
  return {
    orderId: t.orderId,
    engine: t.backend.engine,
    run: t.orphan.run,
    status: t.orphan.status,
    engineStatus: t.orphan.engineStatus,
    action: mode === 'resume' ? (t.backend.engine === 'durable' ? 'rewind' : 'redrive') : 'restart',
    eligible: false,
    reason: ORPHAN_REASON,
    steps: [],
    fingerprint: fingerprint(t.orphan),
  };
}

/**
 * The dry run, a page at a time: per saga the action, whether it may run and why (not), and what each step will
 * do. Only one page of the selection is held at once, so a caller that stores or counts each page as it comes
 * plans any number of sagas in flat memory. Orders named by id that no engine knows are refused (404) when their
 * page is reached; orders selected by a filter are planned from their latest run, once (an order whose older run
 * matches the filter is planned when, and only if, its latest run is listed).
 */
export async function* planPages(
  backends: SagaBackend[],
  definition: SagaDefinition,
  selection: ReplaySelection,
  mode: ReplayMode,
  pageSize = PLAN_PAGE_ITEMS,
): AsyncGenerator<PlannedPage> {
  let total = 0;
  for await (const targets of targetPages(backends, selection, pageSize)) {
    const inputs = new Map<string, unknown>();
    // Named orders are looked up on every engine: PLAN_CONCURRENCY orders at once, each on all engines together.
    const concurrency = selection.orderIds?.length ? PLAN_CONCURRENCY * backends.length : PLAN_CONCURRENCY;
    const planned = await runBounded(
      targets,
      { concurrency, perSecond: Infinity },
      async (t): Promise<PlanItem | undefined> => {
        if (t.orphan) return orphanItem({ ...t, orphan: t.orphan }, mode);
        const detail = await t.backend.latest(t.orderId, mode === 'resume');
        if (!detail) return undefined;
        if (t.listed && detail.run.run !== t.listed.run) return undefined;
        const planned = item(definition, mode, t.orderId, detail);
        if (planned.eligible && mode === 'restart') inputs.set(itemKey(planned), detail.input);
        return planned;
      },
    );
    if (selection.orderIds?.length) {
      const known = new Set(planned.map((i) => i?.orderId));
      const unknown = [...new Set(targets.map((t) => t.orderId))].filter((id) => !known.has(id));
      if (unknown.length) throw new UnknownOrderError(unknown.join(', '));
    }
    const items = planned.filter((i): i is PlanItem => !!i);
    total += items.length;
    if (total > MAX_REPLAY_ITEMS)
      throw new OpsValidationError(
        `The selection holds more than ${MAX_REPLAY_ITEMS} sagas; narrow it (e.g. a time range) and replay in parts.`,
      );
    yield { items, inputs };
  }
}

/** The dry run of a small selection (a part of a plan, at most MAX_PART_ORDERS orders), held whole. */
export async function planReplay(
  backends: SagaBackend[],
  definition: SagaDefinition,
  selection: ReplaySelection,
  mode: ReplayMode,
): Promise<PlannedReplay> {
  const items: PlanItem[] = [];
  const inputs = new Map<string, unknown>();
  for await (const page of planPages(backends, definition, selection, mode)) {
    items.push(...page.items);
    for (const [k, v] of page.inputs) inputs.set(k, v);
  }
  const eligible = items.filter((i) => i.eligible).length;
  return {
    plan: {
      mode,
      planHash: planHash(mode, items),
      items,
      summary: { eligible, ineligible: items.length - eligible },
      byAction: countByAction(items),
    },
    inputs,
  };
}

/** Items counted by action and eligibility (the dry run's answer, without the items themselves). */
export function countByAction(items: PlanItem[], into: ReplayPlan['byAction'] = {}): ReplayPlan['byAction'] {
  for (const i of items) {
    const c = (into[i.action] ??= { eligible: 0, ineligible: 0 });
    if (i.eligible) c.eligible++;
    else c.ineligible++;
  }
  return into;
}
