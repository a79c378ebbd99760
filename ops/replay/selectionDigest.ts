import { createHash } from 'node:crypto';
import type { ReplaySelection } from './replayPlan';

/** JSON with object keys sorted, so that the same selection always reads the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * A digest of what a replay selects (the order ids as a set, or the filter), recorded with its dry run: applying
 * reads the plan back from the audit rather than planning the selection again, and this is how it knows the
 * selection sent with the apply is the one that was planned.
 */
export function selectionDigest(selection: ReplaySelection): string {
  const normal = selection.orderIds?.length
    ? { orderIds: [...new Set(selection.orderIds)].sort() }
    : { where: selection.where ?? {} };
  return createHash('sha256').update(canonical(normal)).digest('hex').slice(0, 32);
}
