/** Orchestrator actions as the durable-functions library returns them (`OrchestratorState.actions`). */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface Action {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  retryOptions?: RetryOptions;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
  httpRequest?: unknown;
  operation?: string;
}

/** Compound actions (Task.all / Task.any) schedule their children in order; the compound itself takes no id. */
export function flattenActions(actions: readonly Action[], out: Action[] = []): Action[] {
  for (const a of actions) {
    if (a.actionType === ActionType.WhenAll || a.actionType === ActionType.WhenAny) {
      flattenActions(a.compoundActions ?? [], out);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** What the determinism check compares: the kind of work and its target, never inputs (they may be large). */
export function actionSignature(a: Action): string {
  const name = a.functionName ?? a.externalEventName ?? a.instanceId ?? '';
  return `${ActionType[a.actionType] ?? a.actionType}${name ? `(${name})` : ''}`;
}
