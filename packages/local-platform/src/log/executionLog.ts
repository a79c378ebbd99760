import type { EventEmitter } from 'node:events';
import type { InvocationObserver } from '../functionsHost/invoker';
import type { PlatformLog } from './platformLog';

// The durable-functions library appends the orchestrator's state to the error it throws; people need the error.
const OUT_OF_PROC_STATE = '\n\n$OutOfProcData$:';

const errorText = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const cut = message.indexOf(OUT_OF_PROC_STATE);
  if (cut >= 0) {
    try {
      const state = JSON.parse(message.slice(cut + OUT_OF_PROC_STATE.length)) as { error?: unknown };
      if (typeof state.error === 'string') return state.error;
    } catch {
      // Not the library's state after all: fall back to the text before the label.
    }
    return message.slice(0, cut);
  }
  return error instanceof Error ? (error.stack ?? `${error.name}: ${message}`) : message;
};

const ms = (durationMs: number): string => `${Math.round(durationMs)}ms`;

/**
 * `Executing` / `Executed` lines for every function execution, worded as `func start` words them, so what a
 * developer knows from Core Tools reads the same here. A failure adds the error, as the host's exception line does.
 */
export function executionLog(log: PlatformLog): InvocationObserver {
  return {
    started(fn, invocationId, reason) {
      if (log.enabled('info')) log.info(`Executing 'Functions.${fn.name}' (Reason='${reason}', Id=${invocationId})`);
    },
    finished(fn, invocationId, { durationMs, error }) {
      if (error === undefined) {
        if (log.enabled('info'))
          log.info(`Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${ms(durationMs)})`);
        return;
      }
      log.error(`Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${ms(durationMs)})`);
      log.error(`Exception while executing function: Functions.${fn.name}. ${errorText(error)}`);
    },
  };
}

/** What the durable engine reports after each change of an instance (its `instance` event). */
interface InstanceChange {
  instanceId: string;
  name: string;
  status: string;
  output: string | null;
  createdTime: number;
  lastUpdatedTime: number;
}

const TERMINAL = new Set(['Completed', 'Failed', 'Terminated', 'ContinuedAsNew']);

/**
 * A line per orchestration state change (`orderSaga (Id=ord-1): Running → Completed after 2,130 ms`); failures
 * with their reason at error level, terminations as warnings. Only changes are logged, not every episode.
 */
export function logOrchestrationChanges(engine: EventEmitter, log: PlatformLog): () => void {
  // The last status of each instance not yet finished: bounded by the instances in flight.
  const last = new Map<string, string>();
  const listener = (row: InstanceChange): void => {
    const before = last.get(row.instanceId);
    if (before === row.status) return;
    if (TERMINAL.has(row.status)) last.delete(row.instanceId);
    else last.set(row.instanceId, row.status);
    const change = `Orchestration '${row.name}' (Id=${row.instanceId}): ${before ? `${before} → ` : ''}${row.status}`;
    const took = `after ${(row.lastUpdatedTime - row.createdTime).toLocaleString('en')} ms`;
    if (row.status === 'Failed') {
      let reason = row.output ?? '';
      try {
        reason = String(JSON.parse(reason));
      } catch {
        // Not JSON: keep the text as stored.
      }
      log.error(`${change} ${took}: ${reason}`);
    } else if (row.status === 'Terminated') log.warn(`${change} ${took}`);
    else if (log.enabled('info')) log.info(TERMINAL.has(row.status) ? `${change} ${took}` : change);
  };
  engine.on('instance', listener);
  return () => engine.off('instance', listener);
}

/** What the Service Bus namespace reports when a message is dead-lettered or dropped. */
interface DeadLettered {
  entity: string;
  message: { messageId?: string; deliveryCount?: number };
  reason: string;
  description: string;
}

/** A warning for every dead-lettered or expired message, with the reason Service Bus records. */
export function logServiceBusSetAsides(namespace: EventEmitter, log: PlatformLog): () => void {
  const deadLettered = (e: DeadLettered): void =>
    log.warn(
      `Service Bus: message '${e.message.messageId ?? '(no id)'}' on '${e.entity}' was dead-lettered after ${e.message.deliveryCount ?? 0} deliveries: ${e.reason}${e.description ? ` (${e.description})` : ''}.`,
    );
  // A topic message no subscription wants is normal (events nobody listens to yet); an expired one is lost work.
  const dropped = (e: { entity: string; messageId?: string; reason: string }): void =>
    log.write(
      e.reason === 'expired' ? 'warn' : 'debug',
      `Service Bus: message '${e.messageId ?? '(no id)'}' on '${e.entity}' was dropped: ${e.reason === 'expired' ? 'it expired (time to live) with no dead-lettering on expiration' : 'no subscription of the topic matches it'}.`,
    );
  namespace.on('deadLettered', deadLettered);
  namespace.on('dropped', dropped);
  return () => {
    namespace.off('deadLettered', deadLettered);
    namespace.off('dropped', dropped);
  };
}
