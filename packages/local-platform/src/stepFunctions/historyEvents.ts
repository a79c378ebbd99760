/**
 * Execution history as GetExecutionHistory returns it: `type` plus the one `*EventDetails` member that type
 * carries. Timestamps are stored as epoch milliseconds and converted to epoch seconds on the wire.
 */
export interface StoredEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** An event before the execution numbers and stamps it. */
export type NewEvent = { type: string } & Record<string, unknown>;

const EXECUTION_DATA_FIELDS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

/** The wire form; without execution data, inputs, outputs and task parameters are left out as AWS does. */
export function eventForWire(e: StoredEvent, includeExecutionData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'timestamp') out.timestamp = e.timestamp / 1000;
    else if (!includeExecutionData && k.endsWith('EventDetails') && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v).filter(([f]) => !EXECUTION_DATA_FIELDS.has(f)));
    else out[k] = v;
  }
  return out;
}

export const dataDetails = { truncated: false } as const;

/** `TaskStateEntered`, `ChoiceStateExited`, ... from the ASL state type. */
export function stateEventType(stateType: string, phase: 'Entered' | 'Exited'): string {
  return `${stateType}State${phase}`;
}
