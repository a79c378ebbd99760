import { z } from 'zod';

const who = z
  .string()
  .trim()
  .min(1, 'must name who decided (e.g. "ops@contoso.com")')
  .max(200, 'must be at most 200 characters');
const why = z.string().trim().min(1, 'must say why').max(2000, 'must be at most 2000 characters');

/**
 * An operator's answer to a parked saga (raised as the definition's park event `OperatorDecision`):
 * `retryCompensation` runs the failed compensations again; `markResolved` ends the saga Compensated, and must say
 * who resolved it and how (the money or stock was put right by hand). Anything else is refused where it enters
 * (400 at an HTTP edge) and, should it reach the saga anyway, recorded and ignored there.
 */
export const operatorDecisionSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('retryCompensation'), by: who.optional(), note: why.optional() }),
    z.strictObject({ action: z.literal('markResolved'), by: who, note: why }),
  ],
  { error: 'must be {"action":"retryCompensation"} or {"action":"markResolved","by":"…","note":"…"}' },
);

export type OperatorDecision = z.output<typeof operatorDecisionSchema>;
