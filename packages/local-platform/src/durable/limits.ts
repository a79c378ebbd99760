import { DurableEngineError } from './errors';
import type { EpisodePlan } from './episode';
import { EventType, eventTypeName } from './historyEvents';

/**
 * Limits the embedded engine enforces so that what passes locally does not fail in the cloud: payload sizes
 * (the Azure Storage backend moves payloads over 45 KB to blobs but the message path and the other clouds have
 * hard limits), custom status (16 KB in Azure) and history length (Step Functions' 25,000 events).
 */
export interface DurableLimits {
  maxPayloadBytes: number;
  maxCustomStatusBytes: number;
  maxHistoryEvents: number;
  /** A warning is logged once an instance's history passes this many events. */
  warnHistoryEvents: number;
}

export const DEFAULT_LIMITS: DurableLimits = {
  maxPayloadBytes: 1024 * 1024,
  maxCustomStatusBytes: 16 * 1024,
  maxHistoryEvents: 25_000,
  warnHistoryEvents: 20_000,
};

/** Fills unset limits with the defaults; the warning threshold follows a raised or lowered maximum. */
export function resolveLimits(partial: Partial<DurableLimits> = {}): DurableLimits {
  const set = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<DurableLimits>;
  const maxHistoryEvents = set.maxHistoryEvents ?? DEFAULT_LIMITS.maxHistoryEvents;
  return {
    ...DEFAULT_LIMITS,
    ...set,
    maxHistoryEvents,
    warnHistoryEvents: set.warnHistoryEvents ?? Math.floor(maxHistoryEvents * 0.8),
  };
}

const kb = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`;

export class PayloadTooLargeError extends DurableEngineError {
  constructor(
    readonly what: string,
    readonly bytes: number,
    readonly limit: number,
    setting = 'LOCAL_DURABLE_MAX_PAYLOAD_BYTES',
  ) {
    super(
      `${what} is ${kb(bytes)} (${bytes} bytes), over the ${kb(limit)} limit by ${bytes - limit} bytes. ` +
        `Pass a reference (a blob or document id) instead of the data, or raise ${setting}.`,
    );
  }
}

export class HistoryTooLargeError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly events: number,
    readonly limit: number,
  ) {
    super(
      `Instance "${instanceId}" would have ${events} history events, over the limit of ${limit} ` +
        '(LOCAL_DURABLE_MAX_HISTORY_EVENTS). Split the work into sub-orchestrations or use continueAsNew.',
    );
  }
}

export const byteLength = (text: string | null | undefined): number => (text ? Buffer.byteLength(text, 'utf8') : 0);

export function checkPayload(what: string, text: string | null | undefined, limits: DurableLimits): void {
  const bytes = byteLength(text);
  if (bytes > limits.maxPayloadBytes) throw new PayloadTooLargeError(what, bytes, limits.maxPayloadBytes);
}

/** Throws when the episode would store a payload or a history longer than the limits allow. */
export function checkEpisode(
  instanceId: string,
  name: string,
  historyLength: number,
  plan: EpisodePlan,
  limits: DurableLimits,
): void {
  for (const e of plan.appended) {
    const where = `${eventTypeName(e.EventType)} #${e.EventId} of orchestration '${name}' (instance "${instanceId}")`;
    if (e.EventType === EventType.TaskScheduled)
      checkPayload(`The input of activity '${e.Name}' in ${where}`, e.Input, limits);
    if (e.EventType === EventType.SubOrchestrationInstanceCreated) {
      checkPayload(`The input of sub-orchestration '${e.Name}' in ${where}`, e.Input, limits);
    }
    if (e.EventType === EventType.ExecutionCompleted) checkPayload(`The output of ${where}`, e.Result, limits);
  }
  const status = byteLength(plan.customStatus);
  if (status > limits.maxCustomStatusBytes) {
    throw new PayloadTooLargeError(
      `The custom status of instance "${instanceId}"`,
      status,
      limits.maxCustomStatusBytes,
      'LOCAL_DURABLE_MAX_CUSTOM_STATUS_BYTES',
    );
  }
  if (historyLength > limits.maxHistoryEvents)
    throw new HistoryTooLargeError(instanceId, historyLength, limits.maxHistoryEvents);
}
