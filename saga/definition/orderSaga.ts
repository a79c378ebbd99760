import type { SagaDefinition } from './types';

const second = 1000;
const minute = 60 * second;

/**
 * The order saga. Single source of truth for the Durable orchestrator (orchestrations/orderSaga.ts) and the
 * generated Step Functions state machine.
 */
export const orderSaga: SagaDefinition = {
  name: 'order',
  orchestrator: 'orderSaga',
  steps: [
    {
      name: 'reserveInventory',
      activity: 'reserveInventory',
      compensation: 'releaseInventory',
      critical: true,
      retry: {
        maxAttempts: 3,
        firstRetryIntervalMs: 1 * second,
        backoffCoefficient: 2,
        maxRetryIntervalMs: 10 * second,
      },
      attemptTimeoutMs: 30 * second,
    },
    {
      name: 'chargePayment',
      activity: 'chargePayment',
      compensation: 'refundPayment',
      critical: true,
      retry: {
        maxAttempts: 4,
        firstRetryIntervalMs: 2 * second,
        backoffCoefficient: 2,
        maxRetryIntervalMs: 30 * second,
      },
      attemptTimeoutMs: 30 * second,
      awaitEvent: {
        event: 'PaymentConfirmed',
        timeoutMs: 15 * minute,
        correlateOn: 'chargeId',
        successWhen: { field: 'status', equals: 'succeeded' },
        // Whoever can raise the event (a forged or replayed confirmation) must not get an unpaid order through.
        verify: {
          activity: 'verifyPayment',
          retry: {
            maxAttempts: 4,
            firstRetryIntervalMs: 2 * second,
            backoffCoefficient: 2,
            maxRetryIntervalMs: 30 * second,
          },
          attemptTimeoutMs: 30 * second,
        },
      },
      compensateWhenUncertain: true,
    },
    {
      // Reserved → sold once the payment is confirmed. Best effort: paid stock must never be refunded over
      // bookkeeping; if every attempt fails the order completes with a warning and its stock stays reserved.
      name: 'finalizeInventory',
      activity: 'finalizeInventory',
      critical: false,
      retry: {
        maxAttempts: 5,
        firstRetryIntervalMs: 2 * second,
        backoffCoefficient: 2,
        maxRetryIntervalMs: 1 * minute,
      },
      attemptTimeoutMs: 30 * second,
    },
    {
      name: 'sendNotification',
      activity: 'sendNotification',
      critical: false,
      retry: {
        maxAttempts: 3,
        firstRetryIntervalMs: 5 * second,
        backoffCoefficient: 2,
        maxRetryIntervalMs: 1 * minute,
      },
      attemptTimeoutMs: 1 * minute,
    },
    {
      name: 'syncAnalytics',
      activity: 'syncAnalytics',
      critical: false,
      retry: {
        maxAttempts: 3,
        firstRetryIntervalMs: 5 * second,
        backoffCoefficient: 2,
        maxRetryIntervalMs: 1 * minute,
      },
      attemptTimeoutMs: 1 * minute,
      runs: 'always',
    },
  ],
  compensationRetry: {
    maxAttempts: 5,
    firstRetryIntervalMs: 2 * second,
    backoffCoefficient: 2,
    maxRetryIntervalMs: 1 * minute,
  },
  compensationAttemptTimeoutMs: 1 * minute,
  nonRetriableErrors: ['ConfigurationError', 'ValidationError'],
  park: { event: 'OperatorDecision', timeoutMs: 7 * 24 * 60 * minute },
  inputValidator: 'validateOrder',
};
