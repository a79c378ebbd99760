import { randomUUID } from 'node:crypto';
import type { EngineContext } from './engineContext';
import {
  DurableEngineError,
  InstanceAlreadyExistsError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  OrchestratorNotFoundError,
} from './errors';
import { EventType, HistoryEvent, isoTime } from './historyEvents';
import { activateStart, planStart, StartRequest } from './instanceStart';
import { formatHistoryEvent, InstanceStatus, StatusOptions, toStatus } from './instanceStatus';
import { InstanceQuery, InstanceRow, TERMINAL_STATUSES } from './instanceStore';
import { checkPayload } from './limits';
import type { LiveInstance, Message, MessageBody } from './liveInstances';
import { rewindInstance } from './rewindRunner';

/** The client side of the task hub: what the durable client and the HTTP API ask of the engine. */
export class TaskHubClient {
  constructor(private readonly ctx: EngineContext) {}

  async startNew(name: string, options: { instanceId?: string; input?: string | null } = {}): Promise<string> {
    const { worker, limits } = this.ctx;
    const canonical = worker.resolveOrchestrator(name);
    if (!canonical) throw new OrchestratorNotFoundError(name, worker.orchestratorNames());
    const instanceId = options.instanceId || newInstanceId();
    validateInstanceId(instanceId);
    checkPayload(`The input of orchestration '${canonical}'`, options.input, limits);
    const existing = this.row(instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.status))
      throw new InstanceAlreadyExistsError(instanceId, existing.status);
    const input = options.input ?? null;
    await this.ctx.track(
      this.create({ name: canonical, instanceId, input, parent: null, version: null, replaces: !!existing }),
    );
    return instanceId;
  }

  async raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<void> {
    const inst = this.requireActive(instanceId, 'raise an event to');
    checkPayload(`The data of event '${eventName}' for instance "${instanceId}"`, input, this.ctx.limits);
    const event: HistoryEvent = {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: isoTime(this.ctx.clock.now()),
      Name: eventName,
      Input: input ?? undefined,
    };
    await this.ctx.track(this.send(inst, { kind: 'event', event }));
  }

  async control(instanceId: string, kind: 'terminate' | 'suspend' | 'resume', reason: string): Promise<void> {
    const inst = this.requireActive(instanceId, kind);
    await this.ctx.track(this.send(inst, { kind, reason }));
  }

  async restart(instanceId: string, options: { newInstanceId?: boolean | string } = {}): Promise<string> {
    const row = this.row(instanceId);
    if (!row) throw new InstanceNotFoundError(instanceId);
    const targetId =
      typeof options.newInstanceId === 'string'
        ? options.newInstanceId
        : options.newInstanceId
          ? undefined
          : instanceId;
    if (targetId === instanceId && !TERMINAL_STATUSES.has(row.status)) {
      const inst = this.ctx.live.get(instanceId);
      if (inst) await this.ctx.track(this.send(inst, { kind: 'terminate', reason: 'Restarted by operator' }));
      await this.waitForTerminal(instanceId);
    }
    const startedId = targetId ?? newInstanceId();
    const existing = this.ctx.store.getInstance(startedId);
    if (existing && !TERMINAL_STATUSES.has(existing.status))
      throw new InstanceAlreadyExistsError(startedId, existing.status);
    await this.ctx.track(
      this.create({
        name: row.name,
        instanceId: startedId,
        input: row.input,
        parent: null,
        version: null,
        replaces: !!existing,
      }),
    );
    return startedId;
  }

  async rewind(instanceId: string, reason: string): Promise<void> {
    await this.ctx.track(rewindInstance(this.ctx, instanceId, reason));
  }

  async purge(instanceId: string): Promise<number> {
    const row = this.row(instanceId);
    if (!row) return 0;
    if (!TERMINAL_STATUSES.has(row.status))
      throw new InstanceNotRunningError(
        instanceId,
        row.status,
        'purge (only completed, failed or terminated instances can be purged)',
      );
    await this.ctx.track(this.ctx.store.purgeInstances([instanceId]));
    return 1;
  }

  async purgeBy(query: InstanceQuery): Promise<number> {
    const statuses = (query.statuses?.length ? query.statuses : [...TERMINAL_STATUSES]).filter((s) =>
      TERMINAL_STATUSES.has(s),
    );
    const rows = this.ctx.store.queryInstances({ ...query, statuses });
    if (rows.length) await this.ctx.track(this.ctx.store.purgeInstances(rows.map((r) => r.instanceId)));
    return rows.length;
  }

  getStatus(instanceId: string, options: StatusOptions = {}): InstanceStatus | undefined {
    const inst = this.ctx.live.get(instanceId);
    const row = inst?.row ?? this.ctx.store.getInstance(instanceId);
    if (!row) return undefined;
    const status = toStatus(row, options.showInput !== false);
    if (options.showHistory) {
      const history = inst ? inst.history : this.ctx.store.getHistory(instanceId);
      status.historyEvents = history.map((e) => formatHistoryEvent(e, !!options.showHistoryOutput));
    }
    return status;
  }

  getHistory(instanceId: string): HistoryEvent[] | undefined {
    const inst = this.ctx.live.get(instanceId);
    if (inst) return inst.history;
    return this.ctx.store.getInstance(instanceId) ? this.ctx.store.getHistory(instanceId) : undefined;
  }

  listInstances(query: InstanceQuery, showInput = true): { statuses: InstanceStatus[]; rows: InstanceRow[] } {
    const rows = this.ctx.store.queryInstances(query);
    return { rows, statuses: rows.map((r) => toStatus(this.ctx.live.get(r.instanceId)?.row ?? r, showInput)) };
  }

  /** The instance as it is now: in memory while it runs, else as stored. */
  private row(instanceId: string): InstanceRow | undefined {
    return this.ctx.live.get(instanceId)?.row ?? this.ctx.store.getInstance(instanceId);
  }

  private requireActive(instanceId: string, operation: string): LiveInstance {
    const inst = this.ctx.live.get(instanceId);
    if (inst) return inst;
    const row = this.ctx.store.getInstance(instanceId);
    if (!row) throw new InstanceNotFoundError(instanceId);
    throw new InstanceNotRunningError(instanceId, row.status, operation);
  }

  private async create(request: StartRequest): Promise<void> {
    const start = planStart(this.ctx, request);
    await this.ctx.store.createInstance(start.stored);
    activateStart(this.ctx, start);
  }

  /** Persists a message for an instance, then hands it to the instance. */
  private async send(inst: LiveInstance, body: MessageBody): Promise<void> {
    const now = this.ctx.clock.now();
    const msg: Message = { id: this.ctx.ids.nextMessage(), dueAt: now, body };
    const instanceId = inst.row.instanceId;
    await this.ctx.store.sendMessage({ id: msg.id, instanceId, dueAt: now, body: JSON.stringify(body) });
    this.ctx.live.deliver(inst, msg);
  }

  private waitForTerminal(instanceId: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (row: InstanceRow): void => {
        if (row.instanceId === instanceId && TERMINAL_STATUSES.has(row.status)) {
          this.ctx.events.off('instance', check);
          resolve();
        }
      };
      this.ctx.events.on('instance', check);
      const row = this.ctx.store.getInstance(instanceId);
      if (row) check(row);
    });
  }
}

const newInstanceId = (): string => randomUUID().replace(/-/g, '');

function validateInstanceId(id: string): void {
  if (
    id.length > 256 ||
    /[/\\#?]/.test(id) ||
    [...id].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
  ) {
    throw new DurableEngineError(
      `Instance ID "${id}" is not valid: use at most 256 characters and none of '/', '\\', '#', '?' or control characters.`,
    );
  }
}
