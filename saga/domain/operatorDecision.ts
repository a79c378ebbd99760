import { z } from 'zod';

/**
 * An operator's answer to a parked saga (the definition's park event on Durable, the parked task's output on Step
 * Functions): who decided, why, and when, recorded as given in the saga's output on both engines.
 */
export const operatorDecisionSchema = z
  .strictObject({
    action: z.enum(['retryCompensation', 'markResolved'], {
      error: 'must be "retryCompensation" (run the failed compensations again) or "markResolved" (settled by hand)',
    }),
    by: z.string().trim().min(1, 'must name who decided').max(100, 'must be at most 100 characters'),
    note: z.string().max(2000, 'must be at most 2000 characters').optional(),
    at: z.iso.datetime({ error: 'must be an ISO-8601 date-time' }).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.action === 'markResolved' && !d.note?.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'must say how it was settled (markResolved needs a note)',
      });
  });

export type OperatorDecision = z.infer<typeof operatorDecisionSchema>;
