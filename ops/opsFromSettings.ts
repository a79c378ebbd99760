import { NEEDS_ATTENTION_ERROR } from '../aws-stepfunctions/generator/generateStateMachine';
import { sfnClient } from '../adapters/aws/sfnClient';
import { cosmosContainer } from '../adapters/cosmos/database';
import { CosmosRunOutcomes } from '../adapters/cosmos/runOutcomes';
import { intSettingOr } from '../adapters/settings';
import { orderSaga } from '../saga/definition/orderSaga';
import { CosmosAuditLog } from './audit/cosmosAuditLog';
import { DurableBackend } from './backends/durable/durableBackend';
import { DurableEndpoint, DurableManagementApi } from './backends/durable/managementApi';
import type { SagaBackend } from './backends/sagaBackend';
import { CallRate } from './backends/stepFunctions/callRate';
import { StepFunctionsBackend } from './backends/stepFunctions/stepFunctionsBackend';
import { OpsService } from './opsService';
import { PLAN_PAGE_ITEMS } from './replay/plan';
import { DEFAULT_STUCK_THRESHOLD_MS, StuckCheck } from './status/normalize';

/**
 * The operator tool as the Functions app runs it: Durable through the management API the durable client binding
 * points at (with its system key), Step Functions when AWS_REGION is set (the saga's state machine from
 * ORDER_SAGA_STATE_MACHINE_ARN, or found by name), the audit in Cosmos DB, the stuck threshold from
 * OPS_STUCK_THRESHOLD_MINUTES (default 30), the replay's page size from OPS_REPLAY_PAGE_ITEMS.
 */
let cached: { key: string; ops: OpsService } | undefined;

/**
 * The service for these settings, kept while they stay the same: the Step Functions side remembers the state
 * machine it found and the succeeded executions it described, so later requests do not pay for them again.
 */
export function opsFromSettings(durable: DurableEndpoint): OpsService {
  const key = [
    durable.baseUrl,
    durable.requiredQuery,
    process.env.AWS_REGION,
    process.env.AWS_ENDPOINT_URL_SFN,
    process.env.ORDER_SAGA_STATE_MACHINE_ARN,
    process.env.OPS_STUCK_THRESHOLD_MINUTES,
    process.env.OPS_SFN_READS_PER_SECOND,
    process.env.OPS_REPLAY_PAGE_ITEMS,
    process.env.COSMOS_ENDPOINT,
  ].join('\n');
  if (cached?.key !== key) cached = { key, ops: buildOps(durable) };
  return cached.ops;
}

function buildOps(durable: DurableEndpoint, now: () => Date = () => new Date()): OpsService {
  const thresholdMs = process.env.OPS_STUCK_THRESHOLD_MINUTES
    ? intSettingOr('OPS_STUCK_THRESHOLD_MINUTES', 30) * 60_000
    : DEFAULT_STUCK_THRESHOLD_MS;
  const stuck = (): StuckCheck => ({ definition: orderSaga, nowMs: now().getTime(), thresholdMs });
  const backends: SagaBackend[] = [new DurableBackend(new DurableManagementApi(durable), orderSaga, stuck)];
  if (process.env.AWS_REGION)
    backends.push(
      new StepFunctionsBackend(
        sfnClient(),
        orderSaga,
        stuck,
        NEEDS_ATTENTION_ERROR,
        process.env.ORDER_SAGA_STATE_MACHINE_ARN || undefined,
        new CosmosRunOutcomes(),
        new CallRate(stepFunctionsReadRate()),
      ),
    );
  return new OpsService(
    backends,
    new CosmosAuditLog(() => cosmosContainer('opsAudit')),
    orderSaga,
    now,
    replayPageItems(),
  );
}

/**
 * OPS_REPLAY_PAGE_ITEMS: sagas per page of a replay's selection, per stored part of its plan and per page of
 * GET replays/{planHash}/items (default 200; at most 500, so that a part, about 2 KB a saga, stays far below
 * Cosmos DB's 2 MB per document).
 */
export function replayPageItems(): number {
  return Math.min(500, intSettingOr('OPS_REPLAY_PAGE_ITEMS', PLAN_PAGE_ITEMS));
}

/**
 * OPS_SFN_READS_PER_SECOND: describes and history reads per second the tool allows itself. Unset: 10 against AWS
 * (under its ~15/s refill, leaving room for the account's other callers), unlimited against a local endpoint
 * (AWS_ENDPOINT_URL_SFN on a loopback host), which does not throttle.
 */
export function stepFunctionsReadRate(): number {
  if (process.env.OPS_SFN_READS_PER_SECOND) return intSettingOr('OPS_SFN_READS_PER_SECOND', 10);
  const endpoint = process.env.AWS_ENDPOINT_URL_SFN;
  const local = !!endpoint && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(endpoint).hostname);
  return local ? Infinity : 10;
}
