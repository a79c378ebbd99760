import type { EngineContext } from './engineContext';
import { orchestratorPayload } from './durableWorker';
import { EpisodePlan, isContinuation, OrchestratorOutcome, planEpisode } from './episode';
import { DurableEngineError, failureOf } from './errors';
import { EventType, HistoryEvent, isoTime } from './historyEvents';
import type { InstanceRow } from './instanceStore';
import { checkEpisode } from './limits';
import type { ControlMessage, LiveInstance, Message } from './liveInstances';
import { Finished, Outbox } from './outbox';
import { Semaphore } from './semaphore';
import { newTracker } from './tracker';

/** This episode's messages, taken from the instance's inbox. */
interface Picked {
  consumed: Message[];
  /** Events for the orchestrator, in order; a continuation trigger comes first. */
  batch: HistoryEvent[];
  continuation?: HistoryEvent;
  control?: ControlMessage;
}

/** What an episode adds to history, and how the execution ends if it does. */
interface Step {
  newEvents: HistoryEvent[];
  finished?: Finished;
  continuedAsNew?: { input: string | null };
}

/**
 * Runs one episode of an instance at a time (at most `maxConcurrent` instances at once): takes its runnable
 * messages, calls the orchestrator with the history plus the new events, turns the answer into history and work,
 * and commits all of it at once.
 */
export class EpisodeRunner {
  readonly slots: Semaphore;

  constructor(
    private readonly ctx: EngineContext,
    maxConcurrent: number,
  ) {
    this.slots = new Semaphore(maxConcurrent);
  }

  async run(inst: LiveInstance): Promise<void> {
    // Refused at shutdown: the instance's messages are in the store (an activity's result is not, but its row is,
    // so the activity runs again) and the episode runs after the next start.
    if (!(await this.slots.acquire(this.ctx.clock.now()))) return;
    try {
      await this.episode(inst);
    } finally {
      this.slots.release();
    }
  }

  private async episode(inst: LiveInstance): Promise<void> {
    const row = inst.row;
    const now = Math.max(this.ctx.clock.now(), lastTimestamp(inst.history));
    const picked = pick(inst, now);
    const outbox = new Outbox(this.ctx, inst, now);
    for (const m of picked.consumed) outbox.consume(m);

    const step: Step = picked.control
      ? control(inst, picked.control, now)
      : picked.batch.length
        ? await this.replay(inst, picked, outbox, now)
        : { newEvents: [] };
    const { newEvents, finished, continuedAsNew } = step;
    if (newEvents.length === 0 && picked.consumed.length === 0) return;

    if (finished) {
      row.status = finished.status;
      row.output = finished.output;
      outbox.notifyParent(row, finished);
    }
    if (continuedAsNew) {
      outbox.continueAsNew(newEvents, continuedAsNew.input);
    } else if (newEvents.length > 0) {
      // An episode that only dropped messages (a resume while running, a stale or duplicate message) adds no row:
      // the history's next position must stay free for the next episode.
      const stored = newEvents.map(played);
      const storedText = stored.map((e) => JSON.stringify(e));
      outbox.appendHistory(inst.history.length, storedText);
      inst.history.push(...stored);
      inst.historyText.push(...storedText);
    }
    row.lastUpdatedTime = now;
    row.tracker = JSON.stringify(inst.tracker);
    if (finished) {
      // Results still queued for a finished instance are dropped with their activity rows.
      for (const m of inst.inbox) if (m.activityRowId !== undefined) outbox.consume(m);
      this.ctx.live.retire(inst);
    }
    await this.ctx.store.commitEpisode(outbox.changes);
    this.ctx.events.emit('instance', { ...row });
    outbox.deliver();
  }

  /** Calls the orchestrator on the history plus the new events and plans what its answer asks for. */
  private async replay(inst: LiveInstance, picked: Picked, outbox: Outbox, now: number): Promise<Step> {
    const row = inst.row;
    const newEvents = [newEvent(EventType.OrchestratorStarted, now), ...picked.batch];
    const texts = [...inst.historyText, ...newEvents.map((e) => JSON.stringify(e))];
    const outcome = await this.callOrchestrator(row, texts, inst.history.length > 0);
    const plan = this.plan(inst, newEvents, outcome, picked.continuation, now);
    newEvents.push(...plan.appended);
    row.customStatus = plan.customStatus;
    for (const w of plan.work) outbox.plan(w);
    const r = plan.result;
    if (r.status === 'Completed') return { newEvents, finished: { status: 'Completed', output: r.output } };
    if (r.status === 'Failed')
      return { newEvents, finished: { status: 'Failed', output: r.output, failure: r.failureDetails } };
    if (r.status === 'ContinuedAsNew') return { newEvents, continuedAsNew: { input: r.input } };
    row.status = 'Running';
    return { newEvents };
  }

  private async callOrchestrator(
    row: InstanceRow,
    texts: string[],
    isReplaying: boolean,
  ): Promise<OrchestratorOutcome> {
    let outcome: OrchestratorOutcome;
    try {
      const began = performance.now();
      const payload = orchestratorPayload(row, texts, isReplaying, this.ctx.timers);
      outcome = await this.ctx.worker.callOrchestrator(
        row.name,
        payload,
        `Orchestration instance ${row.instanceId}: ${isReplaying ? 'replay and new events' : 'first episode'}`,
      );
      // For the benchmark's replay-cost figures; free when nobody listens.
      if (this.ctx.events.listenerCount('episode')) {
        this.ctx.events.emit('episode', {
          instanceId: row.instanceId,
          historyLength: texts.length,
          ms: performance.now() - began,
        });
      }
    } catch (e) {
      outcome = { isDone: false, actions: [], error: errorText(e), failureDetails: failureOf(e) };
    }
    if (outcome.error !== undefined) outcome.error = `Orchestrator function '${row.name}' failed: ${outcome.error}`;
    return outcome;
  }

  /** The episode's plan; one that breaks a limit or determinism fails the instance instead. */
  private plan(
    inst: LiveInstance,
    newEvents: HistoryEvent[],
    outcome: OrchestratorOutcome,
    continuation: HistoryEvent | undefined,
    now: number,
  ): EpisodePlan {
    const { instanceId, name } = inst.row;
    const { timers, limits } = this.ctx;
    try {
      const plan = planEpisode(
        { instanceId, now, tracker: inst.tracker, timers, continuationEvent: continuation },
        newEvents,
        outcome,
      );
      const length = inst.history.length + newEvents.length + plan.appended.length;
      checkEpisode(instanceId, name, length, plan, limits);
      if (length > limits.warnHistoryEvents && inst.history.length <= limits.warnHistoryEvents) {
        this.ctx.log(
          'warn',
          `Instance "${instanceId}" (${name}) has ${length} history events; it fails at ${limits.maxHistoryEvents}. Consider continueAsNew.`,
        );
      }
      return plan;
    } catch (e) {
      if (!(e instanceof DurableEngineError)) throw e;
      return planEpisode({ instanceId, now, tracker: newTracker(), timers }, newEvents, {
        isDone: false,
        actions: [],
        error: e.message,
        failureDetails: { ErrorType: e.name, ErrorMessage: e.message },
      });
    }
  }
}

/** Chooses the episode's messages: control operations run alone; a continuation trigger must come first. */
function pick(inst: LiveInstance, now: number): Picked {
  const row = inst.row;
  const consumed: Message[] = [];
  const batch: HistoryEvent[] = [];
  let continuation: HistoryEvent | undefined;
  let control: ControlMessage | undefined;
  const keep: Message[] = [];
  for (const msg of inst.inbox) {
    const body = msg.body;
    if (control || (batch.length && body.kind !== 'event')) {
      keep.push(msg);
      continue;
    }
    if (body.kind !== 'event') {
      const suspended = row.status === 'Suspended';
      // Suspending a suspended instance or resuming a running one changes nothing.
      const noOp = (body.kind === 'suspend' && suspended) || (body.kind === 'resume' && !suspended);
      if (!noOp) control = body;
      consumed.push(msg);
      continue;
    }
    if (body.executionId && body.executionId !== row.executionId) {
      consumed.push(msg); // work of an earlier execution (before continue-as-new): drop it
      continue;
    }
    if (row.status === 'Suspended') {
      keep.push(msg);
      continue;
    }
    const trigger = isContinuation(inst.tracker, body.event);
    if (trigger && batch.length) {
      keep.push(msg);
      continue;
    }
    const stamped: HistoryEvent = {
      ...body.event,
      Timestamp: body.event.EventType === EventType.TimerFired ? isoTime(now) : body.event.Timestamp,
    };
    // planEpisode recognises the continuation by identity: it must be the very object put in the batch.
    if (trigger) continuation = stamped;
    if (stamped.EventType === EventType.ExecutionStarted && inst.history.length) {
      consumed.push(msg); // a duplicate start of a running execution
      continue;
    }
    batch.push(stamped);
    consumed.push(msg);
  }
  inst.inbox = keep;
  return { consumed, batch, continuation, control };
}

/** Terminate, suspend or resume: recorded without calling the orchestrator. */
function control(inst: LiveInstance, message: ControlMessage, now: number): Step {
  const row = inst.row;
  const reason = { Input: JSON.stringify(message.reason) };
  const newEvents = [newEvent(EventType.OrchestratorStarted, now)];
  let finished: Finished | undefined;
  if (message.kind === 'terminate') {
    newEvents.push(newEvent(EventType.ExecutionTerminated, now, reason));
    const output = JSON.stringify(message.reason);
    newEvents.push(newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Terminated', Result: output }));
    finished = { status: 'Terminated', output };
  } else if (message.kind === 'suspend') {
    newEvents.push(newEvent(EventType.ExecutionSuspended, now, reason));
    row.status = 'Suspended';
  } else {
    newEvents.push(newEvent(EventType.ExecutionResumed, now, reason));
    row.status = inst.history.length > 0 ? 'Running' : 'Pending';
  }
  newEvents.push(newEvent(EventType.OrchestratorCompleted, now));
  return { newEvents, finished };
}

function newEvent(type: EventType, now: number, extra: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: isoTime(now), ...extra };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function played(e: HistoryEvent): HistoryEvent {
  return e.IsPlayed ? e : { ...e, IsPlayed: true };
}

function lastTimestamp(history: readonly HistoryEvent[]): number {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].EventType === EventType.OrchestratorStarted) return Date.parse(history[i].Timestamp);
  }
  return 0;
}
