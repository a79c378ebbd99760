import type { SagaDefinition } from '../../../saga/definition/types';
import { isResumeInput, KeptStep, ResumeInput } from '../../../saga/domain/resumeInput';
import { parseRunName, resumeRunName } from '../../../saga/domain/runName';
import type { StepCall } from '../../model/stepCall';

/** What a Durable resume run of a run will be: its name and its input (the order and the steps it keeps). */
export interface ResumeRun {
  newRun: string;
  input: ResumeInput;
  /**
   * The compensations the stopped run had called (answered or not). A run stopped while compensating may have
   * undone steps that answered ok: a resume would keep them as done, so it is refused.
   */
  compensationsCalled: string[];
}

/** An activity's answer as the history holds it: the StepResult itself, or its JSON text (Azure's HTTP API). */
function stepResult(output: unknown): { ok?: unknown; data?: unknown } | undefined {
  let value = output;
  if (typeof value === 'string')
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  return value && typeof value === 'object' ? (value as { ok?: unknown; data?: unknown }) : undefined;
}

const succeeded = (calls: StepCall[], activity: string): { data: unknown } | undefined => {
  for (const c of calls) {
    if (c.activity !== activity || c.error !== undefined) continue;
    const r = stepResult(c.output);
    if (r?.ok === true) return { data: r.data };
  }
  return undefined;
};

/**
 * The steps of the attempt that are done, from the run's history (each activity call with its output) and, when
 * the run was itself a resume run, from what its input kept: a step is kept when its activity answered ok (its
 * data is the result the saga stored); its confirmation counts as done when the verify activity confirmed it
 * (or, for a wait without a verify, when a later step ran). A step whose activity ran but whose answer was never
 * recorded (the run stopped in the middle of it) is not kept: it runs again under the same key, which the
 * activity answers from its first result.
 */
export function keptSteps(definition: SagaDefinition, input: unknown, calls: StepCall[]): KeptStep[] {
  const before = new Map(isResumeInput(input) ? input.resume.kept.map((k) => [k.step, k]) : []);
  const kept: KeptStep[] = [];
  definition.steps.forEach((step, i) => {
    const earlier = before.get(step.name);
    const ran = earlier ? { data: earlier.result } : succeeded(calls, step.activity);
    if (!ran) return;
    const wait = step.awaitEvent;
    const confirmed =
      !wait ||
      !!earlier?.confirmed ||
      (wait.verify
        ? !!succeeded(calls, wait.verify.activity)
        : definition.steps
            .slice(i + 1)
            .some((s) => s.runs !== 'always' && calls.some((c) => c.activity === s.activity)));
    kept.push({ step: step.name, result: ran.data, confirmed });
  });
  return kept;
}

/**
 * The resume run of `run` (a run that rewind cannot take): the next resume of its attempt, with the order and the
 * steps kept. Undefined for a run whose name is no order's (an orphan) or whose input holds no order.
 */
export function resumeRunOf(
  definition: SagaDefinition,
  run: string,
  input: unknown,
  calls: StepCall[],
): ResumeRun | undefined {
  const parsed = parseRunName(run);
  const order = isResumeInput(input) ? input.order : input;
  if (!parsed || !order || typeof order !== 'object') return undefined;
  const compensations = new Set(definition.steps.map((s) => s.compensation).filter((c): c is string => !!c));
  return {
    newRun: resumeRunName(parsed.orderId, parsed.attempt, (parsed.resume ?? 0) + 1),
    input: {
      order: order as ResumeInput['order'],
      resume: { from: run, kept: keptSteps(definition, input, calls) },
    },
    compensationsCalled: [...new Set(calls.map((c) => c.activity).filter((a) => compensations.has(a)))],
  };
}
