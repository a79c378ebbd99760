import type { EventEnvelope } from '../events';
import type { AttemptOutcome, DeliveryJob } from './types';

export interface BusForwarder {
  /** Whether the bus exists. */
  has(bus: string): boolean;
  /** Puts the event into `bus` (archives, rules), as one more hop. */
  forward(bus: string, event: EventEnvelope, hops: number): void;
}

/**
 * Sends the event on to another event bus of this account. The event keeps its id, source, detail-type, time
 * and resources; when the target shapes its input, the shaped JSON object becomes the detail. An event that
 * already came from another bus is not forwarded again: EventBridge refuses a third bus hop, which also stops
 * routing loops between buses.
 */
export function invokeEventBus(
  forwarder: BusForwarder,
  targetBus: string,
  job: DeliveryJob,
  input: string,
): AttemptOutcome {
  if (job.hops >= 1)
    return {
      ok: false,
      retryable: false,
      errorCode: 'THIRD_ACCOUNT_HOP_DETECTED',
      errorMessage: `Event ${job.event.id} already came from another event bus; EventBridge does not forward it to a third bus (${targetBus}).`,
    };
  if (!forwarder.has(targetBus))
    return {
      ok: false,
      retryable: false,
      errorCode: 'NO_RESOURCE',
      errorMessage: `Event bus ${targetBus} does not exist.`,
    };
  let detail = job.event.detail;
  const t = job.target;
  if (t.Input !== undefined || t.InputPath !== undefined || t.InputTransformer !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return {
        ok: false,
        retryable: false,
        errorCode: 'INVALID_JSON',
        errorMessage: 'The shaped input of an event bus target must be a JSON object (it becomes the detail).',
      };
    detail = parsed as Record<string, unknown>;
  }
  forwarder.forward(targetBus, { ...job.event, detail }, job.hops + 1);
  return { ok: true, detail: `forwarded to ${targetBus}` };
}
