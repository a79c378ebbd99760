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
import { loadApp } from './functionsHost/appLoader';
import type { RpcTypedData } from './functionsHost/coreApi';
import { buildHttpRoutes } from './functionsHost/httpTriggers';
import { HttpHost } from './functionsHost/httpServer';
import { FunctionInvoker } from './functionsHost/invoker';
import type { FunctionRegistry, RegisteredFunction } from './functionsHost/registry';
import {
  buildServiceBusTriggers,
  describeServiceBusTrigger,
  ServiceBusTriggerHost,
} from './functionsHost/serviceBusTriggers';
import { buildTimers, TimerHost } from './functionsHost/timerTriggers';
import { LocalClouds, startLocalClouds } from './localClouds';
import { parseServiceBusConfig, ServiceBusNamespace, ServiceBusRestApi } from './serviceBus';
import { LocalAws, startLocalAws } from './localAws';
import { intSetting, loadSettings, readHostJson, resolveSettingRefs } from './settings';

export type LogLevel = 'info' | 'warn' | 'error';

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
  /** Overrides host.json extensions.serviceBus.maxMessageBatchSize (benchmarks compare batch sizes). */
  serviceBusMaxMessageBatchSize?: number;
  log?: (level: LogLevel, message: string) => void;
}

export interface Platform {
  url: string;
  taskHub: string;
  clock: Clock;
  engine: DurableEngine;
  store: DurableStore;
  registry: FunctionRegistry;
  settings: Record<string, string>;
  /** The emulated Service Bus namespace (entities from LOCAL_SERVICEBUS_CONFIG). */
  serviceBus: ServiceBusNamespace;
  /** Cosmos DB (when LOCAL_COSMOS_CONFIG is set), the payment gateway and the e-mail service. */
  clouds: LocalClouds;
  /** The AWS mirror's local side (Lambda runtime, Step Functions), when the project has a SAM template. */
  aws: LocalAws | undefined;
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

function hostSetting(hostJson: Record<string, unknown>, ...keys: string[]): unknown {
  let node: unknown = hostJson;
  for (const k of keys) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const appRoot = path.resolve(options.appRoot);
  const log =
    options.log ?? ((level: LogLevel, message: string) => (level === 'info' ? console.log : console.error)(message));
  const settings = loadSettings(appRoot, options.settings, (m) => log('info', m));
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
  const clock =
    options.clock === 'virtual'
      ? new VirtualClock()
      : !options.clock || options.clock === 'real'
        ? new RealClock()
        : options.clock;

  const registry = await loadApp(appRoot);
  const unsupported = [...registry.functions.values()].filter(
    (f) => !SUPPORTED_TRIGGERS.has(f.trigger.type.toLowerCase()),
  );
  if (unsupported.length) throw new UnsupportedTriggerError(unsupported);
  registry.logSink = (level, _category, message) =>
    log(level === 'error' || level === 'critical' ? 'error' : level === 'warning' ? 'warn' : 'info', message);

  const invoker = new FunctionInvoker(registry, (level, _category, fn, message) => {
    if (level === 'debug' || level === 'trace') return;
    log(
      level === 'error' || level === 'critical' ? 'error' : level === 'warning' ? 'warn' : 'info',
      `[${fn}] ${message}`,
    );
  });

  const storeSetting = options.store ?? settings.LOCAL_DURABLE_STORE ?? '.local/durable.sqlite';
  const store = new DurableStore({
    location:
      storeSetting === 'memory' || storeSetting === ':memory:' ? ':memory:' : path.resolve(appRoot, storeSetting),
    synchronous:
      options.synchronous ??
      ((settings.LOCAL_DURABLE_SYNCHRONOUS as 'NORMAL' | 'FULL' | 'OFF' | undefined) || 'NORMAL'),
  });
  const engine = new DurableEngine({
    store,
    clock,
    worker: new RegistryDurableWorker(registry, invoker),
    maxConcurrentOrchestrations:
      options.maxConcurrentOrchestrations ??
      intSetting(settings, 'LOCAL_MAX_CONCURRENT_ORCHESTRATIONS') ??
      (hostSetting(hostJson, 'extensions', 'durableTask', 'maxConcurrentOrchestratorFunctions') as
        number | undefined) ??
      100,
    maxConcurrentActivities:
      options.maxConcurrentActivities ??
      intSetting(settings, 'LOCAL_MAX_CONCURRENT_ACTIVITIES') ??
      (hostSetting(hostJson, 'extensions', 'durableTask', 'maxConcurrentActivityFunctions') as number | undefined) ??
      100,
    limits: {
      maxPayloadBytes: intSetting(settings, 'LOCAL_DURABLE_MAX_PAYLOAD_BYTES'),
      maxCustomStatusBytes: intSetting(settings, 'LOCAL_DURABLE_MAX_CUSTOM_STATUS_BYTES'),
      maxHistoryEvents: intSetting(settings, 'LOCAL_DURABLE_MAX_HISTORY_EVENTS'),
      warnHistoryEvents: intSetting(settings, 'LOCAL_DURABLE_WARN_HISTORY_EVENTS'),
    },
    log,
  });

  const systemKey = settings.LOCAL_DURABLE_SYSTEM_KEY || undefined;
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

  const serviceBus = settings.LOCAL_SERVICEBUS_CONFIG
    ? ServiceBusNamespace.fromConfigFile(path.resolve(appRoot, settings.LOCAL_SERVICEBUS_CONFIG), clock)
    : new ServiceBusNamespace(
        parseServiceBusConfig({ UserConfig: { Namespaces: [{ Name: 'local', Queues: [], Topics: [] }] } }, 'defaults'),
        clock,
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
    },
  );
  const serviceBusApi = new ServiceBusRestApi(serviceBus, { mountPrefix: SERVICEBUS_PREFIX });
  let clouds: LocalClouds;
  try {
    clouds = await startLocalClouds(appRoot, settings, clock, log);
  } catch (e) {
    serviceBus.close();
    await store.close();
    throw e;
  }

  let aws: LocalAws | undefined;
  try {
    aws = startLocalAws(appRoot, settings, clock, storeSetting === 'memory' || storeSetting === ':memory:', log);
  } catch (e) {
    await clouds.stop();
    serviceBus.close();
    await store.close();
    throw e;
  }

  const httpHost = new HttpHost({
    host: options.host ?? settings.LOCAL_HTTP_HOST ?? '127.0.0.1',
    port: options.port ?? intSetting(settings, 'LOCAL_HTTP_PORT') ?? 7071,
    routePrefix,
    routes: buildHttpRoutes(registry.byTrigger('httpTrigger')),
    mounts: [
      { prefix: RPC_BASE, authLevel: 'loopback', handle: (r) => durableApi.handle(r) },
      { prefix: WEBHOOK_BASE, authLevel: 'system', handle: (r) => durableApi.handle(r) },
      { prefix: SERVICEBUS_PREFIX, authLevel: 'loopback', handle: (r) => serviceBusApi.handle(r) },
      ...clouds.mounts,
      ...(aws?.mounts ?? []),
    ],
    keys: {
      functionKeys: [settings.LOCAL_FUNCTION_KEY].filter((k): k is string => !!k),
      masterKey: settings.LOCAL_MASTER_KEY || undefined,
      systemKey,
    },
    invoker,
    extraInputs,
    maxBodyBytes: intSetting(settings, 'LOCAL_HTTP_MAX_BODY_BYTES') ?? 100 * 1024 * 1024,
    log,
  });
  try {
    baseUrl = await httpHost.listen();
  } catch (e) {
    await aws?.stop();
    await clouds.stop();
    serviceBus.close();
    await store.close();
    throw e;
  }
  clouds.connect(baseUrl, settings);
  aws?.connect(baseUrl, (name, value) => clouds.fill(name, value, settings));
  // The app's Service Bus sender speaks the REST protocol to the emulation unless told otherwise.
  if (!settings.ServiceBusConnection)
    clouds.fill('SERVICEBUS_REST_ENDPOINT', `${baseUrl}${SERVICEBUS_PREFIX}`, settings);
  // The durable client rewrites management URLs to localhost:7071 unless the host name is known.
  if (!process.env.WEBSITE_HOSTNAME) process.env.WEBSITE_HOSTNAME = new URL(baseUrl).host;

  await invoker.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: appRoot });
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
      const busy = (): number => inFlight + clouds.inFlight() + (aws?.inFlight() ?? 0);
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
    serviceBus,
    clouds,
    aws,
    describeFunctions,
    durableClientInput: () => durableClientInput(baseUrl),
    whenIdle,
    async stop() {
      timerHost.stop();
      await serviceBusHost.stop();
      await httpHost.close();
      await engine.stop();
      await invoker.runHooks('appTerminate', { hookData: {}, appHookData: {} });
      await store.close();
      serviceBus.close();
      await aws?.stop();
      await clouds.stop();
    },
  };
}
