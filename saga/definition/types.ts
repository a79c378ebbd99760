/**
 * The shape of a saga definition: data, not code paths. The Durable orchestrator walks it and the Step Functions
 * generator translates it, so everything a step does must be expressible here.
 */

export interface RetryPolicy {
  /** Total attempts, the first included (Durable's maxNumberOfAttempts; ASL MaxAttempts + 1). */
  maxAttempts: number;
  firstRetryIntervalMs: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
}

export interface AwaitEvent {
  /** The external event (Durable) / task-token callback (Step Functions) the step waits for. */
  event: string;
  timeoutMs: number;
  /** The event belongs to this step only when `event[field]` equals the step result's `[field]`; others are ignored. */
  correlateOn: string;
  /** The event confirms the step when `event[field] === equals`; any other value fails the step. */
  successWhen: { field: string; equals: string };
  /**
   * An event that reports success is only a hint: this activity checks it with the source of truth before the
   * step counts as confirmed. A business refusal (`ok: false`) means the event is not backed: it is recorded and
   * the wait goes on until the original deadline; an exception after the policy's retries fails the step.
   */
  verify?: { activity: string; retry: RetryPolicy; attemptTimeoutMs: number };
}

export interface SagaStep {
  name: string;
  /** The activity that performs the step; it returns a StepResult or throws a retriable error. */
  activity: string;
  /** The activity that undoes the step, run in reverse order when a later critical step fails. */
  compensation?: string;
  /** A failed critical step compensates the saga; a failed best-effort step is recorded and the saga goes on. */
  critical: boolean;
  retry: RetryPolicy;
  /**
   * Deadline for one attempt of the activity (ASL `TimeoutSeconds`, which is per attempt); a timed-out attempt
   * fails with `States.Timeout` and is retried like any other transient failure.
   */
  attemptTimeoutMs: number;
  /** After the activity succeeds, wait for a confirmation event or time out (a critical failure). */
  awaitEvent?: AwaitEvent;
  /**
   * When the step fails without a definite answer (retries exhausted, timeout), its side effect may still have
   * happened (a charge whose response was lost), so its own compensation runs as well.
   */
  compensateWhenUncertain?: boolean;
  /** 'success' (default): only while the saga is succeeding. 'always': also after compensation, with the outcome. */
  runs?: 'success' | 'always';
}

export interface SagaDefinition {
  name: string;
  /** The orchestrator (Durable) / state machine (Step Functions) name. */
  orchestrator: string;
  steps: SagaStep[];
  compensationRetry: RetryPolicy;
  /** Deadline for one attempt of a compensation. */
  compensationAttemptTimeoutMs: number;
  /**
   * Error names (the activity error's `name`, the Lambda `errorType`) that retrying cannot fix: the step fails at
   * once. Every other exception is transient and retried by the step's policy.
   */
  nonRetriableErrors: string[];
  /** When a compensation fails after its retries the saga parks, waiting this long for an operator. */
  park: { event: string; timeoutMs: number };
  /**
   * The Lambda function that checks the execution input before any step (Step Functions has no schemas); the
   * Durable orchestrator checks the same schema in process. A malformed input fails the saga at once.
   */
  inputValidator: string;
}
