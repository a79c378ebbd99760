import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppInvoker } from '../appInvoker';
import type { FunctionMetadata } from '../coreApi';
import {
  defaultReason,
  type HostLog,
  type InvocationInput,
  type InvocationObserver,
  type InvocationResult,
} from '../invoker';
import { FunctionRegistry, type RegisteredFunction } from '../registry';
import { AppLoadError } from '../appLoader';
import { compactTypedData } from './compactTypedData';
import { fromWireError } from './wireError';
import type { HostToWorker, WorkerStartData, WorkerToHost } from './workerProtocol';

export class WorkerThreadStoppedError extends Error {
  constructor(why: string) {
    super(
      `The app's worker thread stopped (${why}); the invocations it was running failed and are retried as their triggers retry. ` +
        'The platform starts a new worker; if this repeats, look for an unhandled error in the app (the log has it).',
    );
    this.name = 'WorkerThreadStoppedError';
  }
}

// Tests run the platform from its TypeScript sources; a worker thread needs the compiled file (npm run build).
const WORKER_FILE = __filename.endsWith('.ts')
  ? path.resolve(__dirname, '../../../dist/functionsHost/languageWorker/workerThread.js')
  : path.join(__dirname, 'workerThread.js');

/** A request that expects an answer, before it gets its id. */
type WorkerCall =
  Omit<Extract<HostToWorker, { type: 'invoke' }>, 'id'> | Omit<Extract<HostToWorker, { type: 'hooks' }>, 'id'>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The host's side of the language worker thread: calls the app's functions there and answers as the in-thread
 * invoker would. A worker that dies (an unhandled error in the app) fails what it was running and is replaced, as
 * the Functions host restarts its language worker.
 */
export class ThreadInvoker implements AppInvoker {
  private worker!: Worker;
  private ready!: Promise<FunctionMetadata[]>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  /** Set once the host started the app; a replacement worker gets the same appStart. */
  private appStartContext: Record<string, unknown> | undefined;

  private constructor(
    private readonly appRoot: string,
    private readonly log: HostLog,
    private readonly observer?: InvocationObserver,
  ) {}

  /** Starts the worker, loads the app in it, and answers with the host's view of what the app registered. */
  static async start(
    appRoot: string,
    log: HostLog,
    observer?: InvocationObserver,
  ): Promise<{ invoker: ThreadInvoker; registry: FunctionRegistry }> {
    const invoker = new ThreadInvoker(appRoot, log, observer);
    invoker.spawn();
    let functions: FunctionMetadata[];
    try {
      functions = await invoker.ready;
    } catch (e) {
      // An app that cannot load stops start-up; its worker must not keep the process alive.
      await invoker.stop();
      throw e;
    }
    const registry = new FunctionRegistry();
    for (const metadata of functions) {
      registry.registerFunction(metadata, () => {
        throw new Error(`'${metadata.name}' runs in the app's worker thread; call it through the platform's invoker.`);
      });
    }
    return { invoker, registry };
  }

  private spawn(): void {
    const replacing = this.appStartContext !== undefined;
    const data: WorkerStartData = { appRoot: this.appRoot, env: { ...process.env } };
    const worker = new Worker(WORKER_FILE, { workerData: data, stdout: false, stderr: false });
    this.worker = worker;
    this.ready = new Promise<FunctionMetadata[]>((resolve, reject) => {
      worker.on('message', (message: WorkerToHost) => {
        switch (message.type) {
          case 'loaded':
            return resolve(message.functions);
          case 'loadFailed':
            return reject(new AppLoadError(fromWireError(message.error).message));
          case 'log':
            return this.log(message.level, message.category, message.functionName, message.message);
          case 'invoked':
            return this.settle(message.id, message.error, message.result);
          case 'hooksDone':
            return this.settle(message.id, message.error, undefined);
        }
      });
      worker.on('error', (error) => {
        this.log('error', 'Host.Worker', '', `The app's worker thread failed: ${error.stack ?? error.message}`);
        reject(error);
      });
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        const failure = new WorkerThreadStoppedError(`exit code ${code}`);
        for (const p of this.pending.values()) p.reject(failure);
        this.pending.clear();
        reject(failure);
        if (!this.stopping) this.spawn();
      });
    });
    // A replacement worker starts the app again, as a restarted language worker does, before it takes calls.
    const context = this.appStartContext;
    if (replacing && context)
      this.ready = this.ready.then(async (functions) => {
        await this.send({ type: 'hooks', name: 'appStart', context });
        return functions;
      });
    // A failed start is reported by `start`, or by the next call that waits for this worker.
    this.ready.catch(() => undefined);
  }

  private settle(id: number, error: Parameters<typeof fromWireError>[0] | undefined, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(fromWireError(error));
    else p.resolve(value);
  }

  private async call<T>(message: WorkerCall): Promise<T> {
    await this.ready;
    return this.send<T>(message);
  }

  private send<T>(message: WorkerCall): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id } as HostToWorker);
    });
  }

  async invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationResult> {
    const invocationId = input.invocationId ?? randomUUID();
    const run = (): Promise<InvocationResult> =>
      this.call<InvocationResult>({
        type: 'invoke',
        functionName: fn.name,
        input: { ...input, trigger: compactTypedData(input.trigger), invocationId },
      });
    if (!this.observer) return run();
    this.observer.started(fn, invocationId, input.reason ?? defaultReason(fn));
    const began = performance.now();
    try {
      const result = await run();
      this.observer.finished(fn, invocationId, { durationMs: performance.now() - began });
      return result;
    } catch (error) {
      this.observer.finished(fn, invocationId, { durationMs: performance.now() - began, error });
      throw error;
    }
  }

  runHooks(name: string, context: Record<string, unknown>): Promise<void> {
    if (name === 'appStart') this.appStartContext = context;
    return this.call<void>({ type: 'hooks', name, context });
  }

  /** The settings the platform filled after the worker started (endpoints with their ports, say). */
  shareEnvironment(): void {
    this.worker.postMessage({ type: 'env', values: { ...process.env } } satisfies HostToWorker);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }
}
