import type { AppInvoker } from '../appInvoker';
import { loadApp } from '../appLoader';
import { FunctionInvoker, type HostLog, type InvocationObserver } from '../invoker';
import type { FunctionRegistry } from '../registry';
import { ThreadInvoker } from './threadInvoker';

export type WorkerPlacement = 'inline' | 'thread';

/** The app, loaded and callable, wherever its functions run. */
export interface LanguageWorker {
  /** What the app registered: the host routes triggers by it. */
  registry: FunctionRegistry;
  invoker: AppInvoker;
  /** Hands the worker the settings the platform filled after the app was loaded (local endpoints, say). */
  shareEnvironment(): void;
  stopWorker(): Promise<void>;
}

export async function startLanguageWorker(
  appRoot: string,
  placement: WorkerPlacement,
  log: HostLog,
  observer?: InvocationObserver,
): Promise<LanguageWorker> {
  if (placement === 'thread') {
    const { invoker, registry } = await ThreadInvoker.start(appRoot, log, observer);
    return { registry, invoker, shareEnvironment: () => invoker.shareEnvironment(), stopWorker: () => invoker.stop() };
  }
  const registry = await loadApp(appRoot);
  registry.logSink = (level, category, message) => log(level, category, '', message);
  const invoker = new FunctionInvoker(registry, log, {}, observer);
  // The app shares the platform's process.env: nothing to hand over, nothing to stop.
  return { registry, invoker, shareEnvironment: () => undefined, stopWorker: async () => undefined };
}
