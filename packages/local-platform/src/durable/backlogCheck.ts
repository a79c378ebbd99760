import type { HostHealthCheck, Overload } from '../functionsHost/hostHealth';
import type { DurableBacklog } from './engine';

export interface BacklogLimits {
  /** Episodes and activities waiting for a slot at which new work is refused. */
  maxWaiting: number;
  /** Age of the oldest waiting episode or activity, engine clock, at which new work is refused. */
  maxWaitMs: number;
}

/**
 * Overload as the durable engine sees it. An orchestration that races an activity against a durable timer starts
 * the timer when it schedules the activity, not when the activity gets a slot: a backlog longer than the deadline
 * turns a busy platform into timeouts and compensations of orders that were fine. Refusing new work at the door
 * while the backlog is long (by count, and by the age of its oldest entry) keeps every accepted instance's waits
 * short.
 */
export class DurableBacklogCheck implements HostHealthCheck {
  constructor(
    private readonly backlog: () => DurableBacklog,
    private readonly limits: BacklogLimits,
  ) {}

  overload(): Overload | undefined {
    const b = this.backlog();
    const waiting = b.waitingEpisodes + b.waitingActivities;
    const retryAfterSeconds = Math.min(30, Math.max(1, Math.ceil(b.oldestWaitMs / 1000)));
    if (waiting >= this.limits.maxWaiting) {
      return {
        reason: `${waiting} durable episodes and activities wait for a slot (LOCAL_DURABLE_MAX_BACKLOG is ${this.limits.maxWaiting})`,
        retryAfterSeconds,
      };
    }
    if (b.oldestWaitMs >= this.limits.maxWaitMs) {
      return {
        reason: `durable work has waited ${b.oldestWaitMs} ms for a slot (LOCAL_DURABLE_MAX_BACKLOG_WAIT_MS is ${this.limits.maxWaitMs})`,
        retryAfterSeconds,
      };
    }
    return undefined;
  }
}
