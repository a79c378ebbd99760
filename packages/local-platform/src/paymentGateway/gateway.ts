import { randomBytes } from 'node:crypto';
import type { Clock, ScheduledWake } from '../clock';
import { ApiError, CardError, InvalidRequestError, ResourceMissingError } from './errors';
import { AMOUNT_LIMIT, failureModeOf, refundsFail } from './failureModes';
import type { ChargeRequest, RefundRequest } from './validation';
import type { WebhookEvent } from './webhook';

export type ChargeStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';

export interface Charge {
  id: string;
  object: 'charge';
  status: ChargeStatus;
  amount: number;
  /** Lower case. */
  currency: string;
  paymentMethod: string;
  orderId: string;
  /** Unix seconds. */
  created: number;
  amountRefunded: number;
  description?: string;
  /** What the caller attached (Stripe's `metadata`); webhook events carry it, and endpoints may filter on it. */
  metadata?: Record<string, string>;
  /** Set when the charge failed asynchronously. */
  failureCode?: string;
}

export interface Refund {
  id: string;
  object: 'refund';
  charge: string;
  amount: number;
  status: 'succeeded';
  created: number;
  reason?: string;
}

/**
 * Where the state writes its changes through (gatewayStore.ts). Each call queues a write for the next group
 * commit; the caller that reveals the change (an HTTP answer, a webhook) waits for that commit first.
 */
export interface ChargeRecorder {
  /** `confirmAt`: clock time the confirmation is due, undefined when none will come (no_confirm). */
  chargeCreated(charge: Charge, confirmAt: number | undefined): void;
  /** The charge settled (or its confirmation found nothing left to confirm): no confirmation is pending any more. */
  chargeSettled(charge: Charge): void;
  refundCreated(refund: Refund, charge: Charge): void;
}

/** What a previous run of the gateway committed, to start from. */
export interface LoadedCharges {
  charges: Charge[];
  refunds: Refund[];
  /** Clock time each unsettled charge's confirmation is due, by charge id. */
  confirmations: Map<string, number>;
}

export interface GatewayStateOptions {
  clock: Clock;
  confirmDelayMs: number;
  recorder: ChargeRecorder;
  loaded?: LoadedCharges;
  /** Called when a charge settles (succeeded or failed) with the event to deliver. */
  onSettled: (event: WebhookEvent) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Stripe-like opaque ids; random so ids never collide across restarts of the platform. */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** The gateway's charges and refunds and the rules that change them; knows nothing of HTTP or idempotency. */
export class GatewayState {
  private readonly charges = new Map<string, Charge>();
  private readonly refunds: Refund[] = [];
  private readonly confirmations = new Map<string, ScheduledWake>();
  /** Confirmations a previous run left due, until `resumeConfirmations` schedules them. */
  private readonly unresumed: Map<string, number>;
  private stopped = false;

  constructor(private readonly options: GatewayStateOptions) {
    for (const charge of options.loaded?.charges ?? []) this.charges.set(charge.id, charge);
    this.refunds.push(...(options.loaded?.refunds ?? []));
    this.unresumed = new Map(options.loaded?.confirmations);
  }

  private seconds(): number {
    return Math.floor(this.options.clock.now() / 1000);
  }

  createCharge(request: ChargeRequest): Charge {
    const mode = failureModeOf(request.paymentMethod);
    if (request.amount >= AMOUNT_LIMIT)
      throw new CardError('amount_too_large', `The amount must be below ${AMOUNT_LIMIT} minor units.`, 'amount');
    if (mode.kind === 'declined')
      throw new CardError(
        mode.code,
        mode.code === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.',
      );
    const charge: Charge = {
      id: newId('ch'),
      object: 'charge',
      status: 'pending',
      amount: request.amount,
      currency: request.currency,
      paymentMethod: request.paymentMethod,
      orderId: request.orderId,
      created: this.seconds(),
      amountRefunded: 0,
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(request.metadata !== undefined ? { metadata: request.metadata } : {}),
    };
    this.charges.set(charge.id, charge);
    this.options.log(
      'info',
      `Payment gateway: charge ${charge.id} for order ${charge.orderId}: ${charge.amount} ${charge.currency} (${charge.paymentMethod}), pending.`,
    );
    // no_confirm models a gateway that never calls back, so the saga's confirmation timeout must fire.
    const confirmAt = mode.kind === 'noConfirm' ? undefined : this.options.clock.now() + this.options.confirmDelayMs;
    this.options.recorder.chargeCreated(charge, confirmAt);
    if (confirmAt !== undefined) this.scheduleConfirmation(charge, confirmAt);
    return { ...charge };
  }

  /**
   * Schedules the confirmations a previous run committed but did not send, each at its due time on the clock;
   * those that fell due while the platform was down settle at once.
   */
  resumeConfirmations(): void {
    const now = this.options.clock.now();
    for (const [id, dueAt] of this.unresumed) {
      const charge = this.charges.get(id);
      // Overdue ones settle now rather than on a wake, so idle detection already counts their delivery.
      if (charge && dueAt <= now) this.confirm(charge);
      else if (charge) this.scheduleConfirmation(charge, dueAt);
    }
    this.unresumed.clear();
  }

  private scheduleConfirmation(charge: Charge, dueAt: number): void {
    if (this.stopped) return;
    const wake = this.options.clock.schedule(dueAt, () => {
      this.confirmations.delete(charge.id);
      this.confirm(charge);
    });
    this.confirmations.set(charge.id, wake);
  }

  private confirm(charge: Charge): void {
    if (this.stopped) return;
    this.settle(charge, failureModeOf(charge.paymentMethod).kind === 'failsAsync' ? 'failed' : 'succeeded');
  }

  private settle(charge: Charge, outcome: 'succeeded' | 'failed'): void {
    // A charge refunded in full while pending was cancelled before it settled: nothing left to confirm.
    if (charge.status !== 'pending') {
      this.options.log('info', `Payment gateway: charge ${charge.id} is ${charge.status}; no confirmation sent.`);
      this.options.recorder.chargeSettled(charge);
      return;
    }
    charge.status = outcome;
    if (outcome === 'failed') charge.failureCode = 'card_declined';
    // In the same turn as the deliveries onSettled records, so the group commit makes the two one transaction:
    // a settled charge always has its confirmation on its way.
    this.options.recorder.chargeSettled(charge);
    this.options.onSettled({
      id: newId('evt'),
      type: outcome === 'failed' ? 'charge.failed' : 'charge.succeeded',
      created: this.seconds(),
      data: {
        chargeId: charge.id,
        orderId: charge.orderId,
        amount: charge.amount,
        currency: charge.currency,
        status: charge.status,
        ...(charge.metadata ? { metadata: charge.metadata } : {}),
      },
    });
  }

  getCharge(id: string): Charge {
    const charge = this.charges.get(id);
    if (!charge) throw new ResourceMissingError('charge', id, 'id');
    return { ...charge };
  }

  listCharges(orderId?: string): Charge[] {
    return [...this.charges.values()]
      .filter((c) => orderId === undefined || c.orderId === orderId)
      .map((c) => ({ ...c }));
  }

  /**
   * Refunds part or all of what is left of a charge. Pending charges are refundable (a saga that times out
   * waiting for confirmation compensates by refunding); failed ones are not, as no money moved.
   */
  refund(request: RefundRequest): Refund {
    const charge = this.charges.get(request.charge);
    if (!charge) throw new ResourceMissingError('charge', request.charge, 'charge');
    if (refundsFail(charge.paymentMethod))
      throw new ApiError('refund_unavailable', 'Refunds are temporarily unavailable for this charge; retry later.');
    if (charge.status === 'failed')
      throw new InvalidRequestError(
        'charge_not_refundable',
        `Charge ${charge.id} failed, so there is nothing to refund.`,
        'charge',
      );
    const remaining = charge.amount - charge.amountRefunded;
    if (remaining === 0)
      throw new InvalidRequestError(
        'charge_already_refunded',
        `Charge ${charge.id} has already been refunded in full.`,
        'charge',
      );
    const amount = request.amount ?? remaining;
    if (amount > remaining)
      throw new InvalidRequestError(
        'amount_too_large',
        `Refund amount ${amount} is greater than the unrefunded amount ${remaining} of charge ${charge.id}.`,
        'amount',
      );
    charge.amountRefunded += amount;
    if (charge.amountRefunded === charge.amount) charge.status = 'refunded';
    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      charge: charge.id,
      amount,
      status: 'succeeded',
      created: this.seconds(),
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
    };
    this.refunds.push(refund);
    this.options.recorder.refundCreated(refund, charge);
    this.options.log('info', `Payment gateway: refund ${refund.id} of ${amount} ${charge.currency} on ${charge.id}.`);
    return { ...refund };
  }

  getRefund(id: string): Refund {
    const refund = this.refunds.find((r) => r.id === id);
    if (!refund) throw new ResourceMissingError('refund', id, 'id');
    return { ...refund };
  }

  listRefunds(chargeId?: string): Refund[] {
    return this.refunds.filter((r) => chargeId === undefined || r.charge === chargeId).map((r) => ({ ...r }));
  }

  /** Cancels the scheduled confirmations; what is committed stays due, for the next start. */
  stop(): void {
    this.stopped = true;
    for (const w of this.confirmations.values()) w.cancel();
    this.confirmations.clear();
  }
}
