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
 * At most this many sagas in one replay: larger selections are split by the caller (e.g. by time range). The dry
 * run's items (without their step previews) are kept in one audit document, which Cosmos DB caps at 2 MB.
 */
export const MAX_REPLAY_ITEMS = 2000;
const PLAN_CONCURRENCY = 8;

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

function item(definition: SagaDefinition, mode: ReplayMode, orderId: string, detail: RunDetail): PlanItem {
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

/** One saga of the selection: its engine and order, and what a plan needs of its latest run (when already read). */
interface Target {
  backend: SagaBackend;
  orderId: string;
  detail?: RunDetail;
  orphan?: SagaRun;
}

/**
 * The (engine, order) pairs a selection names: every engine's latest run of each order id, or what the filter
 * lists. Orders named by id are read once here (the latest run, with its history only for a resume), not again
 * when planned.
 */
async function targets(backends: SagaBackend[], selection: ReplaySelection, mode: ReplayMode): Promise<Target[]> {
  if (selection.orderIds?.length) {
    const ids = [...new Set(selection.orderIds)];
    if (ids.length > MAX_REPLAY_ITEMS)
      throw new OpsValidationError(`orderIds names ${ids.length} orders; replay at most ${MAX_REPLAY_ITEMS} at once.`);
    const found = await runBounded(ids, { concurrency: PLAN_CONCURRENCY, perSecond: Infinity }, async (orderId) =>
      (
        await Promise.all(
          backends.map(async (backend): Promise<Target | undefined> => {
            const detail = await backend.latest(orderId, mode === 'resume');
            return detail && { backend, orderId, detail };
          }),
        )
      ).filter((x): x is Target => !!x),
    );
    const unknown = ids.filter((_, i) => !found[i].length);
    if (unknown.length === 1) throw new UnknownOrderError(unknown[0]);
    if (unknown.length) throw new UnknownOrderError(unknown.join(', '));
    return found.flat();
  }
  if (!selection.where)
    throw new OpsValidationError(
      'Say which sagas to replay: orderIds (a list of order ids) or where (a filter such as status=Failed).',
    );
  const { engines, ...query } = selection.where;
  const chosen = engines ? backends.filter((b) => engines.includes(b.engine)) : backends;
  const out: Target[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await listSagas(chosen, query, 200, token);
    for (const run of page.runs) {
      const backend = chosen.find((b) => b.engine === run.engine)!;
      const key = `${run.engine}/${run.orderId ?? run.run}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(run.orderId ? { backend, orderId: run.orderId } : { backend, orderId: run.run, orphan: run });
      if (out.length > MAX_REPLAY_ITEMS)
        throw new OpsValidationError(
          `The filter selects more than ${MAX_REPLAY_ITEMS} sagas; narrow it (e.g. a time range) and replay in parts.`,
        );
    }
    token = page.continuationToken;
  } while (token);
  return out;
}

/** The dry run: per saga the action, whether it may run and why (not), and what each step will do. */
export async function planReplay(
  backends: SagaBackend[],
  definition: SagaDefinition,
  selection: ReplaySelection,
  mode: ReplayMode,
): Promise<PlannedReplay> {
  const chosen = await targets(backends, selection, mode);
  const inputs = new Map<string, unknown>();
  const items = await runBounded(
    chosen,
    { concurrency: PLAN_CONCURRENCY, perSecond: Infinity },
    async (t): Promise<PlanItem> => {
      if (t.orphan)
        return {
          orderId: t.orderId,
          engine: t.backend.engine,
          run: t.orphan.run,
          status: t.orphan.status,
          engineStatus: t.orphan.engineStatus,
          action: mode === 'resume' ? (t.backend.engine === 'durable' ? 'rewind' : 'redrive') : 'restart',
          eligible: false,
          reason: 'orphan: the run belongs to no order (its name is not an order id), so the tool will not replay it',
          steps: [],
          fingerprint: fingerprint(t.orphan),
        };
      const detail = t.detail ?? (await t.backend.latest(t.orderId, mode === 'resume'));
      if (!detail) throw new UnknownOrderError(t.orderId);
      const planned = item(definition, mode, t.orderId, detail);
      if (planned.eligible && mode === 'restart') inputs.set(itemKey(planned), detail.input);
      return planned;
    },
  );
  const eligible = items.filter((i) => i.eligible).length;
  return {
    plan: { mode, planHash: planHash(mode, items), items, summary: { eligible, ineligible: items.length - eligible } },
    inputs,
  };
}
