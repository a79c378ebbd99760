import * as diagnostics from 'node:diagnostics_channel';
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startPlatform } from '@cross-cloud-sagas/local-platform';
import { threadCpuMs } from './threadCpu';

/**
 * The platform process of the load benchmark (bench/load.ts forks it): the project app on every store as a file in
 * LOAD_DIR, real time, as `npm start` runs it. It counts every HTTP request the platform's endpoints receive (by
 * Node's own `http.server.request.start` channel, so nothing in the platform changes for the benchmark) and the
 * sagas that finish, and answers the parent's `stats` question over IPC with those and its CPU time.
 */

const dir = process.env.LOAD_DIR!;
const CONNECTION_SETTINGS = [
  'COSMOS_ENDPOINT',
  'COSMOS_KEY',
  'COSMOS_DATABASE',
  'ServiceBusConnection',
  'PAYMENT_GATEWAY_URL',
  'PAYMENT_GATEWAY_API_KEY',
  'EMAIL_SERVICE_URL',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'TASKHUB_NAME',
];
const appRoot = path.join(__dirname, '..', '..');

/** Requests received, by endpoint: the Cosmos DB port, or the main port's first path segment. */
const requests: Record<string, number> = {};
let cosmosPort = -1;
diagnostics.subscribe('http.server.request.start', (message) => {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  const port = (server.address() as AddressInfo | null)?.port;
  const segment = (request.url ?? '/').split('?')[0].split('/')[1] ?? '';
  const key = port === cosmosPort ? 'cosmos' : segment;
  requests[key] = (requests[key] ?? 0) + 1;
});

const outcomes: Record<string, number> = {};
const reasons: Record<string, number> = {};
let firstFinish = 0;
let lastFinish = 0;

/** A V8 CPU profile of exactly the load and its drain (start-up excluded): `file` set starts, unset stops. */
const session = new Session();
let profiling: string | undefined;
function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (e: Error | null, result?: unknown) => (e ? reject(e) : resolve(result))),
  );
}
async function profile({ file }: { file?: string }): Promise<void> {
  if (file) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
    profiling = file;
  } else if (profiling) {
    const { profile: result } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(profiling, JSON.stringify(result));
    session.disconnect();
    profiling = undefined;
  }
}

startPlatform({
  appRoot,
  port: 0,
  store: path.join(dir, 'durable.sqlite'),
  logLevel: 'error',
  // What `npm start` does (LOCAL_FUNCTIONS_WORKER=inline compares with the app in the platform's thread).
  functionsWorker: 'thread',
  log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
  settings: {
    LOCAL_SERVICES_STORE: path.join(dir, 'services.sqlite'),
    LOCAL_COSMOS_STORE: path.join(dir, 'cosmos.sqlite'),
    LOCAL_STEPFUNCTIONS_STORE: path.join(dir, 'stepfunctions.sqlite'),
    LOCAL_COSMOS_CONFIG: path.join(dir, 'cosmos.json'),
    LOCAL_FUNCTION_KEY: '',
    LOCAL_DURABLE_SYSTEM_KEY: '',
    LOCAL_PAYMENT_CONFIRM_DELAY_MS: process.env.LOAD_CONFIRM_DELAY_MS ?? '10',
  },
}).then(
  (platform) => {
    cosmosPort = Number(new URL(platform.clouds.cosmos!.endpoint).port);
    platform.engine.on('instance', (row) => {
      if (row.name !== 'orderSaga' || (row.status !== 'Completed' && row.status !== 'Failed')) return;
      const output = (row.status === 'Completed' ? JSON.parse(row.output ?? '{}') : {}) as {
        outcome?: string;
        reason?: string;
      };
      const outcome = row.status === 'Failed' ? 'Failed' : (output.outcome ?? '?');
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      // Why sagas did not complete: load (a step's deadline) and contention read differently here.
      if (outcome !== 'Completed') {
        const why = `${outcome}: ${(output.reason ?? row.output ?? '').slice(0, 120)}`;
        reasons[why] = (reasons[why] ?? 0) + 1;
      }
      lastFinish = Date.now();
      firstFinish ||= lastFinish;
    });
    process.on('message', (m: { type: string }) => {
      if (m.type === 'stats') {
        const running = platform.engine.listInstances({ statuses: ['Running', 'Pending'] }, false).rows.length;
        process.send!({
          type: 'stats',
          requests,
          outcomes,
          reasons,
          running,
          firstFinish,
          lastFinish,
          cpu: process.cpuUsage(),
          threadCpuMs: threadCpuMs(),
        });
      } else if (m.type === 'profile') {
        void profile(m as { type: string; file?: string }).then(() => process.send!({ type: 'profiled' }));
      } else if (m.type === 'stop') {
        void platform.stop().then(() => process.exit(0));
      }
    });
    // The endpoints and local keys the platform filled in, for a benchmark that calls them as the app does.
    const settings = Object.fromEntries(CONNECTION_SETTINGS.map((name) => [name, process.env[name] ?? '']));
    process.send!({ type: 'ready', url: platform.url, settings });
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
