import { setMaxListeners } from 'node:events';
import type { Clock, ScheduledWake } from '../clock';
import type { ActivityLog, ActivityRecord } from './activity';
import type { DeadLetterAttributes, DeadLetterStore } from './deadLetters';
import { retryPolicyOf } from './targetConfig';
import type { AttemptOutcome, DeliveryJob } from './targets/types';

/** The longest single backoff: keeps 185 retries spread over roughly the default 24 hours. */
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * EventBridge retries "with an exponential back off and jitter"; the exact schedule is not published. This
 * doubles from 1 s up to 15 minutes and waits a random time in the upper half of that ("equal jitter").
 * `retry` is 1 for the first retry.
 */
export function defaultRetryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(1000 * 2 ** Math.min(retry - 1, 30), MAX_BACKOFF_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface DeliveryEngineOptions {
  clock: Clock;
  retryDelayMs: (retry: number) => number;
  /** Renders the target's input and makes one attempt. */
  attempt: (job: DeliveryJob, signal: AbortSignal) => Promise<AttemptOutcome>;
  deadLetters: DeadLetterStore;
  activity: ActivityLog;
  /**
   * Attempts running at once; later ones wait their turn. EventBridge paces API destinations itself (300
   * invocations/s by default), so a burst of events never opens thousands of connections to a target at once.
   */
  maxConcurrentAttempts?: number;
  /** Hears when a delivery's next attempt is scheduled and when the delivery ends, to keep it across a restart. */
  keeper?: DeliveryKeeper;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface DeliveryKeeper {
  scheduled(job: DeliveryJob, dueAt: number): void;
  finished(jobId: number): void;
}

type Exhausted = DeadLetterAttributes['EXHAUSTED_RETRY_CONDITION'];

/**
 * Delivers events to targets asynchronously (PutEvents has answered by then), retrying failures on the platform
 * clock as the target's RetryPolicy allows, then dead-lettering them (or dropping them with a warning when the
 * target has no DeadLetterConfig), as EventBridge does.
 */
export class DeliveryEngine {
  private nextId = 1;
  /** Attempts due now or running: what `inFlight` reports (waits for a retry are not counted). */
  private busy = 0;
  private readonly wakes = new Set<ScheduledWake>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly queued: DeliveryJob[] = [];
  private active = 0;

  constructor(private readonly options: DeliveryEngineOptions) {
    // Every running attempt listens for the stop; there may be many at once.
    setMaxListeners(0, this.stopping.signal);
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  newJobId(): number {
    return this.nextId++;
  }

  inFlight(): number {
    return this.busy;
  }

  /** Starts the first attempt as soon as the current call has returned. */
  enqueue(job: DeliveryJob): void {
    const now = this.options.clock.now();
    this.options.keeper?.scheduled(job, now);
    this.at(now, job, true);
  }

  /**
   * Takes up deliveries that were under way when the process stopped: each attempt at its due time, or at once if
   * it is overdue. An attempt that was running when the process died runs again (delivery is at least once).
   */
  resume(pending: readonly { job: DeliveryJob; dueAt: number }[]): void {
    const now = this.options.clock.now();
    for (const { job, dueAt } of pending) {
      this.nextId = Math.max(this.nextId, job.id + 1);
      this.at(Math.max(dueAt, now), job, dueAt <= now);
    }
  }

  /** Cancels scheduled attempts, aborts running ones and waits for them to end. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const wake of this.wakes) wake.cancel();
    this.wakes.clear();
    await Promise.allSettled([...this.running]);
    this.queued.length = 0;
    this.busy = 0;
  }

  private at(dueMs: number, job: DeliveryJob, immediate: boolean): void {
    if (this.stopped) return;
    if (immediate) this.busy++;
    const wake = this.options.clock.schedule(dueMs, () => {
      this.wakes.delete(wake);
      if (!immediate) this.busy++;
      this.launch(job);
    });
    this.wakes.add(wake);
  }

  /** Runs a due attempt now, or queues it behind the running ones (it still counts as in flight). */
  private launch(job: DeliveryJob): void {
    if (this.active >= (this.options.maxConcurrentAttempts ?? 64)) {
      this.queued.push(job);
      return;
    }
    this.active++;
    const run = this.run(job).finally(() => {
      this.active--;
      this.busy--;
      this.running.delete(run);
      const next = this.queued.shift();
      if (next && !this.stopped) this.launch(next);
    });
    this.running.add(run);
  }

  private async run(job: DeliveryJob): Promise<void> {
    if (this.stopped) return;
    job.attempts++;
    let outcome: AttemptOutcome;
    try {
      outcome = await this.options.attempt(job, this.stopping.signal);
    } catch (e) {
      // A bug, not a target failure: do not retry it 185 times.
      this.options.log('error', `EventBridge delivery to ${job.target.Arn} threw: ${(e as Error).stack ?? e}`);
      outcome = { ok: false, retryable: false, errorCode: 'UNKNOWN', errorMessage: (e as Error).message };
    }
    if (this.stopped) return;
    if (outcome.ok) {
      this.options.keeper?.finished(job.id);
      this.record(job, 'target-delivered', { statusCode: outcome.statusCode, message: outcome.detail });
      return;
    }
    this.record(job, 'target-failed', {
      statusCode: outcome.statusCode,
      errorCode: outcome.errorCode,
      message: outcome.errorMessage,
    });
    if (!outcome.retryable) return this.deadLetter(job, outcome, undefined);

    const policy = retryPolicyOf(job.target);
    const retriesMade = job.attempts - 1;
    const maxRetries = outcome.retry ? outcome.retry.maxRetries : policy.maximumRetryAttempts;
    if (retriesMade >= maxRetries) return this.deadLetter(job, outcome, 'MaximumRetryAttempts');
    const backoff = (outcome.retry?.delayMs ?? this.options.retryDelayMs)(retriesMade + 1);
    const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
    const due = this.options.clock.now() + delay;
    // An attempt that would start after the event's maximum age is not made.
    if (due - job.ingestionTime > policy.maximumEventAgeMs)
      return this.deadLetter(job, outcome, 'MaximumEventAgeInSeconds');
    this.record(job, 'target-retrying', { errorCode: outcome.errorCode, nextAttemptAt: new Date(due).toISOString() });
    this.options.keeper?.scheduled(job, due);
    this.at(due, job, false);
  }

  private deadLetter(job: DeliveryJob, outcome: AttemptOutcome & { ok: false }, exhausted: Exhausted): void {
    this.options.keeper?.finished(job.id);
    const queueArn = job.target.DeadLetterConfig?.Arn;
    const why = exhausted ? ` after ${job.attempts - 1} retries (${exhausted})` : ' (not retried)';
    if (!queueArn) {
      this.options.log(
        'warn',
        `EventBridge dropped event ${job.event.id} for target ${job.target.Id} (${job.target.Arn}) of rule ` +
          `${job.ruleName}${why}: ${outcome.errorCode}: ${outcome.errorMessage}. The target has no DeadLetterConfig.`,
      );
      this.record(job, 'target-dropped', { errorCode: outcome.errorCode, message: outcome.errorMessage });
      return;
    }
    const attributes: DeadLetterAttributes = {
      RULE_ARN: job.ruleArn,
      TARGET_ARN: job.target.Arn,
      ERROR_CODE: outcome.errorCode,
      ERROR_MESSAGE: outcome.errorMessage,
      ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}),
      RETRY_ATTEMPTS: String(job.attempts - 1),
    };
    this.options.deadLetters.add({
      queueArn,
      event: job.eventText,
      attributes,
      time: new Date(this.options.clock.now()).toISOString(),
    });
    this.options.log(
      'warn',
      `EventBridge sent event ${job.event.id} for target ${job.target.Id} of rule ${job.ruleName} to dead-letter ` +
        `queue ${queueArn}${why}: ${outcome.errorCode}: ${outcome.errorMessage}`,
    );
    this.record(job, 'target-dead-lettered', { errorCode: outcome.errorCode, message: outcome.errorMessage });
  }

  private record(job: DeliveryJob, kind: ActivityRecord['kind'], extra: Partial<ActivityRecord>): void {
    const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    this.options.activity.add({
      time: new Date(this.options.clock.now()).toISOString(),
      kind,
      eventBusName: job.bus,
      eventId: job.event.id,
      ruleArn: job.ruleArn,
      targetId: job.target.Id,
      targetArn: job.target.Arn,
      attempt: job.attempts,
      ...(job.event['replay-name'] ? { replayName: job.event['replay-name'] } : {}),
      ...clean,
    });
  }
}
