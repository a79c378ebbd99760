/**
 * What the operator tool refuses, each with the HTTP status it answers and a message saying what to do. The CLI
 * maps them to exit code 2 (usage) or 1 (the operation failed); the HTTP API to the status.
 */
export abstract class OpsError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** The part of the request at fault (the app's error shape). */
  readonly where: string = 'request';
  /** How to fix it; the message already says what, so by default: read it. */
  readonly fix: string = 'See the message.';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class OpsValidationError extends OpsError {
  readonly status = 400;
  readonly code = 'InvalidRequest';
}

export class UnknownOrderError extends OpsError {
  readonly status = 404;
  readonly code = 'OrderNotFound';
  constructor(readonly orderId: string) {
    super(
      `No saga run of order ${orderId} exists on either engine (Durable instance ${orderId}, Step Functions execution ${orderId}). Check the order id, or list runs with a prefix: GET /api/ops/sagas?orderId=${orderId.slice(0, 4)}.`,
      { orderId },
    );
  }
}

export class NotEligibleError extends OpsError {
  readonly status = 409;
  readonly code = 'NotEligible';
}

export class StalePlanError extends OpsError {
  readonly status = 409;
  readonly code = 'StalePlan';
}

/** An engine answered something the tool cannot use (unreachable, 5xx): not the operator's mistake. */
export class EngineError extends OpsError {
  readonly status = 502;
  readonly code = 'EngineError';
}

export class UnknownReplayError extends OpsError {
  readonly status = 404;
  readonly code = 'ReplayNotFound';
  constructor(readonly planHash: string) {
    super(
      `No apply of plan ${planHash} is running or recently finished on this instance of the app. Progress is kept where the apply runs: on an app scaled out to several instances, poll again (or wait for the apply's own answer).`,
      { planHash },
    );
  }
}

/** A run or call the order does not have (the order itself may exist). */
export class UnknownRunError extends OpsError {
  readonly status = 404;
  readonly code = 'RunNotFound';
}

/** A dry run's plan hash that no recorded dry run has (GET replays/{planHash}/items). */
export class UnknownPlanError extends OpsError {
  readonly status = 404;
  readonly code = 'PlanNotFound';
  constructor(readonly planHash: string) {
    super(
      `No dry run with plan hash ${planHash} was recorded. Make a dry run (POST /api/ops/replays with dryRun: true) and use the planHash it answers.`,
      { planHash },
    );
  }
}

/** An audit entry whose stored parts are not all there: the audit was changed outside the tool. */
export class IncompleteAuditError extends OpsError {
  readonly status = 500;
  readonly code = 'AuditIncomplete';
}
