import type { SagaDefinition } from '../../saga/definition/types';

/** The function the `.waitForTaskToken` states invoke to file their task token (aws-stepfunctions/handlers/awaitEvent). */
export const AWAIT_EVENT_FUNCTION = 'awaitEvent';

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** The template's logical id for a function: `chargePayment` → `ChargePaymentFunction`. */
export const functionLogicalId = (fn: string): string => `${pascal(fn)}Function`;

/** The `DefinitionSubstitutions` key the state machine uses for a function's ARN. */
export const functionArnKey = (fn: string): string => `${functionLogicalId(fn)}Arn`;

export const functionArnPlaceholder = (fn: string): string => `\${${functionArnKey(fn)}}`;

/** Every Lambda function a saga's state machine invokes: its activities, compensations, verifications and the await function. */
export function sagaFunctions(definition: SagaDefinition): string[] {
  const names = new Set<string>();
  for (const step of definition.steps) {
    names.add(step.activity);
    if (step.compensation) names.add(step.compensation);
    if (step.awaitEvent?.verify) names.add(step.awaitEvent.verify.activity);
  }
  names.add(AWAIT_EVENT_FUNCTION);
  names.add(definition.inputValidator);
  return [...names];
}
