import type { EngineContext } from './engineContext';
import { DurableEngineError, failureOf } from './errors';
import { EventType, HistoryEvent, isoTime } from './historyEvents';
import type { ActivityRow } from './instanceStore';
import { checkPayload } from './limits';
import { Semaphore } from './semaphore';

/**
 * Runs activities whose rows are committed, at most `maxConcurrent` at once. The result (TaskCompleted or
 * TaskFailed) goes to the instance in memory; the episode that consumes it deletes the row in its commit.
 */
export class ActivityRunner {
  readonly slots: Semaphore;

  constructor(
    private readonly ctx: EngineContext,
    maxConcurrent: number,
  ) {
    this.slots = new Semaphore(maxConcurrent);
  }

  run(row: ActivityRow): void {
    const { instanceId, name } = row;
    void this.ctx
      .track(this.execute(row))
      .catch((e) =>
        this.ctx.log(
          'error',
          `Activity "${name}" of instance "${instanceId}" could not be saved: ${(e as Error).stack ?? e}`,
        ),
      );
  }

  private async execute({ id: activityId, instanceId, executionId, taskId, name, input }: ActivityRow): Promise<void> {
    const { worker, clock, live } = this.ctx;
    // Refused at shutdown: the activity's row stays in the store and it runs after the next start.
    if (!(await this.slots.acquire(clock.now()))) return;
    let event: HistoryEvent;
    try {
      const canonical = worker.resolveActivity(name);
      if (!canonical) {
        throw new DurableEngineError(
          `The function '${name}' doesn't exist, is disabled, or is not an activity function. Registered activities: ${worker.activityNames().join(', ') || '(none)'}.`,
        );
      }
      const result = await worker.callActivity(
        canonical,
        input,
        `Scheduled by orchestration instance ${instanceId} (task #${taskId})`,
      );
      checkPayload(
        `The result of activity '${name}' (task #${taskId} of instance "${instanceId}")`,
        result,
        this.ctx.limits,
      );
      event = {
        EventType: EventType.TaskCompleted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: isoTime(clock.now()),
        TaskScheduledId: taskId,
        Result: result,
      };
    } catch (e) {
      const failure = failureOf(e);
      event = {
        EventType: EventType.TaskFailed,
        EventId: -1,
        IsPlayed: false,
        Timestamp: isoTime(clock.now()),
        TaskScheduledId: taskId,
        Reason: `Activity function '${name}' failed: ${failure.ErrorMessage}`,
        Details: failure.StackTrace ?? '',
        FailureDetails: failure,
      };
    } finally {
      this.slots.release();
    }
    const inst = live.get(instanceId);
    if (live.stopped) return;
    // The instance finished or started again while the activity ran: nobody will consume its result.
    if (!inst || inst.row.executionId !== executionId) {
      await this.ctx.store.discardWork({ messages: [], activities: [activityId] });
      return;
    }
    live.deliver(inst, {
      id: this.ctx.ids.nextMessage(),
      dueAt: 0,
      body: { kind: 'event', executionId, event },
      activityRowId: activityId,
    });
  }
}
