import { z } from 'zod';
import { ORDER_ID_PATTERN } from '../../saga/domain/order';
import { parseOrThrow } from '../../saga/domain/validation';
import { registerSagaWait } from '../sagaEvents';

/** What the state machine's `.waitForTaskToken` task sends (`taskToken.$`: `$$.Task.Token`). */
export interface AwaitEventRequest {
  event: string;
  orderId: string;
  /** The event belongs to this wait when `payload[field] === value`; null takes any event. */
  correlation: { field: string; value: unknown } | null;
  taskToken: string;
}

const AwaitEventRequestSchema = z.object({
  event: z.string().min(1, 'must name the saga event'),
  orderId: z.string().regex(ORDER_ID_PATTERN, 'must be a valid order id'),
  correlation: z
    .object({
      field: z.string().min(1, 'must name the field of the event to compare'),
      // Compared with ===, so an object or array would never match: refused rather than waiting forever.
      value: z.union([z.string(), z.number(), z.boolean(), z.null()], {
        error: 'must be a string, number, boolean or null (it is compared with ===)',
      }),
    })
    .nullable(),
  taskToken: z.string().min(1, 'must be the task token ($$.Task.Token)'),
});

/**
 * Registers the task's token for the event and returns at once; the task stays paused until the event arrives
 * (raiseSagaEvent), possibly immediately when the event came first. The Lambda result itself is not the task's
 * output: SendTaskSuccess's is.
 */
export async function handler(event: AwaitEventRequest): Promise<{ registered: true }> {
  const wait = parseOrThrow(AwaitEventRequestSchema, event, 'awaitEvent Lambda payload');
  await registerSagaWait(wait);
  return { registered: true };
}
