import { type Order, OrderSchema } from './order';
import { parseOrThrow } from './validation';

/** How both engines name the saga's input in a validation error, so the messages are the same word for word. */
export const SAGA_INPUT = 'orderSaga input';

/**
 * The order saga's input, checked as the intake and the Lambdas check it. Whoever starts the saga another way
 * (the Durable management API, StartExecution) gets a non-retriable ValidationError at once, before any step:
 * retrying the same input cannot fix it, and activities must never see it.
 */
export function parseSagaInput(value: unknown): Order {
  return parseOrThrow(OrderSchema, value, SAGA_INPUT);
}
