import { parentPort, workerData } from 'node:worker_threads';
import { loadApp } from '../appLoader';
import { FunctionInvoker, type InvocationResult } from '../invoker';
import type { FunctionRegistry } from '../registry';
import { compactTypedData } from './compactTypedData';
import { toWireError } from './wireError';
import type { HostToWorker, WorkerStartData, WorkerToHost } from './workerProtocol';

/**
 * The language worker thread: loads the app as the Node.js worker does and runs its functions when the host asks.
 * The app's SDK clients, its code and their garbage live here, so they use the second core while the host, the
 * durable engine and the local services keep the first.
 */

const port = parentPort;
if (!port) throw new Error('workerThread.js runs as a worker thread of the platform; start the platform instead.');
const send = (message: WorkerToHost): void => port.postMessage(message);
const start = workerData as WorkerStartData;

const applyEnvironment = (values: Record<string, string | undefined>): void => {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else if (process.env[key] !== value) process.env[key] = value;
  }
};

/**
 * What crosses back: the converted result. The raw value an activity returned only serves the host when the
 * programming model sent no JSON, so it crosses as that JSON (what the host would have made of it), never as
 * objects structured clone might refuse.
 */
function forHost(fnTrigger: string, result: InvocationResult): InvocationResult {
  const outputs = Object.fromEntries(
    Object.entries(result.outputs).map(([name, data]) => [name, compactTypedData(data)]),
  );
  const { returnValue } = result;
  if (fnTrigger === 'activityTrigger' && returnValue?.json == null) {
    const json = JSON.stringify(result.result === undefined ? null : result.result) ?? 'null';
    return { result: undefined, returnValue: { ...(returnValue ?? {}), json }, outputs };
  }
  return { result: undefined, returnValue: compactTypedData(returnValue), outputs };
}

function serve(registry: FunctionRegistry): void {
  const invoker = new FunctionInvoker(registry, (level, category, functionName, message) =>
    send({ type: 'log', level, category, functionName, message }),
  );
  port!.on('message', (message: HostToWorker) => {
    if (message.type === 'env') return applyEnvironment(message.values);
    if (message.type === 'hooks') {
      invoker.runHooks(message.name, message.context).then(
        () => send({ type: 'hooksDone', id: message.id }),
        (error: unknown) => send({ type: 'hooksDone', id: message.id, error: toWireError(error) }),
      );
      return;
    }
    const fn = registry.get(message.functionName);
    if (!fn) {
      const error = new Error(`Function "${message.functionName}" is not registered in the worker.`);
      return send({ type: 'invoked', id: message.id, error: toWireError(error) });
    }
    invoker.invoke(fn, message.input).then(
      (result) => send({ type: 'invoked', id: message.id, result: forHost(fn.trigger.type, result) }),
      (error: unknown) => send({ type: 'invoked', id: message.id, error: toWireError(error) }),
    );
  });
}

applyEnvironment(start.env);
loadApp(start.appRoot).then(
  (registry) => {
    registry.logSink = (level, category, message) => send({ type: 'log', level, category, functionName: '', message });
    serve(registry);
    send({ type: 'loaded', functions: [...registry.functions.values()].map((f) => f.metadata) });
  },
  (error: unknown) => send({ type: 'loadFailed', error: toWireError(error) }),
);
