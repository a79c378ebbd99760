import type { SagaActivity } from '../../activities/sagaActivity';
import type { StepResult } from '../../saga/domain/saga';
import { parseOrThrow } from '../../saga/domain/validation';
import { type ActivityPayload, activityPayloadSchema, toStepInput } from './activityPayload';

/**
 * The Lambda handler running `activity` for the state machine. A malformed payload throws ValidationError (on
 * the saga's non-retriable list: resending the same payload cannot fix it). The activity's own exceptions pass
 * through unchanged: the runtime reports their `name` as errorType, which the state machine's Retry matches.
 */
export function lambdaActivity(activity: SagaActivity): (event: ActivityPayload) => Promise<StepResult> {
  const schema = activityPayloadSchema(activity.name);
  return async (event) => {
    const payload = parseOrThrow(schema, event, `${activity.name} Lambda payload`);
    return activity.run(toStepInput(payload), 'stepfunctions');
  };
}
