import type { TimelineEntry } from '../model/timeline';
import type { TraceDiff } from '../wire/orderView';

export type { TraceDiff };

function attemptsByActivity(timeline: TimelineEntry[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of timeline) if (e.kind === 'attempt') m.set(e.activity, (m.get(e.activity) ?? 0) + 1);
  return m;
}

const missing = (from: string[], inOther: string[]): string[] => {
  const left = [...inOther];
  const out: string[] = [];
  for (const x of from) {
    const i = left.indexOf(x);
    if (i < 0) out.push(x);
    else left.splice(i, 1);
  }
  return out;
};

export function traceDiff(
  durable: { trace: string[]; timeline: TimelineEntry[]; outcome?: string },
  stepFunctions: { trace: string[]; timeline: TimelineEntry[]; outcome?: string },
): TraceDiff {
  const a = durable.trace;
  const b = stepFunctions.trace;
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  const diverges = index < a.length || index < b.length;
  const da = attemptsByActivity(durable.timeline);
  const db = attemptsByActivity(stepFunctions.timeline);
  const attempts = [...new Set([...da.keys(), ...db.keys()])]
    .map((activity) => ({ activity, durable: da.get(activity) ?? 0, stepFunctions: db.get(activity) ?? 0 }))
    .filter((x) => x.durable !== x.stepFunctions);
  const outcomeDiffers = durable.outcome !== stepFunctions.outcome;
  return {
    same: !diverges && !outcomeDiffers && attempts.length === 0,
    ...(diverges ? { firstDivergence: { index, durable: a[index], stepFunctions: b[index] } } : {}),
    missingOnDurable: missing(b, a),
    missingOnStepFunctions: missing(a, b),
    ...(outcomeDiffers ? { outcome: { durable: durable.outcome, stepFunctions: stepFunctions.outcome } } : {}),
    attempts,
  };
}
