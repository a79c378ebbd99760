import { z } from 'zod';
import type { SagaDefinition } from '../definition/types';
import type { Order } from './order';
import { parseOrThrow, ValidationError } from './validation';

/**
 * A step an earlier run of the same attempt completed, as a resume run carries it: the activity's result (what
 * later steps and the compensations read, e.g. the charge id the refund needs), and for a step that waits for a
 * confirmation whether that wait was confirmed too (if not, the resume run waits again, with the result kept).
 */
export interface KeptStep {
  step: string;
  result: unknown;
  confirmed: boolean;
}

/**
 * The input of a Durable resume run (saga/domain/runName.ts resumeRunName): the order, the run it continues and
 * the steps kept from it. The orchestrator skips exactly the kept steps, deciding from this input alone, so its
 * replays take the same path; what it does not keep runs again under the attempt's keys.
 */
export interface ResumeInput {
  order: Order;
  resume: { from: string; kept: KeptStep[] };
}

/** What the saga runs from: the order, and what an earlier run of the attempt already did (resume runs only). */
export interface RunInput {
  order: Order;
  resume?: ResumeInput['resume'];
}

const ResumeSchema = z.strictObject({
  from: z.string().min(1, 'must name the run resumed').max(300, 'must be at most 300 characters'),
  kept: z
    .array(
      z.strictObject({
        step: z.string().min(1, 'must name a step of the saga'),
        result: z.unknown(),
        confirmed: z.boolean('must be true or false'),
      }),
    )
    .max(100, 'must hold at most 100 steps'),
});

/** A resume run's input is an object with `resume`; an order never has that field (its schema is strict). */
export const isResumeInput = (value: unknown): value is ResumeInput =>
  !!value && typeof value === 'object' && !Array.isArray(value) && 'resume' in value;

/**
 * The saga's input: an order, or a resume run's `{ order, resume }`. Either is checked before any step (a
 * ValidationError naming each field), kept steps included: each must be a step of `definition`, once.
 */
export function parseRunInput(
  definition: SagaDefinition,
  parseOrder: (value: unknown) => Order,
  value: unknown,
): RunInput {
  if (!isResumeInput(value)) return { order: parseOrder(value) };
  const { order, resume: rawResume, ...extra } = value as unknown as Record<string, unknown>;
  const issues = Object.keys(extra).map((k) => ({ path: k, message: 'is not a field of a resume run input' }));
  if (issues.length) throw new ValidationError('orderSaga resume input', issues);
  const resume = parseOrThrow(ResumeSchema, rawResume, 'orderSaga resume input');
  const seen = new Set<string>();
  resume.kept.forEach((k, i) => {
    if (!definition.steps.some((s) => s.name === k.step))
      issues.push({
        path: `resume.kept[${i}].step`,
        message: `"${k.step}" is not a step of the ${definition.name} saga`,
      });
    else if (seen.has(k.step)) issues.push({ path: `resume.kept[${i}].step`, message: `repeats ${k.step}` });
    seen.add(k.step);
  });
  if (issues.length) throw new ValidationError('orderSaga resume input', issues);
  try {
    return { order: parseOrder(order), resume: resume as ResumeInput['resume'] };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(
      e.what,
      e.issues.map((i) => ({ ...i, path: i.path ? `order.${i.path}` : 'order' })),
    );
  }
}
