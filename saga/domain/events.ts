import { CloudEvent } from 'cloudevents';
import { z } from 'zod';
import { ORDER_ID_PATTERN, OrderSchema } from './order';
import { parseOrThrow, ValidationError } from './validation';

/** Where our integration events come from (CloudEvents `source`). */
export const ORDERS_SOURCE = '/contoso/orders';

export const PaymentConfirmedSchema = z.strictObject({
  orderId: z.string().regex(ORDER_ID_PATTERN, 'must be a valid order id'),
  chargeId: z.string().min(1, 'must not be empty'),
  status: z.enum(['succeeded', 'failed']),
  amount: z.number().int('must be in minor units (an integer)').nonnegative(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code'),
});

export const OrderCompletedSchema = z.strictObject({
  orderId: z.string().regex(ORDER_ID_PATTERN),
  customerId: z.string(),
  total: z.number(),
  currency: z.string(),
  chargeId: z.string(),
  warnings: z.array(z.strictObject({ step: z.string(), reason: z.string() })),
});

export const OrderCompensatedSchema = z.strictObject({
  orderId: z.string().regex(ORDER_ID_PATTERN),
  customerId: z.string(),
  total: z.number(),
  currency: z.string(),
  failedStep: z.string(),
  reason: z.string(),
  compensations: z.array(
    z.strictObject({ step: z.string(), activity: z.string(), status: z.enum(['done', 'failed']) }),
  ),
});

/** Every integration event type we publish or consume, with the schema of its `data`. */
export const EVENT_DATA_SCHEMAS = {
  OrderPlaced: OrderSchema,
  PaymentConfirmed: PaymentConfirmedSchema,
  OrderCompleted: OrderCompletedSchema,
  OrderCompensated: OrderCompensatedSchema,
} as const;

export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export type EventData<T extends EventType> = z.output<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** The CloudEvents 1.0 envelope with the extensions the bridges use (ARCHITECTURE.md, "Cross-cloud events"). */
export function envelopeSchema<T extends EventType>(type: T) {
  return z.looseObject({
    specversion: z.literal('1.0'),
    id: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters (Service Bus messageId)'),
    source: z.string().min(1, 'must not be empty'),
    type: z.literal(type),
    time: z.iso.datetime({ offset: true }).optional(),
    subject: z.string().optional(),
    datacontenttype: z.literal('application/json').optional(),
    traceparent: z.string().optional(),
    bridgeorigin: z.enum(['azure', 'aws']).optional(),
    bridgehops: z.number().int().nonnegative().optional(),
    data: EVENT_DATA_SCHEMAS[type],
  });
}

export interface IntegrationEvent<T extends EventType = EventType> {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  time?: string;
  subject?: string;
  datacontenttype?: 'application/json';
  traceparent?: string;
  bridgeorigin?: 'azure' | 'aws';
  bridgehops?: number;
  data: EventData<T>;
}

function isEventType(t: unknown): t is EventType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(EVENT_DATA_SCHEMAS, t);
}

/**
 * Validates a received event: a JSON object that is a CloudEvent of a type we know, whose data passes its
 * schema. Throws ValidationError naming the field and rule.
 */
export function parseIntegrationEvent(value: unknown, expected?: EventType): IntegrationEvent {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ValidationError('event', [{ path: '', message: 'must be a JSON object (a CloudEvent)' }]);
  const type = (value as { type?: unknown }).type;
  if (expected && type !== expected)
    throw new ValidationError('event', [
      { path: 'type', message: `must be "${expected}" (got ${JSON.stringify(type)})` },
    ]);
  if (!isEventType(type))
    throw new ValidationError('event', [
      {
        path: 'type',
        message: `must be one of ${Object.keys(EVENT_DATA_SCHEMAS).join(', ')} (got ${JSON.stringify(type)})`,
      },
    ]);
  const parsed = parseOrThrow(envelopeSchema(type), value, `${type} event`) as IntegrationEvent;
  try {
    // The CloudEvents SDK checks what our schema does not: extension names and attribute formats.
    new CloudEvent({ ...parsed }, true);
  } catch (e) {
    const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors ?? [];
    throw new ValidationError(
      `${type} event`,
      errors.length
        ? errors.map((x) => ({
            path: (x.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.'),
            message: x.message ?? '',
          }))
        : [{ path: '', message: (e as Error).message.split('\n')[0] }],
    );
  }
  return parsed;
}

export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  options: { id: string; time: string; subject?: string; traceparent?: string },
): IntegrationEvent<T> {
  const event = new CloudEvent<EventData<T>>(
    {
      specversion: '1.0',
      id: options.id,
      source: ORDERS_SOURCE,
      type,
      time: options.time,
      subject: options.subject,
      datacontenttype: 'application/json',
      data,
      ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    },
    true,
  );
  return JSON.parse(JSON.stringify(event)) as IntegrationEvent<T>;
}
