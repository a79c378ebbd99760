/**
 * The EventBridge rule that starts the order saga on AWS. EventBridge cannot name a Step Functions execution, and
 * the execution name is what makes a start idempotent (the order id), so the rule targets the small
 * `startOrderSaga` function, which calls StartExecution with the order id as name. The template
 * (infra/aws/template.yaml) declares the same pattern; a test keeps them equal.
 */
export const ORDER_PLACED_RULE = {
  Name: 'order-placed-starts-saga',
  Description: 'OrderPlaced integration events start the order saga (execution named by order id).',
  /**
   * Any source: upstream systems (the storefront, partners) publish OrderPlaced, as on the Azure subscription. An
   * OrderPlaced that crossed from Azure (the bridge set `bridgeorigin`) belongs to the saga there, never to both.
   */
  EventPattern: {
    'detail-type': ['OrderPlaced'],
    detail: { bridgeorigin: [{ exists: false }] },
  },
  /** The target function's template logical id. */
  TargetFunction: 'StartOrderSagaFunction',
  /** EventBridge retries a failed delivery for up to a day, then dead-letters it (the template's queue). */
  RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
} as const;
