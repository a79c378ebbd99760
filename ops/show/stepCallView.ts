import { parseRunName } from '../../saga/domain/runName';
import type { SagaBackend } from '../backends/sagaBackend';
import { OpsValidationError, UnknownRunError } from '../errors';
import type { Engine } from '../model/sagaRun';
import type { PayloadText, StepCallView } from '../wire/stepCall';

export type { PayloadText, StepCallView };

/** What one payload may be cut to by default, and at most (a "show all" asks for the most). */
export const DEFAULT_PAYLOAD_CHARS = 4000;
export const MAX_PAYLOAD_CHARS = 1_000_000;

function payloadText(value: unknown, maxChars: number): PayloadText | undefined {
  if (value === undefined) return undefined;
  const whole = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  return { text: whole.slice(0, maxChars), chars: whole.length, truncated: whole.length > maxChars };
}

/**
 * The input, output and error of the `call`-th activity call of `run` (a run of `orderId`) on `engine`, each cut
 * to `maxChars`. The run must belong to the order: the route cannot be used to read another orchestration.
 */
export async function stepCallView(
  backends: SagaBackend[],
  orderId: string,
  engine: Engine,
  run: string,
  call: number,
  maxChars = DEFAULT_PAYLOAD_CHARS,
): Promise<StepCallView> {
  if (parseRunName(run)?.orderId !== orderId)
    throw new OpsValidationError(
      `run="${run}" is not a run of order ${orderId}: use the order id itself, <order>.r<N> for its Nth attempt, or <run>.resume<M> for a resume run.`,
    );
  if (!Number.isInteger(call) || call < 0)
    throw new OpsValidationError(`call="${call}" must be a whole number from 0 (the run's first activity call).`);
  if (!Number.isInteger(maxChars) || maxChars < 1 || maxChars > MAX_PAYLOAD_CHARS)
    throw new OpsValidationError(`maxChars="${maxChars}" must be a whole number from 1 to ${MAX_PAYLOAD_CHARS}.`);
  const backend = backends.find((b) => b.engine === engine);
  const calls = backend && (await backend.calls(run));
  if (!calls) throw new UnknownRunError(`Order ${orderId} has no run ${run} on ${engine}.`, { orderId, engine, run });
  const found = calls[call];
  if (!found)
    throw new UnknownRunError(
      `Run ${run} on ${engine} made ${calls.length} activity call(s); call ${call} does not exist (they count from 0).`,
      { orderId, engine, run, call },
    );
  const input = payloadText(found.input, maxChars);
  const output = payloadText(found.output, maxChars);
  const error = payloadText(found.error, maxChars);
  return {
    orderId,
    engine,
    run,
    call,
    activity: found.activity,
    ...(input ? { input } : {}),
    ...(output ? { output } : {}),
    ...(error ? { error } : {}),
  };
}
