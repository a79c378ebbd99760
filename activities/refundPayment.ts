import { effectRunOf, refundKey } from '../saga/domain/idempotency';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { Charge, PaymentPort } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity, type SagaEngine } from './sagaActivity';

/**
 * Compensation of chargePayment. When the charge step's answer was lost (timeout, retries exhausted) there is no
 * charge id in the saga, so the gateway is asked which charges the order has and each live one this engine made
 * is refunded (the same order run on the other engine is another run: its charge is not this run's to refund).
 */
export async function refundPayment(
  input: StepInput,
  payments: PaymentPort,
  engine?: SagaEngine,
): Promise<StepResult<{ refunds: { chargeId: string; amountMinor: number }[] }>> {
  const { orderId } = input.order;
  const known = input.results.chargePayment as Charge | undefined;
  const charges = known
    ? [known]
    : (await payments.chargesForOrder(orderId)).filter((c) => !engine || !c.engine || c.engine === engine);
  const refunds: { chargeId: string; amountMinor: number }[] = [];
  for (const charge of charges) {
    if (charge.status === 'failed' || charge.status === 'refunded') continue;
    const result = await payments.refund({
      chargeId: charge.chargeId,
      idempotencyKey: refundKey(effectRunOf(input), charge.chargeId),
      reason: input.outcome?.reason ?? 'order compensated',
    });
    if (!result.ok) return result;
    refunds.push({ chargeId: charge.chargeId, amountMinor: result.data.amountMinor });
  }
  return { ok: true, data: { refunds } };
}

export const refundPaymentActivity = sagaActivity('refundPayment', (input, engine) =>
  refundPayment(input, appPorts().payments, engine),
);
