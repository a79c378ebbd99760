import type { SagaDefinition } from '../saga/definition/types';
import { operatorDecisionSchema, OperatorDecision } from '../saga/domain/operatorDecision';
import { parseOrThrow, ValidationError } from '../saga/domain/validation';
import type { OpsCaller } from './access/opsKeys';
import type { AuditChunk, AuditEntry, AuditLog, AuditQuery } from './audit/auditEntry';
import type { RunQuery, SagaBackend } from './backends/sagaBackend';
import { NotEligibleError, OpsValidationError, StalePlanError, UnknownOrderError } from './errors';
import { countSagas, listSagas, SagaPage, StatusCounts } from './list/listSagas';
import { CLOSED_STATES, Engine } from './model/sagaRun';
import { applyPlanned, applyStoredPlan } from './replay/applyPlan';
import { Bounds, DEFAULT_BOUNDS } from './replay/boundedRunner';
import { PLAN_PAGE_ITEMS } from './replay/plan';
import { ReplayProgressBoard } from './replay/replayProgress';
import { planPart } from './replay/planPart';
import { planItems, recordedDryRun } from './replay/recordedDryRun';
import { selectionDigest } from './replay/selectionDigest';
import type { PlanItemsPage, ReplayMode, ReplayPlan, ReplayResults, ReplaySelection } from './replay/replayPlan';
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
    /** Sagas per page of a replay's selection and per stored part of its plan (small in tests, to page). */
    private readonly planPageItems = PLAN_PAGE_ITEMS,
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
    const call = { at: this.now().toISOString(), who: caller.name, reason };
    if (request.dryRun)
      return recordedDryRun(
        this.backends,
        this.definition,
        this.audit,
        request.selection,
        request.mode,
        call,
        this.planPageItems,
      );
    // Applying reads the approved plan back from the audit (the selection sent again is not planned again).
    const hash = request.planHash!;
    const approved = await this.audit.dryRun(hash);
    if (!approved)
      throw new StalePlanError(
        `No dry run with plan hash ${hash} was recorded. Make a dry run first and apply its hash.`,
        { planHash: hash, changed: [] },
      );
    if (approved.mode !== request.mode)
      throw new OpsValidationError(`The plan ${hash} is a ${approved.mode} plan; this apply asks for ${request.mode}.`);
    if (approved.selectionDigest && approved.selectionDigest !== selectionDigest(request.selection))
      throw new OpsValidationError(
        `The plan ${hash} was made for another selection: send the same orderIds or where as its dry run (or make a dry run of this selection and apply its hash).`,
      );
    let started = false;
    try {
      const results = await applyStoredPlan(
        this.backends,
        this.definition,
        this.audit,
        approved,
        call,
        { ...DEFAULT_BOUNDS, ...request.bounds },
        (total) => {
          started = true;
          this.progress.start(hash, total, this.now());
        },
        (r) => this.progress.item(hash, r),
      );
      this.progress.finish(hash, this.now());
      return results;
    } catch (e) {
      if (!started) this.progress.forget(hash);
      throw e;
    }
  }

  /** The items of a recorded dry run, a page at a time (GET /api/ops/replays/{planHash}/items). */
  planItems(planHash: string, continuationToken?: string): Promise<PlanItemsPage> {
    return planItems(this.audit, planHash, continuationToken);
  }

  /** Applies one part of an approved plan, recorded in the audit as an apply of that plan's hash. */
  private async applyPart(caller: OpsCaller, request: ReplayRequest, reason: string): Promise<ReplayResults> {
    const at = this.now().toISOString();
    const approved = await this.audit.dryRun(request.planHash!);
    const planned = await planPart(
      this.backends,
      this.definition,
      this.audit,
      approved,
      request.planHash!,
      request.mode,
      request.part!,
    );
    const results = await applyPlanned(this.backends, planned, reason, { ...DEFAULT_BOUNDS, ...request.bounds });
    await this.audit.append({
      at,
      who: caller.name,
      action: 'replay',
      dryRun: false,
      reason,
      mode: request.mode,
      planHash: results.planHash,
      targets: planned.plan.items.map((i) => ({ orderId: i.orderId, engine: i.engine, run: i.run })),
      outcomes: results.results.map((r) => ({
        orderId: r.orderId,
        engine: r.engine,
        result: r.result,
        detail: r.detail,
      })),
    });
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

  /** The parts of a large audit entry beyond its own (for a complete export), one at a time. */
  async *auditChunks(entry: AuditEntry): AsyncGenerator<AuditChunk> {
    for (let seq = 1; seq < (entry.chunks ?? 1); seq++) {
      const chunk = await this.audit.chunk(entry, seq);
      if (chunk) yield chunk;
    }
  }
}
