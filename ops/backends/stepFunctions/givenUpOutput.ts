import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * The saga's output of an execution that gave up waiting for an operator (the `NeedsAttention` Fail state). AWS
 * keeps no output for a failed execution; the state machine enters that state with the output (Durable's
 * SagaResult) in `result`, so it is read from the FailStateEntered event and the run shows the same output on
 * both engines. Undefined for any other execution, and for one of a state machine from before `result`.
 */
export function givenUpOutput(events: HistoryEvent[]): unknown {
  const input = events.findLast((e) => e.type === 'FailStateEntered')?.stateEnteredEventDetails?.input;
  if (!input) return undefined;
  try {
    return (JSON.parse(input) as { result?: unknown }).result;
  } catch {
    // The history holds what the state was entered with; a cut or foreign input means there is nothing to show.
    return undefined;
  }
}
