import { z } from 'zod';
import { type Order, OrderSchema } from '../../saga/domain/order';
import type { CompensationRecord, SagaOutcome, StepInput } from '../../saga/domain/saga';

/** A compensation's result as the state machine lists it (the Durable runner's CompensationRecord). */
interface CompensationEntry {
  step: string;
  activity: string;
  status: 'done' | 'failed';
  reason?: string | null;
  detail?: string | null;
}

/**
 * What the generated state machine sends an activity's Lambda function: the StepInput the Durable runner passes,
 * with `warnings` and the outcome's `compensations` as the same lists in the same order. Executions started on a
 * state machine from before the lists (an execution runs to its end on the definition it started with) send
 * them keyed by step, in the order they happened; both are taken.
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
  /** Best-effort steps that failed, in the order they failed (older state machines: step -> reason). */
  warnings: { step: string; reason: string }[] | Record<string, string>;
  outcome: null | {
    outcome: SagaOutcome;
    failedStep?: string;
    reason?: string;
    /**
     * Every compensation run so far, in order (older state machines: the latest per step, keyed by step). Absent
     * in a compensation's own call, as on Durable.
     */
    compensations?: CompensationEntry[] | Record<string, Omit<CompensationEntry, 'step'>>;
  };
}

// ASL cannot leave a field out conditionally, so an absent optional text may also arrive as null.
const optionalText = z.string().nullish();

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list of an older state machine's map: each entry with its key as `step`, in key order (the order they happened). */
const listOfMap = (toEntry: (step: string, value: unknown) => unknown) => (value: unknown) =>
  isMap(value) ? Object.entries(value).map(([step, v]) => toEntry(step, v)) : value;

const warningsSchema = z.preprocess(
  listOfMap((step, reason) => ({ step, reason })),
  z.array(z.object({ step: z.string().min(1), reason: z.string() })),
);

const compensationsSchema = z.preprocess(
  listOfMap((step, record) => (isMap(record) ? { step, ...record } : record)),
  z.array(
    z.object({
      step: z.string().min(1, 'must name the compensated step'),
      activity: z.string().min(1, 'must name the compensating activity'),
      status: z.enum(['done', 'failed']),
      reason: optionalText,
      detail: optionalText,
    }),
  ),
);

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
    warnings: warningsSchema,
    outcome: z
      .object({
        outcome: z.enum(['Completed', 'Compensated', 'NeedsAttention']),
        failedStep: optionalText,
        reason: optionalText,
        compensations: compensationsSchema.optional(),
      })
      .nullable(),
  });
}

export type ParsedActivityPayload = z.output<ReturnType<typeof activityPayloadSchema>>;

/** Present only when set, so the input equals what the Durable orchestrator passes once both are serialised. */
const text = <K extends string>(key: K, value: string | null | undefined) =>
  (value == null ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** The StepInput the activity takes, as the Durable runner would pass it. */
export function toStepInput(payload: ParsedActivityPayload): StepInput {
  const { order, run, keyScope, results, warnings, outcome } = payload;
  const input: StepInput = {
    order,
    ...(run === undefined ? {} : { run }),
    ...(keyScope === undefined ? {} : { keyScope }),
    results,
    warnings,
  };
  if (outcome)
    input.outcome = {
      outcome: outcome.outcome,
      ...text('failedStep', outcome.failedStep),
      ...text('reason', outcome.reason),
      ...(outcome.compensations
        ? {
            compensations: outcome.compensations.map((c): CompensationRecord => ({
              step: c.step,
              activity: c.activity,
              status: c.status,
              ...text('reason', c.reason),
              ...text('detail', c.detail),
            })),
          }
        : {}),
    };
  return input;
}
