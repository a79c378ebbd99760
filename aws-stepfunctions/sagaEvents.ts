import { appPorts } from '../adapters/appPorts';
import { parseSagaEvent } from '../saga/domain/sagaEventPayloads';
import type { SagaCallbacks, SagaEventOutcome, SagaWait } from '../saga/ports';

/**
 * Raises a saga event on the AWS side, the counterpart of Durable's raiseEvent: the waiting `.waitForTaskToken`
 * task gets it, or it is kept until the wait registers. `moot` (the execution is over) is an answer, not an error.
 * An event no saga waits for, or a payload off its schema, throws ValidationError and reaches nothing.
 */
export async function raiseSagaEvent(
  orderId: string,
  event: string,
  payload: Record<string, unknown>,
  callbacks: SagaCallbacks = appPorts().callbacks,
): Promise<SagaEventOutcome> {
  const outcome = await callbacks.raise(orderId, event, parseSagaEvent(event, payload));
  console.log(`Saga event ${event} for order ${orderId}: ${outcome}.`);
  return outcome;
}

/** Registers a `.waitForTaskToken` wait; an event that arrived first completes it at once. */
export async function registerSagaWait(
  wait: SagaWait,
  callbacks: SagaCallbacks = appPorts().callbacks,
): Promise<{ delivered: boolean }> {
  const result = await callbacks.register(wait);
  console.log(
    `Saga wait for ${wait.event} of order ${wait.orderId} registered${result.delivered ? ' and completed by an event that came first' : ''}.`,
  );
  return result;
}
