/**
 * Failure modes of the local payment gateway, chosen by the charge's payment method (as Stripe's test cards
 * are), so a scenario picks its failure through ordinary request data and needs no back door into the gateway.
 */
export type FailureMode =
  | { kind: 'normal' }
  | { kind: 'declined'; code: 'card_declined' | 'insufficient_funds' }
  | { kind: 'flaky'; failures: number }
  | { kind: 'slow'; slowAttempts: number }
  | { kind: 'noConfirm'; refundFails?: boolean }
  | { kind: 'failsAsync' }
  | { kind: 'refundFails' };

/** Charges of this many minor units or more are refused with card_error amount_too_large. */
export const AMOUNT_LIMIT = 100_000_000;

export interface FailureModeDoc {
  /** The payment method (or amount rule) that selects the mode. */
  trigger: string;
  kind: FailureMode['kind'] | 'amountTooLarge';
  description: string;
}

/** Every mode, for the README and for operators; keep in step with `failureModeOf`. */
export const FAILURE_MODES: readonly FailureModeDoc[] = [
  {
    trigger: 'any other payment method, e.g. pm_card_visa',
    kind: 'normal',
    description:
      'Charge accepted (201, status pending), then confirmed after confirmDelayMs by a signed charge.succeeded webhook.',
  },
  {
    trigger: 'pm_card_declined',
    kind: 'declined',
    description: '402 card_error card_declined; no charge is created; replayed for the same Idempotency-Key.',
  },
  {
    trigger: 'pm_card_insufficient_funds',
    kind: 'declined',
    description: '402 card_error insufficient_funds; no charge is created; replayed for the same Idempotency-Key.',
  },
  {
    trigger: 'pm_card_flaky_<N>, e.g. pm_card_flaky_2',
    kind: 'flaky',
    description:
      'The first N attempts for an Idempotency-Key answer 503 api_error gateway_unavailable (not stored); attempt N+1 charges normally.',
  },
  {
    trigger: 'pm_card_slow_<N>, e.g. pm_card_slow_1',
    kind: 'slow',
    description:
      'The charge is created on the first attempt, but the first N attempts for the key answer only after slowMs ' +
      '(real time, to provoke client timeouts); retries replay the stored response, so there is exactly one charge.',
  },
  {
    trigger: 'pm_card_no_confirm',
    kind: 'noConfirm',
    description: 'Charge accepted but never confirmed: no webhook, it stays pending.',
  },
  {
    trigger: 'pm_card_no_confirm_refund_fails',
    kind: 'noConfirm',
    description:
      'Charge accepted but never confirmed, and every refund of it answers 500 refund_unavailable: a confirmation ' +
      'timeout whose compensation cannot complete.',
  },
  {
    trigger: 'pm_card_fails_async',
    kind: 'failsAsync',
    description: 'Charge accepted, then the webhook reports charge.failed and the charge becomes failed.',
  },
  {
    trigger: 'pm_card_refund_fails',
    kind: 'refundFails',
    description: 'Charge works, but every refund of it answers 500 api_error refund_unavailable (not stored).',
  },
  {
    trigger: `amount >= ${AMOUNT_LIMIT}`,
    kind: 'amountTooLarge',
    description: '402 card_error amount_too_large (param amount), whatever the payment method; stored for replay.',
  },
];

const COUNTED = /^pm_card_(flaky|slow)_(\d{1,6})$/;

export function failureModeOf(paymentMethod: string): FailureMode {
  switch (paymentMethod) {
    case 'pm_card_declined':
      return { kind: 'declined', code: 'card_declined' };
    case 'pm_card_insufficient_funds':
      return { kind: 'declined', code: 'insufficient_funds' };
    case 'pm_card_no_confirm':
      return { kind: 'noConfirm' };
    case 'pm_card_no_confirm_refund_fails':
      return { kind: 'noConfirm', refundFails: true };
    case 'pm_card_fails_async':
      return { kind: 'failsAsync' };
    case 'pm_card_refund_fails':
      return { kind: 'refundFails' };
  }
  const counted = COUNTED.exec(paymentMethod);
  if (counted) {
    const n = Number(counted[2]);
    return counted[1] === 'flaky' ? { kind: 'flaky', failures: n } : { kind: 'slow', slowAttempts: n };
  }
  return { kind: 'normal' };
}

/** Whether refunds of charges made with this payment method fail. */
export function refundsFail(paymentMethod: string): boolean {
  const mode = failureModeOf(paymentMethod);
  return mode.kind === 'refundFails' || (mode.kind === 'noConfirm' && mode.refundFails === true);
}
