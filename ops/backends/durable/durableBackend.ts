import type { SagaDefinition } from '../../../saga/definition/types';
import type { OperatorDecision } from '../../../saga/domain/operatorDecision';
import { parseRunName } from '../../../saga/domain/runName';
import type { SagaResult } from '../../../saga/domain/saga';
import { SAGA_PHASES, SagaPhase, SagaRun, SagaState } from '../../model/sagaRun';
import type { StepCall } from '../../model/stepCall';
import { traceOf } from '../../model/timeline';
import { normalizeDurable, StuckCheck } from '../../status/normalize';
import { matchesQuery, ResumeEligibility, RunDetail, RunPage, RunQuery, SagaBackend } from '../sagaBackend';
import { expandCondensedHistory } from './condensedHistory';
import { durableCalls } from './durableCalls';
import { attemptTimeoutMs, durableTimeline } from './durableTimeline';
import { DurableInstance, DurableManagementApi } from './managementApi';

/** The Durable runtime statuses a normalized status can come from, so the engine filters before we do. */
const RUNTIME_STATUSES: Record<SagaState, string[]> = {
  Running: ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'],
  Awaiting: ['Running'],
  Stuck: ['Running', 'Pending', 'Suspended'],
  NeedsAttention: ['Running', 'Completed'],
  Compensated: ['Completed'],
  Completed: ['Completed'],
  Failed: ['Failed'],
  Terminated: ['Terminated'],
};

/** Durable rewind applies to Failed instances only; everything else gets the reason, in the tool's words. */
function resumeEligibility(run: SagaRun): ResumeEligibility {
  const no = (reason: string): ResumeEligibility => ({ eligible: false, action: 'rewind', reason });
  switch (run.status) {
    case 'Failed':
      return {
        eligible: true,
        action: 'rewind',
        reason: 'the orchestration failed: rewind replays it from the failed step, keeping what succeeded',
      };
    case 'Completed':
      return no('Completed: the order went through; there is nothing to replay');
    case 'Compensated':
      return no(
        'Compensated is a business outcome, not a failure: resuming cannot change it; restart for a new attempt',
      );
    case 'NeedsAttention':
      return run.engineStatus === 'Running'
        ? no('parked for an operator: decide (retryCompensation or markResolved) instead')
        : no('the decision wait expired (a saga outcome, not a failure): restart, or settle by hand');
    case 'Terminated':
      return no('Terminated: Durable rewinds Failed instances only; restart for a new attempt');
    default:
      return no(`${run.status}: the run is still in progress (terminate it first to replay it)`);
  }
}

/**
 * The Durable engine through its management HTTP API (the embedded platform or a Function App). Instances of
 * other orchestrators are not saga runs and are left out; saga instances whose id is not a run name are orphans.
 */
export class DurableBackend implements SagaBackend {
  readonly engine = 'durable' as const;

  constructor(
    private readonly api: DurableManagementApi,
    private readonly definition: SagaDefinition,
    private readonly stuck: () => StuckCheck,
  ) {}

  private toRun(i: DurableInstance): SagaRun {
    const parsed = parseRunName(i.instanceId);
    const n = normalizeDurable(i, this.stuck());
    const phase = (i.customStatus as { phase?: unknown } | null)?.phase;
    return {
      engine: 'durable',
      run: i.instanceId,
      ...(parsed ? { orderId: parsed.orderId, attempt: parsed.attempt } : {}),
      status: n.status,
      engineStatus: i.runtimeStatus,
      createdAt: new Date(i.createdTime).toISOString(),
      updatedAt: new Date(i.lastUpdatedTime).toISOString(),
      ...(SAGA_PHASES.includes(phase as SagaPhase) ? { phase: phase as SagaPhase } : {}),
      ...(n.step ? { step: n.step } : {}),
      ...(n.outcome ? { outcome: n.outcome } : {}),
      ...(n.reason ? { reason: n.reason } : {}),
      ...(n.stuckRule ? { stuckRule: n.stuckRule } : {}),
    };
  }

  async listPage(query: RunQuery, pageSize: number, token?: string): Promise<RunPage> {
    const runtimeStatus = query.statuses && [...new Set(query.statuses.flatMap((s) => RUNTIME_STATUSES[s]))];
    const page = await this.api.list(
      {
        runtimeStatus,
        instanceIdPrefix: query.orderIdPrefix,
        createdTimeFrom: query.createdFrom === undefined ? undefined : new Date(query.createdFrom).toISOString(),
        createdTimeTo: query.createdTo === undefined ? undefined : new Date(query.createdTo).toISOString(),
      },
      pageSize,
      token,
    );
    const runs = page.instances
      .filter((i) => i.name === this.definition.orchestrator)
      .map((i) => this.toRun(i))
      .filter((r) => matchesQuery(r, query));
    return { runs, next: page.next };
  }

  async runsOf(orderId: string): Promise<SagaRun[]> {
    return (await this.instancesOf(orderId, false)).map((i) => this.toRun(i));
  }

  /** The order's saga instances, first run first (a prefix lists other orders' too: `ord-1` lists `ord-10`). */
  private async instancesOf(orderId: string, showInput: boolean): Promise<DurableInstance[]> {
    const found: DurableInstance[] = [];
    let token: string | undefined;
    do {
      const page = await this.api.list({ instanceIdPrefix: orderId, showInput }, 100, token);
      for (const i of page.instances)
        if (i.name === this.definition.orchestrator && parseRunName(i.instanceId)?.orderId === orderId) found.push(i);
      token = page.next;
    } while (token);
    const attempt = (i: DurableInstance) => parseRunName(i.instanceId)?.attempt ?? 0;
    return found.sort((a, b) => attempt(a) - attempt(b));
  }

  async detail(run: string, withTimeline = true): Promise<RunDetail | undefined> {
    const instance = await this.api.get(run, withTimeline);
    if (!instance || instance.name !== this.definition.orchestrator) return undefined;
    return this.detailOf(instance);
  }

  private detailOf(instance: DurableInstance): RunDetail {
    const summary = this.toRun(instance);
    const timeline = durableTimeline(this.history(instance), this.definition);
    const output = instance.output as Partial<SagaResult> | null;
    const custom = instance.customStatus as { trace?: string[] } | null;
    return {
      run: summary,
      input: instance.input,
      output: instance.output ?? undefined,
      ...(instance.customStatus != null ? { customStatus: instance.customStatus } : {}),
      trace: output?.trace ?? custom?.trace ?? traceOf(timeline),
      timeline,
      resume: resumeEligibility(summary),
    };
  }

  async latest(orderId: string, timeline: boolean): Promise<RunDetail | undefined> {
    // Without the timeline, the listing (with inputs) already holds all a plan needs: one call, not two.
    const instances = await this.instancesOf(orderId, !timeline);
    const last = instances[instances.length - 1];
    if (!last) return undefined;
    return timeline ? this.detail(last.instanceId, true) : this.detailOf(last);
  }

  async calls(run: string): Promise<StepCall[] | undefined> {
    const instance = await this.api.get(run, true);
    if (!instance || instance.name !== this.definition.orchestrator) return undefined;
    return durableCalls(this.history(instance));
  }

  /** The instance's history as the embedded platform gives it, also when Azure's HTTP API condensed it. */
  private history(instance: DurableInstance): Record<string, unknown>[] {
    return expandCondensedHistory(instance.historyEvents ?? [], (activity) =>
      attemptTimeoutMs(this.definition, activity),
    );
  }

  resume(run: string, reason: string): Promise<void> {
    return this.api.post(run, 'rewind', reason);
  }

  start(run: string, input: unknown): Promise<void> {
    return this.api.start(this.definition.orchestrator, run, input);
  }

  decide(detail: RunDetail, decision: OperatorDecision): Promise<void> {
    return this.api.raiseEvent(detail.run.run, this.definition.park.event, decision);
  }

  terminate(run: string, reason: string): Promise<void> {
    return this.api.post(run, 'terminate', reason);
  }

  purge(run: string): Promise<void> {
    return this.api.purge(run);
  }
}
