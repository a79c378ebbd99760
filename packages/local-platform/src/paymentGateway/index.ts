/** The local payment gateway the saga's payment adapter talks to; the platform mounts it on its HTTP host. */
export { PAYMENT_GATEWAY_PREFIX, PaymentGatewayEmulator } from './emulator';
export type { PaymentGatewayLedger, PaymentGatewayOptions } from './emulator';
export * from './errors';
export { AMOUNT_LIMIT, FAILURE_MODES, failureModeOf, refundsFail } from './failureModes';
export type { FailureMode, FailureModeDoc } from './failureModes';
export type { Charge, ChargeStatus, Refund } from './gateway';
export type { GatewayRequest, GatewayResponse } from './httpApi';
export { IDEMPOTENCY_RETENTION_MS } from './idempotency';
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature, webhookBackoffMs } from './webhook';
export type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from './webhook';
