import { EventType, HistoryEvent } from './historyEvents';
import type { InstanceRow, RuntimeStatus } from './instanceStore';

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

/** An instance as the Durable HTTP API and the durable client show it. */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

/** Stored JSON text as a value; null for none. */
export const parseJson = (text: string | null): unknown =>
  text === null || text === undefined ? null : JSON.parse(text);

export function toStatus(row: InstanceRow, showInput: boolean): InstanceStatus {
  return {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.status,
    input: showInput ? parseJson(row.input) : null,
    output: parseJson(row.output),
    customStatus: parseJson(row.customStatus),
    createdTime: new Date(row.createdTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastUpdatedTime: new Date(row.lastUpdatedTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** History as the Durable HTTP API shows it (showHistory=true): EventType names, results only on request. */
export function formatHistoryEvent(e: HistoryEvent, showOutput: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    EventType: EventType[e.EventType],
    EventId: e.EventId,
    Timestamp: e.Timestamp,
  };
  if (e.Name !== undefined) out.Name = e.Name;
  if (e.TaskScheduledId !== undefined) out.TaskScheduledId = e.TaskScheduledId;
  if (e.TimerId !== undefined) out.TimerId = e.TimerId;
  if (e.FireAt !== undefined) out.FireAt = e.FireAt;
  if (e.InstanceId !== undefined) out.InstanceId = e.InstanceId;
  if (e.OrchestrationStatus !== undefined) out.OrchestrationStatus = e.OrchestrationStatus;
  if (e.Reason !== undefined) out.Reason = e.Reason;
  if (e.Details !== undefined && e.Details !== '') out.Details = e.Details;
  if (e.FailureDetails !== undefined) out.FailureDetails = e.FailureDetails;
  if (showOutput) {
    if (e.Input !== undefined && e.Input !== null) out.Input = safeParse(e.Input);
    if (e.Result !== undefined && e.Result !== null) out.Result = safeParse(e.Result);
  }
  return out;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
