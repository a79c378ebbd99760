import type { SagaRun } from '../../model/sagaRun';
import type { ResumeEligibility } from '../sagaBackend';

/** Step Functions redrives an execution only within 14 days of its end (RedriveExecution's documented rule). */
export const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60_000;

/**
 * RedriveExecution's rules as reasons rather than SDK errors: only FAILED, TIMED_OUT or ABORTED executions,
 * closed within 14 days, that the engine itself reports REDRIVABLE. A saga that gave up waiting for an operator
 * failed in its NeedsAttention state on purpose: a redrive would fail there again.
 */
export function redriveEligibility(
  run: SagaRun,
  engine: { redriveStatus?: string; redriveStatusReason?: string; stopDate?: Date },
  nowMs: number = Date.now(),
): ResumeEligibility {
  const no = (reason: string): ResumeEligibility => ({ eligible: false, action: 'redrive', reason });
  if (run.engineStatus === 'SUCCEEDED')
    return no(
      run.status === 'Compensated'
        ? 'SUCCEEDED (Compensated): a succeeded execution cannot be redriven; restart for a new attempt'
        : 'SUCCEEDED (Completed): the order went through; there is nothing to replay',
    );
  if (run.engineStatus === 'RUNNING' || run.engineStatus === 'PENDING_REDRIVE')
    return no(
      run.status === 'NeedsAttention'
        ? 'parked for an operator: decide (retryCompensation or markResolved) instead'
        : `${run.status}: only FAILED, TIMED_OUT or ABORTED executions can be redriven (stop it first)`,
    );
  if (run.status === 'NeedsAttention')
    return no(
      'the decision wait expired and the saga failed as NeedsAttention on purpose: a redrive would fail there again; restart, or settle by hand',
    );
  if (engine.stopDate && nowMs - engine.stopDate.getTime() > REDRIVE_WINDOW_MS)
    return no(`closed on ${engine.stopDate.toISOString()}: executions can be redriven within 14 days of closing only`);
  if (engine.redriveStatus !== 'REDRIVABLE')
    return no(
      `Step Functions reports ${engine.redriveStatus ?? 'NOT_REDRIVABLE'}: ${engine.redriveStatusReason ?? 'no reason given'}`,
    );
  return {
    eligible: true,
    action: 'redrive',
    reason: `${run.engineStatus}: RedriveExecution continues from the failed state, keeping what succeeded`,
  };
}
