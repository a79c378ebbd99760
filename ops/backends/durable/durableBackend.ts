import type { SagaDefinition } from '../../../saga/definition/types';
import type { OperatorDecision } from '../../../saga/domain/operatorDecision';
import { compareRuns, parseRunName } from '../../../saga/domain/runName';
import { isResumeInput } from '../../../saga/domain/resumeInput';
import type { SagaResult } from '../../../saga/domain/saga';
import { EngineError } from '../../errors';
import { SAGA_PHASES, SagaPhase, SagaRun, SagaState } from '../../model/sagaRun';
import type { StepCall } from '../../model/stepCall';
import { traceOf } from '../../model/timeline';
import { normalizeDurable, StuckCheck } from '../../status/normalize';
import { matchesQuery, ResumeEligibility, RunDetail, RunPage, RunQuery, SagaBackend } from '../sagaBackend';
import { expandCondensedHistory } from './condensedHistory';
import { durableCalls } from './durableCalls';
import { attemptTimeoutMs, durableTimeline } from './durableTimeline';
import { DurableInstance, DurableManagementApi } from './managementApi';
import { ResumeRun, resumeRunOf } from './resumeRun';

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

/**
 * Durable rewind applies to Failed instances only (on Azure as on the embedded engine). A Terminated run, which
 * rewind refuses, is continued by a resume run instead (when its history could be read: `next`); everything else
 * gets the reason, in the tool's words.
 */
export function resumeEligibility(run: SagaRun, next: ResumeRun | undefined): ResumeEligibility {
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
      if (!next) return no('Terminated: Durable rewinds Failed instances only; restart for a new attempt');
      if (next.compensationsCalled.length)
        return no(
          `Terminated while compensating (${next.compensationsCalled.join(', ')} called): a resume would keep ` +
            'steps whose effects may have been undone; restart for a new attempt, or settle by hand',
        );
      return {
        eligible: true,
        action: 'resumeRun',
        newRun: next.newRun,
        reason:
          `Terminated: Durable rewinds Failed instances only, so the resume run ${next.newRun} continues the ` +
          `attempt: the ${next.input.resume.kept.length} step(s) done are skipped with their results kept, the ` +
          `rest runs again under the attempt's keys`,
      };
    default:
      return no(`${run.status}: the run is still in progress (terminate it first to replay it)`);
  }
}

/** The order a run started from: its input, or the order a resume run's input wraps. */
const orderOf = (input: unknown): unknown => (isResumeInput(input) ? input.order : input);

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
      ...(parsed?.resume ? { resume: parsed.resume } : {}),
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
    return found.sort((a, b) => compareRuns(parseRunName(a.instanceId)!, parseRunName(b.instanceId)!));
  }

  async detail(run: string, withTimeline = true): Promise<RunDetail | undefined> {
    const instance = await this.api.get(run, withTimeline);
    if (!instance || instance.name !== this.definition.orchestrator) return undefined;
    return this.detailOf(instance);
  }

  private detailOf(instance: DurableInstance): RunDetail {
    const summary = this.toRun(instance);
    const history = this.history(instance);
    const timeline = durableTimeline(history, this.definition);
    // Only a Terminated run is resumed by a new run, and only from its history (the steps it did, with results).
    const next =
      summary.status === 'Terminated' && instance.historyEvents
        ? resumeRunOf(this.definition, instance.instanceId, instance.input, durableCalls(history))
        : undefined;
    const output = instance.output as Partial<SagaResult> | null;
    const custom = instance.customStatus as { trace?: string[] } | null;
    return {
      run: summary,
      // A resume run's input wraps the order with what it keeps: the order is what a restart starts from.
      input: orderOf(instance.input),
      output: instance.output ?? undefined,
      ...(instance.customStatus != null ? { customStatus: instance.customStatus } : {}),
      trace: output?.trace ?? custom?.trace ?? traceOf(timeline),
      timeline,
      resume: resumeEligibility(summary, next),
      ...(next ? { keptSteps: next.input.resume.kept } : {}),
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

  /**
   * Rewinds a Failed run; starts the resume run of a Terminated one (the same eligibility the plan showed, read
   * again now). Anything else is refused with the reason, not sent to the engine.
   */
  async resume(run: string, reason: string): Promise<void> {
    const instance = await this.api.get(run, true);
    if (!instance || instance.name !== this.definition.orchestrator)
      throw new EngineError(`No ${this.definition.orchestrator} instance ${run} to resume.`);
    const detail = this.detailOf(instance);
    if (!detail.resume.eligible) throw new EngineError(`${run} cannot be resumed: ${detail.resume.reason}.`);
    if (detail.resume.action === 'rewind') return this.api.post(run, 'rewind', reason);
    const next = resumeRunOf(this.definition, run, instance.input, durableCalls(this.history(instance)))!;
    // Two applies of one plan (a retried call) must not start the resume run twice.
    if (await this.api.get(next.newRun, false))
      throw new EngineError(`${run} was resumed already: ${next.newRun} exists.`);
    await this.api.start(this.definition.orchestrator, next.newRun, next.input);
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
