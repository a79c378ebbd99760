import { z } from 'zod';
import { envelopeSchema, EVENT_DATA_SCHEMAS, EventType } from '../domain/events';
import { OrderSchema } from '../domain/order';

/**
 * The published contracts: JSON Schema (draft 2020-12) for the order and for each integration event as a
 * CloudEvent. Generated from the zod schemas the code validates with, so the two cannot disagree; the files in
 * `saga/contracts/` are checked against this in the tests.
 */
export function contractSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'Order.schema.json': {
      $id: 'https://contoso.example/schemas/Order.json',
      ...z.toJSONSchema(OrderSchema, { io: 'input' }),
    },
  };
  for (const type of Object.keys(EVENT_DATA_SCHEMAS) as EventType[]) {
    out[`${type}.cloudevent.schema.json`] = {
      $id: `https://contoso.example/schemas/${type}.cloudevent.json`,
      title: `${type} (CloudEvents 1.0, structured JSON)`,
      ...z.toJSONSchema(envelopeSchema(type), { io: 'input' }),
    };
  }
  return out;
}
