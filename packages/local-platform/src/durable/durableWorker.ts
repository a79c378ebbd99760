import type { OrchestratorOutcome, TimerSettings } from './episode';
import type { HistoryEvent } from './historyEvents';
import type { InstanceRow } from './instanceStore';

/** The payload the durable-functions library expects as an orchestration trigger (durable-host-contract §2). */
export interface OrchestratorPayload {
  history: HistoryEvent[];
  instanceId: string;
  isReplaying: boolean;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  input: unknown;
  parentInstanceId: string | null;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** What the engine needs from the functions host: find and call durable functions. */
export interface DurableWorker {
  orchestratorNames(): string[];
  resolveOrchestrator(name: string): string | undefined;
  resolveActivity(name: string): string | undefined;
  activityNames(): string[];
  /**
   * `payloadJson` is the trigger payload (OrchestratorPayload) as JSON text, the form the worker receives.
   * `reason` says why it runs, for the host's execution log.
   */
  callOrchestrator(name: string, payloadJson: string, reason?: string): Promise<OrchestratorOutcome>;
  /** Resolves with the activity's return value as JSON text ("null" for none); rejects with what it threw. */
  callActivity(name: string, inputJson: string | null, reason?: string): Promise<string>;
}

const DAY_MS = 86_400_000;

/** The extension's defaults: timers beyond 6 days are split into 3-day intervals. */
export const DEFAULT_TIMERS: TimerSettings = { maxShortTimerMs: 6 * DAY_MS, longTimerIntervalMs: 3 * DAY_MS };

/** Formats a duration as the .NET TimeSpan text the library parses ("d.hh:mm:ss"). */
function timeSpan(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  const rest = new Date(ms % DAY_MS).toISOString().slice(11, 19);
  return `${d}.${rest}`;
}

/**
 * The orchestrator trigger payload as JSON text, assembled from each event's stored JSON so the history is not
 * serialised again on every episode.
 */
export function orchestratorPayload(
  row: InstanceRow,
  historyTexts: readonly string[],
  isReplaying: boolean,
  timers: TimerSettings,
): string {
  const fields: Omit<OrchestratorPayload, 'history' | 'input'> = {
    instanceId: row.instanceId,
    isReplaying,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 3,
    parentInstanceId: row.parentInstanceId,
    longRunningTimerIntervalDuration: timeSpan(timers.longTimerIntervalMs),
    maximumShortTimerDuration: timeSpan(timers.maxShortTimerMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  return `{"history":[${historyTexts.join(',')}],"input":${row.input ?? 'null'},${JSON.stringify(fields).slice(1)}`;
}
