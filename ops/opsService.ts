import type { SagaDefinition } from '../saga/definition/types';
import { operatorDecisionSchema, OperatorDecision } from '../saga/domain/operatorDecision';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import type { OpsCaller } from './access/opsKeys';
import type { AuditEntry, AuditLog, AuditQuery } from './audit/auditEntry';
import type { RunQuery, SagaBackend } from './backends/sagaBackend';
import { NotEligibleError, OpsValidationError, UnknownOrderError } from './errors';
import { countSagas, listSagas, SagaPage, StatusCounts } from './list/listSagas';
import { CLOSED_STATES, Engine } from './model/sagaRun';
import { applyPlan } from './replay/applyPlan';
import { Bounds, DEFAULT_BOUNDS } from './replay/boundedRunner';
import { planReplay } from './replay/plan';
import { ReplayProgressBoard } from './replay/replayProgress';
import { planPart } from './replay/planPart';
import type { ReplayMode, ReplayPlan, ReplayResults, ReplaySelection } from './replay/replayPlan';
import { OrderView, publicView, showOrder } from './show/showOrder';

export interface ReplayRequest {
  selection: ReplaySelection;
  mode: ReplayMode;
  reason: string;
  dryRun: boolean;
  /** Required to apply: the hash of the dry run the operator approved. */
  planHash?: string;
  bounds?: Partial<Bounds>;
  /** Apply only these orders of the approved plan (a part; see planPart), so the caller can report progress. */
  part?: string[];
}

export interface DecisionRequest {
  action: string;
  note?: string;
}

function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || !reason.trim())
    throw new OpsValidationError(
      'reason is required: say why (it is recorded in the audit with your key\'s name), e.g. "gateway outage INC-123 is over".',
    );
  if (reason.length > 500) throw new OpsValidationError('reason must be at most 500 characters.');
  return reason.trim();
}

/**
 * The operator tool: list, show, replay, decide, terminate, purge and the audit, over both engines. The HTTP API
 * and the CLI are thin edges over this. Every mutating call (and every dry run) is recorded in the audit first
 * as what was asked, then with each saga's outcome.
 */
export class OpsService {
  /** The applies running in this process, for GET /api/ops/replays/{planHash}/progress. */
  readonly progress = new ReplayProgressBoard();

  constructor(
    readonly backends: SagaBackend[],
    private readonly audit: AuditLog,
    private readonly definition: SagaDefinition,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private chosen(engines?: Engine[]): SagaBackend[] {
    return engines ? this.backends.filter((b) => engines.includes(b.engine)) : this.backends;
  }

  list(query: RunQuery, pageSize: number, continuationToken?: string, engines?: Engine[]): Promise<SagaPage> {
    return listSagas(this.chosen(engines), query, pageSize, continuationToken);
  }

  counts(query: RunQuery, engines?: Engine[]): Promise<StatusCounts> {
    return countSagas(this.chosen(engines), { ...query, statuses: undefined });
  }

  /** The order as operators and readers see it (the decision task's token withheld: decide uses it here). */
  async show(orderId: string): Promise<OrderView> {
    return publicView(await showOrder(this.backends, orderId));
  }

  async replay(caller: OpsCaller, request: ReplayRequest): Promise<ReplayPlan | ReplayResults> {
    const reason = requireReason(request.reason);
    if (!request.dryRun && !request.planHash)
      throw new OpsValidationError(
        'Applying a replay needs planHash: make a dry run (dryRun: true), check its plan, then send its planHash.',
      );
    if (!request.dryRun && request.part) return this.applyPart(caller, request, reason);
    const planned = await planReplay(this.backends, this.definition, request.selection, request.mode);
    const at = this.now().toISOString();
    const targets = planned.plan.items.map((i) => ({ orderId: i.orderId, engine: i.engine, run: i.run }));
    const nothingToDo = () =>
      new NotEligibleError(
        `Nothing to ${request.mode}: ${planned.plan.items.map((i) => `${i.orderId} (${i.engine} ${i.run}): ${i.reason}`).join('; ')}.`,
        {
          items: planned.plan.items.map((i) => ({
            orderId: i.orderId,
            engine: i.engine,
            run: i.run,
            status: i.status,
            reason: i.reason,
          })),
        },
      );
    // Orders named one by one that cannot be replayed at all are a refusal (409 with the reasons), not a plan.
    const refused = !!request.selection.orderIds && planned.plan.summary.eligible === 0;
    if (request.dryRun) {
      if (refused) throw nothingToDo();
      await this.audit.append({
        at,
        who: caller.name,
        action: 'replay',
        dryRun: true,
        reason,
        mode: request.mode,
        planHash: planned.plan.planHash,
        targets,
        // Without the step previews: the fingerprints are what naming a changed saga needs.
        plan: planned.plan.items.map((item) => ({ ...item, steps: [] })),
      });
      return planned.plan;
    }
    const approved = await this.audit.dryRun(request.planHash!);
    // A stale plan is reported as such (naming what changed) before anything else about the sagas.
    if (refused && planned.plan.planHash === request.planHash) throw nothingToDo();
    const hash = request.planHash!;
    this.progress.start(hash, planned.plan.items.length, this.now());
    let results: ReplayResults;
    try {
      results = await applyPlan(
        this.backends,
        planned,
        hash,
        approved?.plan,
        reason,
        { ...DEFAULT_BOUNDS, ...request.bounds },
        (r) => this.progress.item(hash, r),
      );
    } catch (e) {
      this.progress.forget(hash);
      throw e;
    }
    this.progress.finish(hash, this.now());
    await this.recordApply(at, caller, request, reason, targets, results);
    return results;
  }

  /** The audit's record of an applied plan (or part of one): who, why, the targets and each saga's outcome. */
  private recordApply(
    at: string,
    caller: OpsCaller,
    request: ReplayRequest,
    reason: string,
    targets: AuditEntry['targets'],
    results: ReplayResults,
  ): Promise<AuditEntry> {
    return this.audit.append({
      at,
      who: caller.name,
      action: 'replay',
      dryRun: false,
      reason,
      mode: request.mode,
      planHash: results.planHash,
      targets,
      outcomes: results.results.map((r) => ({
        orderId: r.orderId,
        engine: r.engine,
        result: r.result,
        detail: r.detail,
      })),
    });
  }

  /** Applies one part of an approved plan, recorded in the audit as an apply of that plan's hash. */
  private async applyPart(caller: OpsCaller, request: ReplayRequest, reason: string): Promise<ReplayResults> {
    const at = this.now().toISOString();
    const approved = await this.audit.dryRun(request.planHash!);
    const planned = await planPart(
      this.backends,
      this.definition,
      approved,
      request.planHash!,
      request.mode,
      request.part!,
    );
    const results = await applyPlan(this.backends, planned, request.planHash!, undefined, reason, {
      ...DEFAULT_BOUNDS,
      ...request.bounds,
    });
    const targets = planned.plan.items.map((i) => ({ orderId: i.orderId, engine: i.engine, run: i.run }));
    await this.recordApply(at, caller, request, reason, targets, results);
    return results;
  }

  /** Delivers an operator's decision to the order's parked run, on whichever engine it waits. */
  async decide(
    caller: OpsCaller,
    orderId: string,
    body: DecisionRequest,
  ): Promise<{ orderId: string; engine: Engine; run: string; decision: OperatorDecision }> {
    let decision: OperatorDecision;
    try {
      decision = parseOrThrow(
        operatorDecisionSchema,
        { ...body, by: caller.name, at: this.now().toISOString() },
        'operator decision',
      );
    } catch (e) {
      if (e instanceof ValidationError) throw new OpsValidationError(e.message, { issues: e.issues });
      throw e;
    }
    const view = await showOrder(this.backends, orderId);
    const parked = Object.values(view.latest).find(
      (d) =>
        d &&
        d.run.status === 'NeedsAttention' &&
        !CLOSED_STATES.has(d.run.status) &&
        (d.run.engineStatus === 'Running' || d.run.engineStatus === 'RUNNING'),
    );
    if (!parked) {
      const states = view.runs.map((r) => `${r.engine} ${r.run}: ${r.status}`).join('; ');
      throw new NotEligibleError(
        `Order ${orderId} has no run waiting for an operator's decision (${states}). Decisions apply to parked NeedsAttention sagas only.`,
        { orderId },
      );
    }
    const backend = this.backends.find((b) => b.engine === parked.run.engine)!;
    const entry = {
      at: decision.at!,
      who: caller.name,
      action: 'decide' as const,
      dryRun: false,
      reason: decision.note ?? decision.action,
      targets: [{ orderId, engine: parked.run.engine, run: parked.run.run }],
      decision,
    };
    try {
      await backend.decide(parked, decision);
    } catch (e) {
      await this.audit.append({
        ...entry,
        outcomes: [{ orderId, engine: parked.run.engine, result: 'failed', detail: (e as Error).message }],
      });
      throw e;
    }
    await this.audit.append({
      ...entry,
      outcomes: [{ orderId, engine: parked.run.engine, result: 'applied', detail: `${decision.action} sent` }],
    });
    return { orderId, engine: parked.run.engine, run: parked.run.run, decision };
  }

  /** Stops the order's runs that are still in progress. */
  async terminate(caller: OpsCaller, orderId: string, reasonText: string) {
    const reason = requireReason(reasonText);
    const view = await showOrder(this.backends, orderId);
    const open = view.runs.filter(
      (r) =>
        !CLOSED_STATES.has(r.status) &&
        !(r.status === 'NeedsAttention' && !['Running', 'RUNNING'].includes(r.engineStatus)),
    );
    if (!open.length)
      throw new NotEligibleError(
        `Order ${orderId} has no run in progress to terminate (${view.runs.map((r) => `${r.engine} ${r.run}: ${r.status}`).join('; ')}).`,
        { orderId },
      );
    const outcomes = [];
    for (const r of open) {
      try {
        await this.backends.find((b) => b.engine === r.engine)!.terminate(r.run, reason);
        outcomes.push({ orderId, engine: r.engine, result: 'applied', detail: `terminated ${r.run}` });
      } catch (e) {
        outcomes.push({ orderId, engine: r.engine, result: 'failed', detail: (e as Error).message });
      }
    }
    await this.audit.append({
      at: this.now().toISOString(),
      who: caller.name,
      action: 'terminate',
      dryRun: false,
      reason,
      targets: open.map((r) => ({ orderId, engine: r.engine, run: r.run })),
      outcomes,
    });
    return { orderId, outcomes };
  }

  /** Deletes closed runs' history: only for the orders named, and only runs that are over. */
  async purge(caller: OpsCaller, orderIds: string[], reasonText: string) {
    const reason = requireReason(reasonText);
    if (!orderIds.length)
      throw new OpsValidationError('purge needs orderIds: it never purges by accident, so name each order.');
    const outcomes: { orderId: string; engine: Engine; result: string; detail: string }[] = [];
    const targets: AuditEntry['targets'] = [];
    for (const orderId of orderIds) {
      const view = await showOrder(this.backends, orderId).catch((e) =>
        e instanceof UnknownOrderError ? undefined : Promise.reject(e),
      );
      if (!view) {
        outcomes.push({ orderId, engine: 'durable', result: 'skipped', detail: `no run of order ${orderId}` });
        continue;
      }
      for (const r of view.runs) {
        targets.push({ orderId, engine: r.engine, run: r.run });
        const closed =
          CLOSED_STATES.has(r.status) ||
          (r.status === 'NeedsAttention' && !['Running', 'RUNNING'].includes(r.engineStatus));
        if (!closed) {
          outcomes.push({
            orderId,
            engine: r.engine,
            result: 'skipped',
            detail: `${r.run} is ${r.status}: only runs that are over can be purged`,
          });
          continue;
        }
        try {
          await this.backends.find((b) => b.engine === r.engine)!.purge(r.run);
          outcomes.push({ orderId, engine: r.engine, result: 'applied', detail: `purged ${r.run}` });
        } catch (e) {
          outcomes.push({ orderId, engine: r.engine, result: 'failed', detail: (e as Error).message });
        }
      }
    }
    await this.audit.append({
      at: this.now().toISOString(),
      who: caller.name,
      action: 'purge',
      dryRun: false,
      reason,
      targets,
      outcomes,
    });
    return { outcomes };
  }

  auditLog(query: AuditQuery, pageSize: number, continuationToken?: string) {
    return this.audit.list(query, pageSize, continuationToken);
  }
}
