import type { z } from 'zod';
import { PaymentConfirmedSchema } from './events';
import { operatorDecisionSchema } from './operatorDecision';
import { ValidationError, parseOrThrow } from './validation';

/** Every event a saga waits for, by its exact (case-sensitive) name, with the schema its payload must meet. */
export const SAGA_EVENT_PAYLOADS: Record<string, z.ZodType<Record<string, unknown>>> = {
  PaymentConfirmed: PaymentConfirmedSchema,
  OperatorDecision: operatorDecisionSchema,
};

/**
 * Checks a saga event where it enters, before anyone raises it: a name no saga waits for (a mis-cased
 * `paymentconfirmed` included) or a payload off its schema throws ValidationError naming what is wrong, instead
 * of being accepted and then waiting unheard or being ignored by the saga.
 */
export function parseSagaEvent(event: string, payload: unknown): Record<string, unknown> {
  const schema = SAGA_EVENT_PAYLOADS[event];
  if (!schema)
    throw new ValidationError('saga event', [
      {
        path: 'event',
        message: `"${event}" is not an event a saga waits for; use one of ${Object.keys(SAGA_EVENT_PAYLOADS).join(', ')} (names are case-sensitive)`,
      },
    ]);
  return parseOrThrow(schema, payload, `${event} event`);
}
