import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StepCall } from '../../model/stepCall';

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The Lambda invoke task's own wrapping ({Payload, StatusCode, ...}) taken off: what the activity returned. */
function payloadOf(value: unknown): unknown {
  return value && typeof value === 'object' && 'Payload' in value ? (value as { Payload: unknown }).Payload : value;
}

/**
 * An execution's activity calls from its history: each TaskScheduled whose Lambda payload names an activity,
 * with that payload as the input, answered by the next TaskSucceeded (the Lambda's Payload), TaskFailed or
 * TaskTimedOut. Waits and the input check are not activity calls. One call per scheduled activity task, in
 * history order: the same calls, in the same order, as the timeline's attempts.
 */
export function executionCalls(events: HistoryEvent[]): StepCall[] {
  const calls: StepCall[] = [];
  let open: StepCall | undefined;
  for (const e of events) {
    if (e.type === 'TaskScheduled') {
      const payload = payloadOf(parsed(e.taskScheduledEventDetails?.parameters)) as Record<string, unknown> | undefined;
      open =
        payload && typeof payload.activity === 'string' ? { activity: payload.activity, input: payload } : undefined;
      if (open) calls.push(open);
      continue;
    }
    if (!open) continue;
    if (e.type === 'TaskSucceeded') {
      open.output = payloadOf(parsed(e.taskSucceededEventDetails?.output));
      open = undefined;
    } else if (e.type === 'TaskFailed' || e.type === 'TaskTimedOut') {
      const failed = e.taskFailedEventDetails ?? e.taskTimedOutEventDetails;
      open.error = [failed?.error, failed?.cause].filter(Boolean).join(': ') || e.type;
      open = undefined;
    }
  }
  return calls;
}
