import { z } from 'zod';
import type { SagaActivity } from '../../activities/sagaActivity';
import type { StepResult } from '../../saga/domain/saga';
import { parseOrThrow } from '../../saga/domain/validation';
import type { ActivityPayload } from './activityPayload';
import { lambdaActivity } from './lambdaActivity';

/** When the wait began and when this verification began, both on the execution's clock (`$$.State.EnteredTime`). */
export interface WaitClock {
  startedAt: string;
  now: string;
  timeoutSeconds: number;
}

const WaitClockSchema = z.object({
  startedAt: z.iso.datetime({ error: 'must be the ISO time the wait began ($$.State.EnteredTime)' }),
  now: z.iso.datetime({ error: 'must be the ISO time this state was entered ($$.State.EnteredTime)' }),
  timeoutSeconds: z.number().int().positive('must be the whole wait in seconds'),
});

/**
 * Seconds left of a wait that began at `startedAt` and may last `timeoutSeconds`, as of `now` (0 once over). ASL
 * has no date arithmetic, so the state machine asks here before it waits again: a confirmation the verification
 * did not back must not buy the saga more time than the first wait had.
 */
export function remainingSeconds(clock: WaitClock): number {
  const elapsedMs = Date.parse(clock.now) - Date.parse(clock.startedAt);
  return Math.max(0, Math.floor(clock.timeoutSeconds - elapsedMs / 1000));
}

/**
 * The Lambda handler of an activity that verifies an awaited event: the activity's result, plus the seconds left
 * of the wait for when the event is not backed and the state machine waits again. The times come from the
 * execution, never this function's clock, so the deadline is the execution's (virtual time in tests included).
 */
export function verificationLambda(
  activity: SagaActivity,
): (event: ActivityPayload & { wait: WaitClock }) => Promise<StepResult & { remainingSeconds: number }> {
  const run = lambdaActivity(activity);
  return async (event) => {
    const clock = parseOrThrow(WaitClockSchema, event?.wait, `${activity.name} Lambda payload's wait`);
    return { ...(await run(event)), remainingSeconds: remainingSeconds(clock) };
  };
}
