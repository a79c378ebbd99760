import { toMinorUnits, type Order } from '../saga/domain/order';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { Charge, PaymentPort } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity } from './sagaActivity';

/** The refusal code of a confirmation the gateway does not back: the saga records it and keeps waiting. */
export const PAYMENT_NOT_VERIFIED = 'PaymentNotVerified';

/** What is wrong with the gateway's charge for this order, or undefined when it is paid in full. */
export function chargeMismatch(order: Order, chargeId: string, charge: Charge | undefined): string | undefined {
  if (!charge) return `the gateway has no charge ${chargeId}`;
  if (charge.chargeId !== chargeId) return `the gateway answered for charge ${charge.chargeId}, not ${chargeId}`;
  if (charge.status !== 'succeeded') return `charge ${chargeId} is ${charge.status} at the gateway, not succeeded`;
  const due = toMinorUnits(order.total);
  if (charge.amountMinor !== due)
    return `charge ${chargeId} is for ${charge.amountMinor} minor units, the order is for ${due}`;
  // The gateway writes currencies in lower case, the order in upper case (ISO 4217).
  const currency = charge.currency.toUpperCase();
  if (currency !== order.currency) return `charge ${chargeId} is in ${currency}, the order in ${order.currency}`;
  return undefined;
}

/**
 * Checks a payment confirmation against the gateway, the only source of truth for money: the saga's own charge
 * must have succeeded there, for the order's total and currency. A PaymentConfirmed event is only a hint to
 * look; whoever raised it, the saga treats the payment as made only when this answers ok.
 */
export async function verifyPayment(input: StepInput, payments: PaymentPort): Promise<StepResult<Charge>> {
  const known = input.results.chargePayment as Charge | undefined;
  if (!known?.chargeId) return { ok: false, code: PAYMENT_NOT_VERIFIED, reason: 'the saga has no charge to verify' };
  const charge = await payments.getCharge(known.chargeId);
  const mismatch = chargeMismatch(input.order, known.chargeId, charge);
  if (mismatch) return { ok: false, code: PAYMENT_NOT_VERIFIED, reason: mismatch };
  return { ok: true, data: charge! };
}

export const verifyPaymentActivity = sagaActivity('verifyPayment', (input) =>
  verifyPayment(input, appPorts().payments),
);
