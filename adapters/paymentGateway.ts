import type { StepResult } from '../saga/domain/saga';
import type { Charge, ChargeRequest, PaymentPort } from '../saga/ports';
import { callEndpoint, OutboundAnswer } from './outboundHttp';
import { intSettingOr, requiredSetting } from './settings';

/** The gateway did not give a definite answer (5xx, timeout, network): the caller should retry with the same key. */
export class PaymentGatewayUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentGatewayUnavailableError';
  }
}

interface GatewayError {
  error?: { type?: string; code?: string; message?: string };
}

interface GatewayCharge {
  id: string;
  status: Charge['status'];
  amount: number;
  amountRefunded: number;
  currency: string;
  metadata?: Record<string, string>;
}

function toCharge(c: GatewayCharge): Charge {
  return {
    chargeId: c.id,
    status: c.status,
    amountMinor: c.amount,
    amountRefundedMinor: c.amountRefunded ?? 0,
    currency: c.currency,
  };
}

/**
 * The payment gateway's HTTP API. Every write carries an Idempotency-Key derived from the order and the step,
 * so a retry after a lost response returns the first result instead of charging again.
 */
export class HttpPaymentGateway implements PaymentPort {
  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: T & GatewayError }> {
    const base = requiredSetting('PAYMENT_GATEWAY_URL', 'the payment gateway');
    const apiKey = requiredSetting('PAYMENT_GATEWAY_API_KEY', 'payment gateway authentication');
    const timeoutMs = intSettingOr('PAYMENT_GATEWAY_TIMEOUT_MS', 10_000);
    let response: OutboundAnswer;
    try {
      response = await callEndpoint(`${base.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
      });
    } catch (e) {
      throw new PaymentGatewayUnavailableError(`Payment gateway ${method} ${path}: ${(e as Error).message}`);
    }
    const text = response.text;
    let parsed: T & GatewayError;
    try {
      parsed = (text ? JSON.parse(text) : {}) as T & GatewayError;
    } catch {
      throw new PaymentGatewayUnavailableError(
        `Payment gateway ${method} ${path} answered ${response.status} with a non-JSON body`,
      );
    }
    // 5xx and 409 (the same key still in flight) are worth retrying with the same key; other 4xx are answers.
    if (response.status >= 500 || response.status === 409 || response.status === 429) {
      throw new PaymentGatewayUnavailableError(
        `Payment gateway ${method} ${path} answered ${response.status}: ${parsed.error?.code ?? ''} ${parsed.error?.message ?? ''}`.trim(),
      );
    }
    return { status: response.status, body: parsed };
  }

  async charge(request: ChargeRequest): Promise<StepResult<Charge>> {
    const { status, body } = await this.call<GatewayCharge>(
      'POST',
      '/v1/charges',
      {
        amount: request.amountMinor,
        currency: request.currency,
        paymentMethod: request.paymentMethod,
        orderId: request.orderId,
        ...(request.metadata ? { metadata: request.metadata } : {}),
      },
      request.idempotencyKey,
    );
    if (status === 200 || status === 201) return { ok: true, data: toCharge(body) };
    const code = status === 402 ? 'PaymentDeclined' : status === 401 ? 'PaymentGatewayAuthFailed' : 'PaymentRejected';
    return { ok: false, code, reason: `${body.error?.code ?? status}: ${body.error?.message ?? 'no details'}` };
  }

  async refund(request: {
    chargeId: string;
    idempotencyKey: string;
    reason: string;
  }): Promise<StepResult<{ refundId?: string; amountMinor: number }>> {
    const { status, body } = await this.call<{ id: string; amount: number }>(
      'POST',
      '/v1/refunds',
      { charge: request.chargeId, reason: request.reason },
      request.idempotencyKey,
    );
    if (status === 200 || status === 201) return { ok: true, data: { refundId: body.id, amountMinor: body.amount } };
    // Nothing left to give back: a failed charge, or one refunded already (by an operator, say).
    if (body.error?.code === 'charge_not_refundable' || body.error?.code === 'charge_already_refunded')
      return { ok: true, data: { amountMinor: 0 } };
    return {
      ok: false,
      code: 'RefundRejected',
      reason: `${body.error?.code ?? status}: ${body.error?.message ?? 'no details'}`,
    };
  }

  async chargesForOrder(orderId: string): Promise<(Charge & { engine?: string })[]> {
    const { status, body } = await this.call<{ data: GatewayCharge[] }>(
      'GET',
      `/v1/charges?orderId=${encodeURIComponent(orderId)}`,
    );
    if (status !== 200)
      throw new PaymentGatewayUnavailableError(
        `Listing charges of ${orderId} answered ${status}: ${body.error?.message ?? ''}`,
      );
    return body.data.map((c) => ({ ...toCharge(c), ...(c.metadata?.engine ? { engine: c.metadata.engine } : {}) }));
  }

  async getCharge(chargeId: string): Promise<Charge | undefined> {
    const { status, body } = await this.call<GatewayCharge>('GET', `/v1/charges/${encodeURIComponent(chargeId)}`);
    if (status === 404) return undefined;
    if (status !== 200)
      throw new PaymentGatewayUnavailableError(
        `Reading charge ${chargeId} answered ${status}: ${body.error?.message ?? ''}`,
      );
    return toCharge(body);
  }
}
