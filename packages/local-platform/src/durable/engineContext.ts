import type { EventEmitter } from 'node:events';
import type { InstanceRow } from './instanceStore';
import type { Clock } from '../clock';
import type { DurableWorker } from './durableWorker';
import type { TimerSettings } from './episode';
import type { ActivityRow, InstanceStore } from './instanceStore';
import type { DurableLimits } from './limits';
import type { LiveInstances } from './liveInstances';

export type EngineLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Numbers for new message and activity rows, continuing after the highest ones stored. */
export class RowIds {
  private message = 0;
  private activity = 0;

  continueAfter(last: { message: number; activity: number }): void {
    this.message = last.message;
    this.activity = last.activity;
  }

  nextMessage(): number {
    return ++this.message;
  }

  nextActivity(): number {
    return ++this.activity;
  }
}

/** What the engine's parts share; the engine builds it once and hands the same one to each. */
export interface EngineContext {
  store: InstanceStore;
  clock: Clock;
  worker: DurableWorker;
  timers: TimerSettings;
  limits: DurableLimits;
  log: EngineLog;
  live: LiveInstances;
  ids: RowIds;
  /** The engine itself, for its 'instance' and 'episode' events. */
  events: EventEmitter<DurableEngineEvents>;
  /** Counts the promise as engine work until it settles, for `whenIdle`. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Runs an activity whose row is committed; its result goes to the instance in memory. */
  runActivity(activity: ActivityRow): void;
}

/** What the engine emits; listeners must not change what they receive. */
export interface DurableEngineEvents {
  /** After every committed change of an instance: a copy of its row (status, output, custom status, times). */
  instance: [row: InstanceRow];
  /** After every orchestrator call: how long it took for how much history (the benchmark's replay cost). */
  episode: [timing: { instanceId: string; historyLength: number; ms: number }];
}
