import type { Clock, ScheduledWake } from '../clock';
import type { InvocationInput } from './invoker';
import { parseSchedule, Schedule } from './ncrontab';
import type { RegisteredFunction } from './registry';

export interface TimerFunction {
  fn: RegisteredFunction;
  schedule: Schedule;
  runOnStartup: boolean;
}

/** Parses every timer trigger's schedule up front so a bad one stops start-up with its function's name. */
export function buildTimers(functions: RegisteredFunction[], resolve: (text: string) => string): TimerFunction[] {
  return functions.map((fn) => {
    const raw = fn.trigger.schedule;
    if (typeof raw !== 'string')
      throw new Error(
        `Timer function '${fn.name}' has no schedule; give app.timer a schedule such as '0 */5 * * * *'.`,
      );
    try {
      return { fn, schedule: parseSchedule(resolve(raw)), runOnStartup: fn.trigger.runOnStartup === true };
    } catch (e) {
      throw new Error(`Timer function '${fn.name}': ${(e as Error).message}`, { cause: e });
    }
  });
}

/** Fires timer-triggered functions on the platform clock (virtual in tests). */
export class TimerHost {
  private wakes = new Map<string, ScheduledWake>();
  private stopped = false;

  constructor(
    private readonly timers: TimerFunction[],
    private readonly clock: Clock,
    private readonly invoke: (fn: RegisteredFunction, input: InvocationInput) => Promise<unknown>,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
    private readonly track: <T>(p: Promise<T>) => Promise<T> = (p) => p,
  ) {}

  start(): void {
    for (const t of this.timers) {
      if (t.runOnStartup) void this.track(this.fire(t, this.clock.now(), this.clock.now()));
      this.arm(t, this.clock.now());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.wakes.values()) w.cancel();
    this.wakes.clear();
  }

  private arm(t: TimerFunction, after: number): void {
    if (this.stopped) return;
    const due = t.schedule.next(after);
    this.wakes.set(
      t.fn.name,
      this.clock.schedule(due, () => {
        const next = t.schedule.next(due);
        void this.track(this.fire(t, due, next));
        this.arm(t, due);
      }),
    );
  }

  private async fire(t: TimerFunction, due: number, next: number): Promise<void> {
    const now = this.clock.now();
    // PascalCase as the host sends it; the programming model camel-cases timer payloads.
    const payload = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(due).toISOString(),
        Next: new Date(next).toISOString(),
        LastUpdated: new Date(now).toISOString(),
      },
      IsPastDue: now - due > 1000,
    };
    try {
      await this.invoke(t.fn, {
        trigger: { json: JSON.stringify(payload) },
        reason: `Timer fired at ${new Date(now).toISOString()}`,
      });
    } catch (e) {
      // The stack is in the host's execution log; this line says the schedule goes on.
      this.log(
        'error',
        `Timer function '${t.fn.name}' threw (${e instanceof Error ? e.message : String(e)}); it runs again at ${new Date(next).toISOString()}.`,
      );
    }
  }
}
