import type { StepCall } from '../../model/stepCall';

type Event = Record<string, unknown>;

/**
 * A Durable run's activity calls from its history (showHistory with showHistoryOutput): each TaskScheduled with
 * its Input, answered by the TaskCompleted's Result or the TaskFailed's FailureDetails. One call per
 * TaskScheduled, in history order: the same calls, in the same order, as the timeline's attempts.
 */
export function durableCalls(history: Event[]): StepCall[] {
  const calls: StepCall[] = [];
  const byId = new Map<number, StepCall>();
  for (const e of history) {
    if (e.EventType === 'TaskScheduled') {
      const call: StepCall = { activity: String(e.Name), ...('Input' in e ? { input: e.Input } : {}) };
      byId.set(Number(e.EventId), call);
      calls.push(call);
    } else if (e.EventType === 'TaskCompleted') {
      const call = byId.get(Number(e.TaskScheduledId));
      if (call && 'Result' in e) call.output = e.Result;
    } else if (e.EventType === 'TaskFailed') {
      const call = byId.get(Number(e.TaskScheduledId));
      const details = e.FailureDetails as { ErrorType?: string; ErrorMessage?: string } | undefined;
      if (call)
        call.error =
          [details?.ErrorType, details?.ErrorMessage].filter(Boolean).join(': ') ||
          (typeof e.Reason === 'string' ? e.Reason : 'failed');
    }
  }
  return calls;
}
