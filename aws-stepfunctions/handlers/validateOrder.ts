import { parseSagaInput } from '../../saga/domain/sagaInput';

/** What the state machine's first state sends: the execution input, as it was given to StartExecution. */
export interface ValidateOrderRequest {
  input: unknown;
}

/**
 * The state machine's first task: the execution input must be an order, checked with the schema the Durable
 * orchestrator uses. A malformed input throws ValidationError, which the state does not retry or catch, so the
 * execution fails at once with that error and the same message as the Durable instance.
 */
export async function handler(event: ValidateOrderRequest): Promise<{ orderId: string }> {
  return { orderId: parseSagaInput(event?.input).orderId };
}
