import * as path from 'node:path';
import { Clock, RealClock, VirtualClock } from './clock';
import {
  durableClientPayload,
  DurableEngine,
  DurableHttpApi,
  DurableStore,
  RegistryDurableWorker,
  RPC_BASE,
  WEBHOOK_BASE,
} from './durable';
import type { RpcTypedData } from './functionsHost/coreApi';
import { buildHttpRoutes } from './functionsHost/httpTriggers';
import { HttpHost } from './functionsHost/httpServer';
import { HttpThrottle } from './functionsHost/httpThrottle';
import { DurableBacklogCheck } from './durable/backlogCheck';
import type { HostLog } from './functionsHost/invoker';
import { startLanguageWorker, type WorkerPlacement } from './functionsHost/languageWorker/startLanguageWorker';
import type { FunctionRegistry, RegisteredFunction } from './functionsHost/registry';
import {
  buildServiceBusTriggers,
  describeServiceBusTrigger,
  ServiceBusTriggerHost,
} from './functionsHost/serviceBusTriggers';
import { buildTimers, TimerHost } from './functionsHost/timerTriggers';
import { LocalClouds, startLocalClouds } from './localClouds';
import { ServiceDatabase } from './persistence/serviceDatabase';
import { declares, loadAppAzureTemplate, serviceBusConfigFromTemplate } from './azureTemplate';
import { parseServiceBusConfig, ServiceBusNamespace, ServiceBusRestApi } from './serviceBus';
import { LOCAL_KEY_NAME, ServiceBusAmqpListener } from './serviceBus/amqp';
import { LocalAws, startLocalAws } from './localAws';
import {
  exportToEnvironment,
  loadSettings,
  type PlatformSettings,
  readHostHttpThrottles,
  readHostJson,
  readPlatformSettings,
  resolveSettingRefs,
} from './settings';

import {
  consoleSink,
  executionLog,
  logOrchestrationChanges,
  logServiceBusSetAsides,
  type LogLevel,
  type LogSink,
  type LogThreshold,
  PlatformLog,
} from './log';

export type { LogLevel, LogSink, LogThreshold } from './log';

export interface PlatformOptions {
  /** Folder holding package.json (whose `main` names the entry files), host.json, local.settings.json. */
  appRoot: string;
  /** 0 picks a free port. Default: LOCAL_HTTP_PORT or 7071. */
  port?: number;
  host?: string;
  /** 'memory', or a SQLite file path (relative to appRoot). Default: LOCAL_DURABLE_STORE or .local/durable.sqlite */
  store?: string;
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  /** 'real' (default), 'virtual', or a clock of your own. */
  clock?: 'real' | 'virtual' | Clock;
  settings?: Record<string, string>;
  maxConcurrentOrchestrations?: number;
  maxConcurrentActivities?: number;
  /** Port of the Service Bus's AMQP endpoint. Default: LOCAL_SERVICEBUS_AMQP_PORT (5672), or 0 when `port` is 0. */
  serviceBusAmqpPort?: number;
  /** Overrides host.json extensions.serviceBus.maxMessageBatchSize (benchmarks compare batch sizes). */
  serviceBusMaxMessageBatchSize?: number;
  /** Where log lines go. Default: the console, worded and coloured as `func start` prints them. */
  log?: LogSink;
  /** The least severe level logged, or 'silent'. Default: LOCAL_LOG_LEVEL (info). */
  logLevel?: LogThreshold;
  /**
   * Where the app's functions run when LOCAL_FUNCTIONS_WORKER is not set: 'inline' (default) in the platform's
   * thread, 'thread' in a worker thread of their own (the CLI's choice: a second core for the app).
   */
  functionsWorker?: 'inline' | 'thread';
}

export interface Platform {
  url: string;
  taskHub: string;
  clock: Clock;
  engine: DurableEngine;
  store: DurableStore;
  registry: FunctionRegistry;
  /** The app settings as the app sees them (local.settings.json, the environment, options, local endpoints). */
  settings: Record<string, string>;
  /** The platform's own settings (the LOCAL_* app settings), validated and typed. */
  platformSettings: PlatformSettings;
  /** The emulated Service Bus namespace (entities from LOCAL_SERVICEBUS_CONFIG). */
  serviceBus: ServiceBusNamespace;
  /** The namespace's connection string (AMQP, `UseDevelopmentEmulator=true`), for `@azure/service-bus`. */
  serviceBusConnectionString: string;
  /** Cosmos DB (when LOCAL_COSMOS_CONFIG is set), the payment gateway and the e-mail service. */
  clouds: LocalClouds;
  /** The AWS mirror's local side (Lambda runtime, Step Functions), when the project has a SAM template. */
  aws: LocalAws | undefined;
  /** Where the app's functions run: in the platform's thread, or in a worker thread of their own. */
  functionsWorker: WorkerPlacement;
  /** The lines `func start` would print: each function and how it is triggered. */
  describeFunctions(): string[];
  /** The durableClient input value, as a function with a durableClient binding receives it. */
  durableClientInput(): Record<string, unknown>;
  /** Resolves once no orchestration episode, activity, timer function or commit is in progress. */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** Trigger types the embedded platform serves; anything else stops start-up with a clear error. */
const SUPPORTED_TRIGGERS = new Set([
  'httptrigger',
  'timertrigger',
  'servicebustrigger',
  'orchestrationtrigger',
  'activitytrigger',
]);

export const SERVICEBUS_PREFIX = '/servicebus';

export class UnsupportedTriggerError extends Error {
  constructor(functions: RegisteredFunction[]) {
    super(
      `The embedded platform cannot serve ${functions.map((f) => `'${f.name}' (${f.trigger.type})`).join(', ')}. ` +
        `It serves ${[...SUPPORTED_TRIGGERS].join(', ')}. Run the app with Azure Functions Core Tools (npm run start:func) for other triggers.`,
    );
    this.name = 'UnsupportedTriggerError';
  }
}

/** The app's `context.log` levels (the worker's RpcLog levels) on the platform's. */
function appLogLevel(level: string): LogLevel {
  if (level === 'error' || level === 'critical') return 'error';
  if (level === 'warning') return 'warn';
  return level === 'debug' || level === 'trace' ? 'debug' : 'info';
}

function hostSetting(hostJson: Record<string, unknown>, ...keys: string[]): unknown {
  let node: unknown = hostJson;
  for (const k of keys) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

/** Waits for `work` at most `ms`; true when the time ran out first. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  try {
    return await Promise.race([work.then(() => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const appRoot = path.resolve(options.appRoot);
  // Settings decide how to log, so what they report waits until the log exists.
  const notices: [LogLevel, string][] = [];
  const app = loadSettings(appRoot, options.settings, (m) => notices.push(['info', m]));
  const settings = app.values;
  const local = readPlatformSettings(app, (m) => notices.push(['warn', m]));
  const platformLog = new PlatformLog(options.log ?? consoleSink(local.logColor), options.logLevel ?? local.logLevel);
  const log = (level: LogLevel, message: string): void => platformLog.write(level, message);
  for (const [level, message] of notices) log(level, message);
  exportToEnvironment(settings);
  const hostJson = readHostJson(appRoot);
  const taskHub = resolveSettingRefs(
    String(hostSetting(hostJson, 'extensions', 'durableTask', 'hubName') ?? 'TestHubName'),
    settings,
    'host.json extensions.durableTask.hubName',
  );
  const routePrefix = String(hostSetting(hostJson, 'extensions', 'http', 'routePrefix') ?? 'api').replace(
    /^\/|\/$/g,
    '',
  );
  // Read before anything starts: a bad value stops start-up with nothing to unwind.
  const httpThrottles = readHostHttpThrottles(hostSetting(hostJson, 'extensions', 'http'));
  const clock =
    options.clock === 'virtual'
      ? new VirtualClock()
      : !options.clock || options.clock === 'real'
        ? new RealClock()
        : options.clock;

  const logging = platformLog.enabled('error');
  const appLog: HostLog = (level, _category, fn, message) =>
    log(appLogLevel(level), fn ? `[${fn}] ${message}` : message);
  const functionsWorker = local.functionsWorker ?? options.functionsWorker ?? 'inline';
  const { registry, invoker, shareEnvironment, stopWorker } = await startLanguageWorker(
    appRoot,
    functionsWorker,
    appLog,
    logging ? executionLog(platformLog) : undefined,
  );
  const unsupported = [...registry.functions.values()].filter(
    (f) => !SUPPORTED_TRIGGERS.has(f.trigger.type.toLowerCase()),
  );
  if (unsupported.length) {
    await stopWorker();
    throw new UnsupportedTriggerError(unsupported);
  }

  const storeSetting = options.store ?? local.durableStore;
  const memoryStore = storeSetting === 'memory' || storeSetting === ':memory:';
  const store = new DurableStore({
    location: memoryStore ? ':memory:' : path.resolve(appRoot, storeSetting),
    synchronous: options.synchronous ?? local.durableSynchronous,
  });
  const engine = new DurableEngine({
    store,
    clock,
    worker: new RegistryDurableWorker(registry, invoker),
    maxConcurrentOrchestrations:
      options.maxConcurrentOrchestrations ??
      local.maxConcurrentOrchestrations ??
      (hostSetting(hostJson, 'extensions', 'durableTask', 'maxConcurrentOrchestratorFunctions') as
        number | undefined) ??
      100,
    maxConcurrentActivities:
      options.maxConcurrentActivities ??
      local.maxConcurrentActivities ??
      (hostSetting(hostJson, 'extensions', 'durableTask', 'maxConcurrentActivityFunctions') as number | undefined) ??
      100,
    limits: {
      maxPayloadBytes: local.durableMaxPayloadBytes,
      maxCustomStatusBytes: local.durableMaxCustomStatusBytes,
      maxHistoryEvents: local.durableMaxHistoryEvents,
      warnHistoryEvents: local.durableWarnHistoryEvents,
    },
    log,
  });

  const systemKey = local.durableSystemKey;
  const durableApi = new DurableHttpApi(engine, { taskHub, systemKey });
  let baseUrl = '';
  const durableClientInput = (origin: string): Record<string, unknown> =>
    durableClientPayload({ origin, taskHub, systemKey });
  const extraInputs = (fn: RegisteredFunction, origin: string): Record<string, RpcTypedData> => {
    const inputs: Record<string, RpcTypedData> = {};
    for (const [name, b] of Object.entries(fn.metadata.bindings)) {
      if (b.direction === 'in' && (b.type === 'durableClient' || b.type === 'orchestrationClient')) {
        inputs[name] = { string: JSON.stringify(durableClientInput(origin)) };
      }
    }
    return inputs;
  };

  // What decides whether accepted work finishes before its deadlines; the intakes (HTTP, Service Bus) consult it.
  const durableBacklog = new DurableBacklogCheck(() => engine.backlog(), {
    maxWaiting: local.durableMaxBacklog,
    maxWaitMs: local.durableMaxBacklogWaitMs,
  });
  let inFlight = 0;
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight++;
    return p.finally(() => inFlight--);
  };
  const timers = buildTimers(registry.byTrigger('timerTrigger'), (text) =>
    resolveSettingRefs(text, settings, 'timer schedule'),
  );
  const timerHost = new TimerHost(
    timers,
    clock,
    (fn, input) => invoker.invoke(fn, { ...input, inputs: extraInputs(fn, baseUrl) }),
    log,
    track,
  );

  // The emulated services' state (payment gateway, e-mail, Service Bus): one file, answered only after commit.
  const servicesDb = new ServiceDatabase({
    location: memoryStore || local.servicesStore === 'memory' ? ':memory:' : path.resolve(appRoot, local.servicesStore),
    synchronous: options.synchronous ?? local.durableSynchronous,
  });
  const serviceBusOptions = { database: servicesDb, log };
  const azureTemplate = loadAppAzureTemplate(appRoot, local.azureTemplate);
  const serviceBus = local.serviceBusConfig
    ? ServiceBusNamespace.fromConfigFile(path.resolve(appRoot, local.serviceBusConfig), clock, serviceBusOptions)
    : declares(azureTemplate, 'Microsoft.ServiceBus/namespaces')
      ? new ServiceBusNamespace(
          parseServiceBusConfig(serviceBusConfigFromTemplate(azureTemplate!), azureTemplate!.source),
          clock,
          serviceBusOptions,
        )
      : new ServiceBusNamespace(
          parseServiceBusConfig(
            { UserConfig: { Namespaces: [{ Name: 'local', Queues: [], Topics: [] }] } },
            'defaults',
          ),
          clock,
          serviceBusOptions,
        );
  const serviceBusTriggers = buildServiceBusTriggers(registry.byTrigger('serviceBusTrigger'), serviceBus, (text) =>
    resolveSettingRefs(text, settings, 'Service Bus trigger'),
  );
  const serviceBusHost = new ServiceBusTriggerHost(
    serviceBusTriggers,
    serviceBus,
    clock,
    (fn, input) => invoker.invoke(fn, { ...input, inputs: extraInputs(fn, baseUrl) }),
    log,
    track,
    {
      maxConcurrentCalls: hostSetting(hostJson, 'extensions', 'serviceBus', 'maxConcurrentCalls') as number | undefined,
      maxMessageBatchSize:
        options.serviceBusMaxMessageBatchSize ??
        (hostSetting(hostJson, 'extensions', 'serviceBus', 'maxMessageBatchSize') as number | undefined),
      maxConcurrentSessions: hostSetting(hostJson, 'extensions', 'serviceBus', 'maxConcurrentSessions') as
        number | undefined,
      health: hostSetting(hostJson, 'concurrency', 'dynamicConcurrencyEnabled') === true ? durableBacklog : undefined,
    },
  );
  const serviceBusApi = new ServiceBusRestApi(serviceBus, { mountPrefix: SERVICEBUS_PREFIX });
  const serviceBusAmqp = new ServiceBusAmqpListener(serviceBus, {
    host: options.host ?? local.httpHost,
    port: options.serviceBusAmqpPort ?? (options.port === 0 ? 0 : local.serviceBusAmqpPort),
    keyName: LOCAL_KEY_NAME,
    key: local.serviceBusKey,
    log,
  });
  let clouds: LocalClouds | undefined;
  let aws: LocalAws | undefined;
  // Start-up failed part-way: stop what did start, in reverse order, so a retry finds ports and files free.
  const unwind = async (): Promise<void> => {
    await aws?.stop();
    await clouds?.stop();
    await serviceBusAmqp.close();
    // The bus writes through to the services database: it stops first, then the database commits what is left.
    serviceBus.close();
    await servicesDb.close();
    await store.close();
    await stopWorker();
  };
  try {
    clouds = await startLocalClouds({
      appRoot,
      local,
      clock,
      log,
      database: servicesDb,
      memoryStore,
      synchronous: options.synchronous ?? local.durableSynchronous,
      azureTemplate,
    });
    aws = startLocalAws({ appRoot, local, settings, clock, memoryStore, database: servicesDb, log });
  } catch (e) {
    await unwind();
    throw e;
  }
  // Past this point the clouds are running (the unwind above covers the partial case).
  const cloudsStarted = clouds;

  const httpHost = new HttpHost({
    host: options.host ?? local.httpHost,
    port: options.port ?? local.httpPort,
    routePrefix,
    routes: buildHttpRoutes(registry.byTrigger('httpTrigger')),
    mounts: [
      { prefix: RPC_BASE, authLevel: 'loopback', handle: (r) => durableApi.handle(r) },
      { prefix: WEBHOOK_BASE, authLevel: 'system', handle: (r) => durableApi.handle(r) },
      { prefix: SERVICEBUS_PREFIX, authLevel: 'loopback', handle: (r) => serviceBusApi.handle(r) },
      ...cloudsStarted.mounts,
      ...(aws?.mounts ?? []),
    ],
    keys: {
      functionKeys: local.functionKey ? [local.functionKey] : [],
      masterKey: local.masterKey,
      systemKey,
    },
    invoker,
    extraInputs,
    maxBodyBytes: local.httpMaxBodyBytes,
    throttle: new HttpThrottle(httpThrottles, [durableBacklog]),
    log,
  });
  try {
    baseUrl = await httpHost.listen();
    await serviceBusAmqp.listen();
  } catch (e) {
    await httpHost.close().catch(() => undefined);
    await unwind();
    throw e;
  }
  cloudsStarted.connect(baseUrl, settings);
  aws?.connect(baseUrl, (name, value) => cloudsStarted.fill(name, value, settings));
  // The app's @azure/service-bus code connects to the local namespace over AMQP unless told otherwise.
  const serviceBusConnectionString = serviceBusAmqp.connectionString();
  cloudsStarted.fill('ServiceBusConnection', serviceBusConnectionString, settings);
  // The durable client rewrites management URLs to localhost:7071 unless the host name is known.
  if (!process.env.WEBSITE_HOSTNAME) process.env.WEBSITE_HOSTNAME = new URL(baseUrl).host;

  shareEnvironment();
  await invoker.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: appRoot });
  const unwatch = logging
    ? [logOrchestrationChanges(engine, platformLog), logServiceBusSetAsides(serviceBus, platformLog)]
    : [];
  engine.start();
  timerHost.start();
  serviceBusHost.start();

  const describeFunctions = (): string[] =>
    [...registry.functions.values()].map((f) => {
      const t = f.trigger.type;
      if (t === 'httpTrigger') {
        const methods = (f.trigger.methods as string[] | undefined)?.join(',') ?? 'ALL';
        return `${f.name}: [${methods}] ${baseUrl}/${routePrefix ? `${routePrefix}/` : ''}${(f.trigger.route as string | undefined) ?? f.name}`;
      }
      if (t === 'timerTrigger') return `${f.name}: timerTrigger (${String(f.trigger.schedule)})`;
      const sb = serviceBusTriggers.find((x) => x.fn === f);
      if (sb) return describeServiceBusTrigger(sb);
      return `${f.name}: ${t}`;
    });

  const whenIdle = async (): Promise<void> => {
    for (;;) {
      await engine.whenIdle();
      const busy = (): number => inFlight + cloudsStarted.inFlight() + (aws?.inFlight() ?? 0);
      if (busy() === 0) {
        await new Promise((r) => setImmediate(r));
        if (busy() === 0 && engine.isIdle()) return;
      } else {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  };

  return {
    get url() {
      return baseUrl;
    },
    taskHub,
    clock,
    engine,
    store,
    registry,
    settings,
    platformSettings: local,
    serviceBus,
    serviceBusConnectionString,
    clouds: cloudsStarted,
    aws,
    functionsWorker,
    describeFunctions,
    durableClientInput: () => durableClientInput(baseUrl),
    whenIdle,
    async stop() {
      // The front door first: HTTP functions answer 503 and no trigger, message, timer or waiting episode or
      // activity starts. What is not started stays in the stores and runs after the next start.
      httpHost.drain();
      for (const off of unwatch) off();
      timerHost.stop();
      const dispatchStopped = Promise.all([serviceBusHost.stop(), engine.stop()]);
      // What is running gets a short grace (the local services stay up for it); past it, the stores close under
      // it, which is what a crash would do, and every store is crash safe: its unacknowledged work runs again.
      const graceOver = await settlesWithin(dispatchStopped, local.stopGraceMs);
      if (graceOver)
        log(
          'warn',
          `Stopping: invocations still running after ${local.stopGraceMs} ms are abandoned; they run again on the next start.`,
        );
      // Like the HTTP listener, the AMQP one served the running invocations' sends until now.
      await serviceBusAmqp.close();
      await httpHost.close();
      await invoker.runHooks('appTerminate', { hookData: {}, appHookData: {} });
      await stopWorker();
      await store.close();
      await aws?.stop();
      await cloudsStarted.stop();
      serviceBus.close();
      await servicesDb.close();
    },
  };
}
