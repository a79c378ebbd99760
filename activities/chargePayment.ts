import { effectRunOf, chargeKey } from '../saga/domain/idempotency';
import { toMinorUnits } from '../saga/domain/order';
import type { StepInput, StepResult } from '../saga/domain/saga';
import type { Charge, PaymentPort } from '../saga/ports';
import { appPorts } from '../adapters/appPorts';
import { sagaActivity, type SagaEngine } from './sagaActivity';

/**
 * Charges the order total. The idempotency key is the run and step, so every retry, redelivery, resume or second
 * start of the same order reaches the gateway's first answer: one charge per run at most. The charge's metadata names the
 * engine, so a gateway that routes webhooks by metadata confirms it to the engine waiting for it only.
 */
export async function chargePayment(
  input: StepInput,
  payments: PaymentPort,
  engine: SagaEngine,
): Promise<StepResult<Charge>> {
  const { order } = input;
  const result = await payments.charge({
    orderId: order.orderId,
    amountMinor: toMinorUnits(order.total),
    currency: order.currency,
    paymentMethod: order.paymentMethod,
    idempotencyKey: chargeKey(effectRunOf(input)),
    metadata: { engine },
  });
  if (result.ok && result.data.status === 'failed')
    return { ok: false, code: 'PaymentFailed', reason: `charge ${result.data.chargeId} failed` };
  return result;
}

export const chargePaymentActivity = sagaActivity('chargePayment', (input, engine) =>
  chargePayment(input, appPorts().payments, engine),
);
