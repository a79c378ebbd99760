import type { SagaDefinition } from '../../saga/definition/types';
import type { AuditEntry, AuditLog } from '../audit/auditEntry';
import { entryParts } from '../audit/chunkedEntry';
import type { SagaBackend } from '../backends/sagaBackend';
import { OpsValidationError, StalePlanError } from '../errors';
import { changedSince, staleMessage } from './applyPlan';
import { countByAction, itemKey, planReplay, PlannedReplay } from './plan';
import type { PlanItem, ReplayMode } from './replayPlan';

/** At most this many orders in one part: a part is meant to answer within a few seconds. */
export const MAX_PART_ORDERS = 100;

/**
 * A part of an approved plan, planned again: the sagas of `orderIds` that the approved dry run held (found by
 * streaming its stored parts), each checked against the state it had in that dry run (a saga that changed since
 * makes the part stale, naming it, as for a whole plan). Applying a plan part by part lets a caller report
 * progress between parts; each part plans only its own sagas.
 */
export async function planPart(
  backends: SagaBackend[],
  definition: SagaDefinition,
  audit: AuditLog,
  approved: AuditEntry | undefined,
  planHash: string,
  mode: ReplayMode,
  orderIds: string[],
): Promise<PlannedReplay> {
  if (!approved?.plan)
    throw new StalePlanError(
      `No dry run with plan hash ${planHash} was recorded: make a dry run first and apply its hash.`,
      { planHash, changed: [] },
    );
  if (approved.mode !== mode)
    throw new OpsValidationError(`The plan ${planHash} is a ${approved.mode} plan; this part asks for ${mode}.`);
  const ids = new Set(orderIds);
  if (ids.size > MAX_PART_ORDERS)
    throw new OpsValidationError(`part names ${ids.size} orders; send at most ${MAX_PART_ORDERS} per part.`);
  const seen: PlanItem[] = [];
  for await (const part of entryParts(audit, approved))
    seen.push(...(part.plan ?? []).filter((i) => ids.has(i.orderId)));
  const outside = [...ids].filter((id) => !seen.some((i) => i.orderId === id));
  if (outside.length)
    throw new OpsValidationError(
      `part names order(s) the plan ${planHash} does not hold: ${outside.slice(0, 20).join(', ')}. Send only orders of the dry run you apply.`,
    );
  const planned = await planReplay(backends, definition, { orderIds: [...ids] }, mode);
  const keys = new Set(seen.map(itemKey));
  // The order may have run on an engine the dry run did not select (a filter on one engine): not part of the plan.
  const items = planned.plan.items.filter((i) => keys.has(itemKey(i)));
  const changed = changedSince(seen, items);
  if (changed.length)
    throw new StalePlanError(staleMessage(planHash, changed, changed.length, ' of this part'), { planHash, changed });
  const eligible = items.filter((i) => i.eligible).length;
  return {
    plan: {
      mode,
      planHash,
      items,
      summary: { eligible, ineligible: items.length - eligible },
      byAction: countByAction(items),
    },
    inputs: planned.inputs,
  };
}
