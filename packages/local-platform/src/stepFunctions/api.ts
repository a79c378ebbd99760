import type { Clock } from '../clock';
import type { MountRequest } from '../http/mountedApi';
import { UnknownOperationException, validationError } from './errors';
import {
  epochSeconds,
  JsonResponse,
  okResponse,
  optionalBoolean,
  optionalString,
  readRequest,
  requireString,
} from './jsonProtocol';
import { EXECUTION_STATUSES, ExecutionRow, ExecutionStatus, StateMachineRow } from './store';

/** Whether a stopped execution can be redriven, and why (DescribeExecution's redriveStatus and its reason). */
export interface Redrivability {
  redrivable: boolean;
  reason: string;
}

/**
 * What the endpoint's operations need of a Step Functions service. LocalStepFunctions implements it; the endpoint
 * depends on this contract rather than on the class, which itself serves requests through `dispatch`.
 */
export interface StepFunctionsService {
  readonly clock: Clock;
  createStateMachineApi(name: string, definition: string, roleArn: string, type: string | undefined): StateMachineRow;
  machine(arn: string): StateMachineRow;
  listStateMachines(
    nextToken: string | undefined,
    maxResults: unknown,
  ): { rows: StateMachineRow[]; nextToken?: string };
  updateStateMachine(arn: string, definition: string | undefined, roleArn: string | undefined): StateMachineRow;
  deleteStateMachine(arn: string): void;
  startExecution(machineArn: string, name: string | undefined, input: string | undefined): ExecutionRow;
  execution(arn: string): ExecutionRow;
  redrivability(row: ExecutionRow): Redrivability;
  listExecutions(
    machineArn: string,
    status: ExecutionStatus | undefined,
    nextToken: string | undefined,
    maxResults: unknown,
  ): { rows: ExecutionRow[]; nextToken?: string };
  history(
    arn: string,
    opts: { maxResults: unknown; nextToken?: string; reverseOrder?: boolean; includeExecutionData?: boolean },
  ): { events: Record<string, unknown>[]; nextToken?: string };
  stopExecution(arn: string, error: string | undefined, cause: string | undefined): ExecutionRow;
  redriveExecution(arn: string): ExecutionRow;
  sendTaskSuccess(token: string, output: string): void;
  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void;
  sendTaskHeartbeat(token: string): void;
}

type Body = Record<string, unknown>;
type Operation = (sfn: StepFunctionsService, body: Body) => unknown;

function machineDescription(row: StateMachineRow): Record<string, unknown> {
  return {
    stateMachineArn: row.arn,
    name: row.name,
    status: row.status,
    definition: row.definition,
    roleArn: row.roleArn,
    type: row.type,
    creationDate: epochSeconds(row.creationDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    revisionId: row.revisionId,
  };
}

function executionListItem(row: ExecutionRow): Record<string, unknown> {
  return {
    executionArn: row.arn,
    stateMachineArn: row.machineArn,
    name: row.name,
    status: row.status,
    startDate: epochSeconds(row.startDate),
    ...(row.stopDate !== null ? { stopDate: epochSeconds(row.stopDate) } : {}),
    redriveCount: row.redriveCount,
    ...(row.redriveDate !== null ? { redriveDate: epochSeconds(row.redriveDate) } : {}),
  };
}

function statusFilter(body: Body): ExecutionStatus | undefined {
  const v = optionalString(body, 'statusFilter');
  if (v !== undefined && !EXECUTION_STATUSES.includes(v as ExecutionStatus))
    throw validationError('statusFilter', `Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`, v);
  return v as ExecutionStatus | undefined;
}

/** The AWS Step Functions operations this endpoint serves, by X-Amz-Target operation name. */
const OPERATIONS: Record<string, Operation> = {
  CreateStateMachine: (sfn, b) => {
    const row = sfn.createStateMachineApi(
      requireString(b, 'name'),
      requireString(b, 'definition'),
      requireString(b, 'roleArn'),
      optionalString(b, 'type'),
    );
    return { stateMachineArn: row.arn, creationDate: epochSeconds(row.creationDate) };
  },
  DescribeStateMachine: (sfn, b) => machineDescription(sfn.machine(requireString(b, 'stateMachineArn'))),
  ListStateMachines: (sfn, b) => {
    const page = sfn.listStateMachines(optionalString(b, 'nextToken'), b.maxResults);
    return {
      stateMachines: page.rows.map((r) => ({
        stateMachineArn: r.arn,
        name: r.name,
        type: r.type,
        creationDate: epochSeconds(r.creationDate),
      })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
  UpdateStateMachine: (sfn, b) => {
    const definition = optionalString(b, 'definition');
    const roleArn = optionalString(b, 'roleArn');
    if (definition === undefined && roleArn === undefined && !b.loggingConfiguration && !b.tracingConfiguration)
      throw validationError('definition', 'UpdateStateMachine needs at least one of definition, roleArn');
    const row = sfn.updateStateMachine(requireString(b, 'stateMachineArn'), definition, roleArn);
    return { updateDate: epochSeconds(row.updateDate ?? row.creationDate), revisionId: row.revisionId };
  },
  DeleteStateMachine: (sfn, b) => {
    sfn.deleteStateMachine(requireString(b, 'stateMachineArn'));
    return {};
  },
  StartExecution: (sfn, b) => {
    const row = sfn.startExecution(
      requireString(b, 'stateMachineArn'),
      optionalString(b, 'name'),
      optionalString(b, 'input'),
    );
    return { executionArn: row.arn, startDate: epochSeconds(row.startDate) };
  },
  DescribeExecution: (sfn, b) => {
    const row = sfn.execution(requireString(b, 'executionArn'));
    const redrive = sfn.redrivability(row);
    return {
      ...executionListItem(row),
      input: row.input,
      inputDetails: { included: true },
      ...(row.output !== null ? { output: row.output, outputDetails: { included: true } } : {}),
      ...(row.error !== null ? { error: row.error } : {}),
      ...(row.cause !== null ? { cause: row.cause } : {}),
      redriveStatus: redrive.redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      redriveStatusReason: redrive.reason,
    };
  },
  ListExecutions: (sfn, b) => {
    const page = sfn.listExecutions(
      requireString(b, 'stateMachineArn'),
      statusFilter(b),
      optionalString(b, 'nextToken'),
      b.maxResults,
    );
    return { executions: page.rows.map(executionListItem), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  },
  GetExecutionHistory: (sfn, b) => {
    const page = sfn.history(requireString(b, 'executionArn'), {
      maxResults: b.maxResults,
      nextToken: optionalString(b, 'nextToken'),
      reverseOrder: optionalBoolean(b, 'reverseOrder'),
      includeExecutionData: optionalBoolean(b, 'includeExecutionData'),
    });
    return { events: page.events, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  },
  StopExecution: (sfn, b) => {
    const row = sfn.stopExecution(
      requireString(b, 'executionArn'),
      optionalString(b, 'error'),
      optionalString(b, 'cause'),
    );
    return { stopDate: epochSeconds(row.stopDate ?? sfn.clock.now()) };
  },
  RedriveExecution: (sfn, b) => {
    const row = sfn.redriveExecution(requireString(b, 'executionArn'));
    return { redriveDate: epochSeconds(row.redriveDate ?? sfn.clock.now()) };
  },
  SendTaskSuccess: (sfn, b) => {
    sfn.sendTaskSuccess(requireString(b, 'taskToken'), requireString(b, 'output'));
    return {};
  },
  SendTaskFailure: (sfn, b) => {
    sfn.sendTaskFailure(requireString(b, 'taskToken'), optionalString(b, 'error'), optionalString(b, 'cause'));
    return {};
  },
  SendTaskHeartbeat: (sfn, b) => {
    sfn.sendTaskHeartbeat(requireString(b, 'taskToken'));
    return {};
  },
};

/** Any SigV4 Authorization header is accepted: the local endpoint does not verify signatures. */
export async function dispatch(sfn: StepFunctionsService, req: MountRequest): Promise<JsonResponse> {
  const { operation, body } = readRequest(req);
  const op = Object.prototype.hasOwnProperty.call(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (!op)
    throw new UnknownOperationException(
      `Operation '${operation}' is not served by the local Step Functions endpoint. Supported: ${Object.keys(OPERATIONS).join(', ')}.`,
    );
  return okResponse(op(sfn, body));
}
