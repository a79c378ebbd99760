import { z } from 'zod';

/**
 * The order as the business sends it. The order id becomes the Durable instance id and the Step Functions
 * execution name, so it is restricted to what both accept (Step Functions: 1–80 characters, no spaces or
 * wildcards; Durable: no '/', '\\', '#', '?').
 */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** Amounts are decimal currency units with at most two decimals; the gateway is paid in minor units. */
const money = z
  .number()
  .finite()
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, { message: 'must have at most 2 decimal places' });

export const OrderLineSchema = z.strictObject({
  sku: z.string().regex(SKU_PATTERN, 'must be 2–32 upper-case letters, digits or dashes (e.g. "SKU-123")'),
  qty: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  unitPrice: money.refine((n) => n > 0, { message: 'must be greater than 0' }),
});

export const OrderSchema = z
  .strictObject({
    orderId: z
      .string()
      .regex(ORDER_ID_PATTERN, 'must be 1–64 letters, digits, "-" or "_", starting with a letter or digit'),
    customer: z.strictObject({
      id: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
      email: z.email('must be an e-mail address'),
    }),
    lines: z.array(OrderLineSchema).min(1, 'must hold at least one line').max(100, 'must hold at most 100 lines'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in upper case, e.g. "EUR"'),
    total: money.refine((n) => n > 0, { message: 'must be greater than 0' }),
    paymentMethod: z.string().regex(/^pm_[A-Za-z0-9_]{1,60}$/, 'must be a payment method token such as "pm_card_visa"'),
  })
  .superRefine((order, ctx) => {
    const sum = order.lines.reduce((s, l) => s + Math.round(l.unitPrice * 100) * l.qty, 0);
    if (sum !== Math.round(order.total * 100)) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `must equal the sum of qty × unitPrice over the lines (${(sum / 100).toFixed(2)})`,
      });
    }
    const seen = new Set<string>();
    order.lines.forEach((l, i) => {
      if (seen.has(l.sku))
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'sku'], message: `repeats ${l.sku}; merge the lines` });
      seen.add(l.sku);
    });
  });

export type Order = z.infer<typeof OrderSchema>;
export type OrderLine = z.infer<typeof OrderLineSchema>;

export function toMinorUnits(amount: number): number {
  return Math.round(amount * 100);
}
