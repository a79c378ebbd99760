import { z } from 'zod';
import { type Order, OrderSchema } from '../../saga/domain/order';
import type { CompensationRecord, SagaOutcome, StepInput } from '../../saga/domain/saga';

/**
 * What the generated state machine sends an activity's Lambda function. ASL builds maps more easily than arrays,
 * so warnings and compensations arrive keyed by step (in the order they happened) and become StepInput's lists here.
 */
export interface ActivityPayload {
  /** The activity the state machine means to run; a different function answering it is a wiring mistake. */
  activity: string;
  order: Order;
  /** The execution's name, which idempotency keys use (StepInput.run). */
  run?: string;
  /** The engine's part of the money and stock keys (StepInput.keyScope): `sfn`. */
  keyScope?: string;
  /** Data of the steps done so far, by step name. */
  results: Record<string, unknown>;
  /** Best-effort steps that failed: step -> reason, in the order they failed. */
  warnings: Record<string, string>;
  outcome: null | {
    outcome: SagaOutcome;
    failedStep?: string;
    reason?: string;
    compensations: Record<string, { activity: string; status: 'done' | 'failed'; reason?: string }>;
  };
}

// ASL cannot leave a field out conditionally, so an absent optional text may also arrive as null.
const optionalText = z.string().nullish();

/**
 * The payload's schema, for the function running `activityName`. Unknown top-level fields are dropped, not
 * refused: the state machine may pass more context than an activity needs; every field it must send is required.
 */
export function activityPayloadSchema(activityName: string) {
  return z.object({
    activity: z.literal(activityName, {
      error: `must be "${activityName}", the activity this function runs (the state machine invoked the wrong function)`,
    }),
    order: OrderSchema,
    run: z.string().min(1, 'must be the execution name').optional(),
    keyScope: z.string().min(1).optional(),
    results: z.record(z.string(), z.unknown()),
    warnings: z.record(z.string(), z.string()),
    outcome: z
      .object({
        outcome: z.enum(['Completed', 'Compensated', 'NeedsAttention']),
        failedStep: optionalText,
        reason: optionalText,
        compensations: z.record(
          z.string(),
          z.object({
            activity: z.string().min(1, 'must name the compensating activity'),
            status: z.enum(['done', 'failed']),
            reason: optionalText,
            detail: optionalText,
          }),
        ),
      })
      .nullable(),
  });
}

export type ParsedActivityPayload = z.output<ReturnType<typeof activityPayloadSchema>>;

/** Present only when set, so the input equals what the Durable orchestrator passes once both are serialised. */
const text = <K extends string>(key: K, value: string | null | undefined) =>
  (value == null ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** The StepInput the activity takes; maps keep their key order, which is the order the steps happened in. */
export function toStepInput(payload: ParsedActivityPayload): StepInput {
  const { order, run, keyScope, results, warnings, outcome } = payload;
  const input: StepInput = {
    order,
    ...(run === undefined ? {} : { run }),
    ...(keyScope === undefined ? {} : { keyScope }),
    results,
    warnings: Object.entries(warnings).map(([step, reason]) => ({ step, reason })),
  };
  if (outcome)
    input.outcome = {
      outcome: outcome.outcome,
      ...text('failedStep', outcome.failedStep),
      ...text('reason', outcome.reason),
      compensations: Object.entries(outcome.compensations).map(([step, c]): CompensationRecord => ({
        step,
        activity: c.activity,
        status: c.status,
        ...text('reason', c.reason),
        ...text('detail', c.detail),
      })),
    };
  return input;
}
