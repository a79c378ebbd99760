import {
  DescribeExecutionCommand,
  DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { SagaDefinition } from '../../../saga/definition/types';
import type { OperatorDecision } from '../../../saga/domain/operatorDecision';
import type { RunOutcomeRecord, RunOutcomes } from '../../../saga/ports';
import { parseRunName, runName } from '../../../saga/domain/runName';
import { EngineError, NotEligibleError } from '../../errors';
import type { SagaRun, SagaState } from '../../model/sagaRun';
import type { StepCall } from '../../model/stepCall';
import { traceOf } from '../../model/timeline';
import { normalizeStepFunctions, outcomeState, StuckCheck } from '../../status/normalize';
import { matchesQuery, ResumeEligibility, RunDetail, RunPage, RunQuery, SagaBackend } from '../sagaBackend';
import { CallRate } from './callRate';
import { executionCalls } from './executionCalls';
import { givenUpOutput } from './givenUpOutput';
import { executionTimeline, runActivity } from './executionHistory';
import { redriveEligibility } from './redriveEligibility';

/** The execution statuses a normalized status can come from; ListExecutions filters one status per call. */
const EXECUTION_STATUSES: Record<SagaState, ExecutionStatus[]> = {
  Running: ['RUNNING', 'PENDING_REDRIVE'],
  Awaiting: ['RUNNING'],
  Stuck: ['RUNNING'],
  NeedsAttention: ['RUNNING', 'FAILED'],
  Compensated: ['SUCCEEDED'],
  Completed: ['SUCCEEDED'],
  Failed: ['FAILED', 'TIMED_OUT'],
  Terminated: ['ABORTED'],
};

/** The page position: which status list entry (undefined filter = all) and the engine's token within it. */
interface Position {
  i: number;
  t?: string;
}

const encode = (p: Position): string => Buffer.from(JSON.stringify(p)).toString('base64url');
function decode(token: string | undefined): Position {
  if (!token) return { i: 0 };
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Position;
    if (Number.isInteger(p.i)) return p;
  } catch {
    // fall through
  }
  throw new EngineError('The Step Functions page token is not one this tool issued; list again without it.');
}

/** How many executions are described at once while building a page (the engine's API rate matters more than ours). */
const DESCRIBE_CONCURRENCY = 8;
/** Succeeded executions remembered (they never change again: no redrive, no new events). */
const SUCCEEDED_CACHE_SIZE = 100_000;

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Step Functions through @aws-sdk/client-sfn (the local endpoint or AWS). An execution's normalized status needs
 * its output (Completed or Compensated) or its latest events (awaiting, parked), so each listed execution is
 * described, and running ones read their newest events.
 */
export class StepFunctionsBackend implements SagaBackend {
  readonly engine = 'stepFunctions' as const;
  private machineArn: Promise<string> | undefined;
  /**
   * A SUCCEEDED execution is final (it cannot be redriven and gains no events), so its normalized run is kept:
   * listing and counting then describe each succeeded execution once, not on every page.
   */
  private readonly succeeded = new Map<string, SagaRun>();

  constructor(
    private readonly client: SFNClient,
    private readonly definition: SagaDefinition,
    private readonly stuck: () => StuckCheck,
    private readonly parkError: string,
    stateMachineArn?: string,
    /** The outcomes runs record as they end: a SUCCEEDED execution found there is listed without a describe. */
    private readonly outcomes?: RunOutcomes,
    /** Describes and history reads per second at most (AWS throttles them; the local endpoint does not). */
    private readonly reads: CallRate = new CallRate(Infinity),
  ) {
    if (stateMachineArn) this.machineArn = Promise.resolve(stateMachineArn);
  }

  /** The saga's state machine: given, or found by the definition's name. */
  stateMachineArn(): Promise<string> {
    this.machineArn ??= (async () => {
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(new ListStateMachinesCommand({ nextToken }));
        const found = page.stateMachines?.find((m) => m.name === this.definition.orchestrator);
        if (found?.stateMachineArn) return found.stateMachineArn;
        nextToken = page.nextToken;
      } while (nextToken);
      throw new EngineError(
        `No state machine named ${this.definition.orchestrator} exists on the Step Functions endpoint. Set ORDER_SAGA_STATE_MACHINE_ARN to the saga's state machine.`,
      );
    })();
    this.machineArn.catch(() => (this.machineArn = undefined));
    return this.machineArn;
  }

  private async executionArn(run: string): Promise<string> {
    return `${(await this.stateMachineArn()).replace(':stateMachine:', ':execution:')}:${run}`;
  }

  private async describe(executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
    try {
      await this.reads.turn();
      return await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist) return undefined;
      throw e;
    }
  }

  private async history(executionArn: string, newest?: number): Promise<HistoryEvent[]> {
    await this.reads.turn();
    if (newest)
      return (
        (
          await this.client.send(
            new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: newest }),
          )
        ).events ?? []
      ).reverse();
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      if (nextToken) await this.reads.turn();
      const page = await this.client.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  private toRun(
    d: DescribeExecutionCommandOutput | ExecutionListItem,
    events: HistoryEvent[],
  ): { run: SagaRun; decisionToken?: string } {
    const described = d as Partial<DescribeExecutionCommandOutput>;
    const name = d.name ?? d.executionArn!.slice(d.executionArn!.lastIndexOf(':') + 1);
    const parsed = parseRunName(name);
    const activity = runActivity(events, this.definition);
    const n = normalizeStepFunctions(
      {
        status: d.status ?? 'RUNNING',
        output: described.output,
        error: described.error,
        cause: described.cause,
        at: activity.at,
        lastProgressMs: activity.lastProgressMs,
      },
      this.stuck(),
      this.parkError,
    );
    const phase = d.status === 'SUCCEEDED' ? 'done' : activity.at.phase === 'unknown' ? undefined : activity.at.phase;
    const updated =
      d.stopDate ?? (activity.lastProgressMs ? new Date(activity.lastProgressMs) : (d.redriveDate ?? d.startDate));
    return {
      decisionToken: activity.decisionToken,
      run: {
        engine: 'stepFunctions',
        run: name,
        ...(parsed ? { orderId: parsed.orderId, attempt: parsed.attempt } : {}),
        status: n.status,
        engineStatus: d.status ?? 'UNKNOWN',
        createdAt: (d.startDate ?? new Date(0)).toISOString(),
        updatedAt: (updated ?? new Date(0)).toISOString(),
        ...(phase ? { phase } : {}),
        ...(n.step ? { step: n.step } : {}),
        ...(n.outcome ? { outcome: n.outcome } : {}),
        ...(n.reason ? { reason: n.reason } : {}),
        ...(n.stuckRule ? { stuckRule: n.stuckRule } : {}),
        executionArn: d.executionArn,
      },
    };
  }

  /** A listed execution, described (and its newest events read when it is running or failed). */
  private async summarize(item: ExecutionListItem, recorded?: RunOutcomeRecord): Promise<SagaRun | undefined> {
    const known = this.succeeded.get(item.executionArn!);
    if (known) return known;
    if (item.status === 'SUCCEEDED' && recorded)
      return this.remember(item.executionArn!, this.fromRecord(item, recorded));
    // A running or timed-out execution has no output, error or cause to read: the listing and its newest events
    // say all, so it costs one call (the history), not two.
    if (item.status === 'RUNNING' || item.status === 'TIMED_OUT')
      return this.toRun(item, await this.history(item.executionArn!, 25)).run;
    const d = await this.describe(item.executionArn!);
    if (!d) return undefined; // deleted between the list and now
    const events = d.status === 'SUCCEEDED' ? [] : await this.history(d.executionArn!, 25);
    const run = this.toRun(d, events).run;
    if (d.status === 'SUCCEEDED') {
      this.remember(item.executionArn!, run);
      // Paid once per execution ever, not once per process: the next listing (any process) finds the record.
      if (this.outcomes) await this.outcomes.record(recordOf(run)).catch(() => undefined);
    }
    return run;
  }

  private remember(executionArn: string, run: SagaRun): SagaRun {
    if (this.succeeded.size >= SUCCEEDED_CACHE_SIZE) this.succeeded.delete(this.succeeded.keys().next().value!);
    this.succeeded.set(executionArn, run);
    return run;
  }

  /** A SUCCEEDED execution as its recorded outcome and the listing describe it (what a describe would say). */
  private fromRecord(item: ExecutionListItem, r: RunOutcomeRecord): SagaRun {
    const parsed = parseRunName(item.name!);
    return {
      engine: 'stepFunctions',
      run: item.name!,
      ...(parsed ? { orderId: parsed.orderId, attempt: parsed.attempt } : {}),
      status: outcomeState(r.outcome),
      engineStatus: 'SUCCEEDED',
      createdAt: (item.startDate ?? new Date(0)).toISOString(),
      updatedAt: (item.stopDate ?? item.startDate ?? new Date(0)).toISOString(),
      ...(r.failedStep ? { step: r.failedStep } : {}),
      outcome: r.outcome,
      ...(r.reason ? { reason: r.reason } : {}),
      // A SUCCEEDED execution's saga is done, whatever its outcome (as a described one says).
      phase: 'done',
      executionArn: item.executionArn,
    };
  }

  /** The recorded outcomes of the SUCCEEDED executions not yet known; none (describe them) if the store fails. */
  private async recorded(items: ExecutionListItem[]): Promise<Map<string, RunOutcomeRecord>> {
    const names = items
      .filter((e) => e.status === 'SUCCEEDED' && !this.succeeded.has(e.executionArn!))
      .map((e) => e.name!);
    if (!this.outcomes || !names.length) return new Map();
    // The records only spare calls: a store that cannot answer costs describes, never a failed listing.
    return this.outcomes.find(names).catch(() => new Map());
  }

  async listPage(query: RunQuery, pageSize: number, token?: string): Promise<RunPage> {
    const arn = await this.stateMachineArn();
    const statuses: (ExecutionStatus | undefined)[] = query.statuses
      ? [...new Set(query.statuses.flatMap((s) => EXECUTION_STATUSES[s]))]
      : [undefined];
    const pos = decode(token);
    if (pos.i >= statuses.length) return { runs: [] };
    const page = await this.client.send(
      new ListExecutionsCommand({
        stateMachineArn: arn,
        statusFilter: statuses[pos.i],
        maxResults: pageSize,
        nextToken: pos.t,
      }),
    );
    const candidates = (page.executions ?? []).filter((e) => {
      const orderId = parseRunName(e.name ?? '')?.orderId ?? e.name ?? '';
      if (query.orderIdPrefix && !orderId.startsWith(query.orderIdPrefix)) return false;
      const started = e.startDate?.getTime() ?? 0;
      return (
        !(query.createdFrom !== undefined && started < query.createdFrom) &&
        !(query.createdTo !== undefined && started > query.createdTo)
      );
    });
    const recorded = await this.recorded(candidates);
    const runs = (
      await mapLimited(candidates, DESCRIBE_CONCURRENCY, (e) => this.summarize(e, recorded.get(e.name!)))
    ).filter((r): r is SagaRun => !!r && matchesQuery(r, query));
    const next = page.nextToken
      ? { i: pos.i, t: page.nextToken }
      : pos.i + 1 < statuses.length
        ? { i: pos.i + 1 }
        : undefined;
    return { runs, next: next && encode(next) };
  }

  async runsOf(orderId: string): Promise<SagaRun[]> {
    const runs: SagaRun[] = [];
    // Restarts are numbered without gaps: probe until the first missing one.
    for (let attempt = 1; ; attempt++) {
      const d = await this.describe(await this.executionArn(runName(orderId, attempt)));
      if (!d) break;
      runs.push(this.toRun(d, d.status === 'SUCCEEDED' ? [] : await this.history(d.executionArn!, 25)).run);
    }
    return runs;
  }

  async detail(run: string): Promise<RunDetail | undefined> {
    const d = await this.describe(await this.executionArn(run));
    return d && this.detailOf(d, true);
  }

  async latest(orderId: string, timeline: boolean): Promise<RunDetail | undefined> {
    let last: DescribeExecutionCommandOutput | undefined;
    for (let attempt = 1; ; attempt++) {
      const d = await this.describe(await this.executionArn(runName(orderId, attempt)));
      if (!d) break;
      last = d;
    }
    return last && this.detailOf(last, timeline);
  }

  /** A described execution with its whole history (the timeline), or only the newest events its status needs. */
  private async detailOf(d: DescribeExecutionCommandOutput, withTimeline: boolean): Promise<RunDetail> {
    const events = withTimeline
      ? await this.history(d.executionArn!)
      : d.status === 'SUCCEEDED'
        ? []
        : await this.history(d.executionArn!, 25);
    const { run: summary, decisionToken } = this.toRun(d, events);
    const timeline = withTimeline ? executionTimeline(events) : [];
    return {
      run: summary,
      input: d.input ? JSON.parse(d.input) : undefined,
      output: d.output ? JSON.parse(d.output) : givenUpOutput(events),
      trace: traceOf(timeline),
      timeline,
      resume: this.resumeEligibility(summary, d),
      ...(decisionToken ? { decisionToken } : {}),
    };
  }

  async calls(run: string): Promise<StepCall[] | undefined> {
    const d = await this.describe(await this.executionArn(run));
    return d ? executionCalls(await this.history(d.executionArn!)) : undefined;
  }

  private resumeEligibility(run: SagaRun, d: DescribeExecutionCommandOutput): ResumeEligibility {
    return redriveEligibility(run, {
      redriveStatus: d.redriveStatus,
      redriveStatusReason: d.redriveStatusReason,
      stopDate: d.stopDate,
    });
  }

  async resume(run: string): Promise<void> {
    const executionArn = await this.executionArn(run);
    try {
      await this.client.send(new RedriveExecutionCommand({ executionArn }));
    } catch (e) {
      // The rules were checked in the plan; the engine may still refuse (it changed meanwhile): say so plainly.
      throw new NotEligibleError(`Step Functions refused to redrive ${run}: ${(e as Error).message}`, { run });
    }
  }

  async start(run: string, input: unknown): Promise<void> {
    await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: await this.stateMachineArn(),
        name: run,
        input: JSON.stringify(input),
      }),
    );
  }

  async decide(detail: RunDetail, decision: OperatorDecision): Promise<void> {
    if (!detail.decisionToken)
      throw new NotEligibleError(
        `Execution ${detail.run.run} is not waiting for a decision (no open ${this.definition.park.event} task in its history).`,
        { run: detail.run.run },
      );
    await this.client.send(
      new SendTaskSuccessCommand({ taskToken: detail.decisionToken, output: JSON.stringify(decision) }),
    );
  }

  async terminate(run: string, reason: string): Promise<void> {
    await this.client.send(
      new StopExecutionCommand({ executionArn: await this.executionArn(run), error: 'Ops.Terminated', cause: reason }),
    );
  }

  purge(run: string): Promise<void> {
    // Step Functions keeps closed executions for 90 days and has no API to delete one sooner.
    return Promise.reject(
      new NotEligibleError(
        `Step Functions cannot purge an execution (${run}): AWS deletes closed executions 90 days after they end.`,
        { run },
      ),
    );
  }
}

/** The record a described SUCCEEDED run leaves for the next listing. */
function recordOf(run: SagaRun): RunOutcomeRecord {
  return {
    id: run.run,
    // An orphan (a name no order saga would have) is kept under its own name: it too is described once only.
    orderId: run.orderId ?? run.run,
    engine: 'stepfunctions',
    outcome: run.outcome ?? 'Completed',
    ...(run.step ? { failedStep: run.step } : {}),
    ...(run.reason ? { reason: run.reason } : {}),
    recordedAt: new Date().toISOString(),
  };
}
