import { DEFAULT_LIMITS } from '../durable/limits';
import type { AppSettings } from './appSettings';
import { SettingsError } from './errors';
import { choice, filePath, integer, secret, type SettingKind, storeLocation, text, webhookPaths } from './settingKinds';

/** One platform setting: the app setting it is read from, what it takes, its default and what it does. */
export interface SettingSpec<T, Optional extends boolean = boolean> {
  name: string;
  kind: SettingKind<T>;
  /** Used when the setting is absent or empty (and `fallback` is too). */
  default: Optional extends true ? undefined : T;
  /** The README's default column when the default is not one value (e.g. taken from host.json). */
  defaultText?: string;
  /** Another app setting whose value is used when this one is empty (the app's own key, say). */
  fallback?: string;
  meaning: string;
  optional: Optional;
}

const withDefault = <T>(
  name: string,
  kind: SettingKind<T>,
  value: T,
  meaning: string,
  extra: { fallback?: string; defaultText?: string } = {},
): SettingSpec<T, false> => ({ name, kind, default: value, meaning, optional: false, ...extra });

const optional = <T>(name: string, kind: SettingKind<T>, whenEmpty: string, meaning: string): SettingSpec<T, true> => ({
  name,
  kind,
  default: undefined,
  defaultText: whenEmpty,
  meaning,
  optional: true,
});

/**
 * Every setting of the platform, in one place: read once at start-up from the app settings (local.settings.json
 * `Values`, then the environment), validated, and handed to the parts as typed values. The README's settings table
 * is generated from this list (`settingsTable`), and a test keeps the two equal.
 */
export const PLATFORM_SETTINGS = {
  httpHost: withDefault('LOCAL_HTTP_HOST', text, '127.0.0.1', 'Address the HTTP host listens on.'),
  httpPort: withDefault(
    'LOCAL_HTTP_PORT',
    integer(0, 65_535),
    7071,
    'Port of the HTTP host: functions, Durable HTTP API and the local clouds. 0 picks a free port.',
  ),
  httpMaxBodyBytes: withDefault(
    'LOCAL_HTTP_MAX_BODY_BYTES',
    integer(1),
    100 * 1024 * 1024,
    'Largest request body; larger requests get 413 (the Functions host allows 100 MB).',
  ),
  functionKey: optional(
    'LOCAL_FUNCTION_KEY',
    secret,
    'none: `function` triggers are open',
    'Key for HTTP triggers with authLevel `function` (`?code=` or `x-functions-key`).',
  ),
  masterKey: optional(
    'LOCAL_MASTER_KEY',
    secret,
    'none: `admin` triggers are open',
    'Key for authLevel `admin` triggers; also accepted wherever a function key is.',
  ),
  durableSystemKey: optional(
    'LOCAL_DURABLE_SYSTEM_KEY',
    secret,
    'none: the Durable webhooks are open',
    'Key of the Durable HTTP API under `/runtime/webhooks/durabletask` (the management URLs carry it).',
  ),
  durableStore: withDefault(
    'LOCAL_DURABLE_STORE',
    storeLocation,
    '.local/durable.sqlite',
    'Where the durable engine keeps instances and history; `memory` keeps nothing on disk.',
  ),
  durableSynchronous: withDefault(
    'LOCAL_DURABLE_SYNCHRONOUS',
    choice('OFF', 'NORMAL', 'FULL'),
    'NORMAL',
    "SQLite's `synchronous` for the durable store: FULL survives power loss, NORMAL a process crash.",
  ),
  maxConcurrentOrchestrations: optional(
    'LOCAL_MAX_CONCURRENT_ORCHESTRATIONS',
    integer(1),
    'host.json `maxConcurrentOrchestratorFunctions`, else 100',
    'Orchestrator episodes running at once.',
  ),
  maxConcurrentActivities: optional(
    'LOCAL_MAX_CONCURRENT_ACTIVITIES',
    integer(1),
    'host.json `maxConcurrentActivityFunctions`, else 100',
    'Activities running at once.',
  ),
  durableMaxBacklog: withDefault(
    'LOCAL_DURABLE_MAX_BACKLOG',
    integer(1),
    1000,
    'Durable episodes and activities waiting for a slot at which (with host.json `dynamicThrottlesEnabled`) HTTP functions but GET/HEAD/OPTIONS answer 429.',
  ),
  durableMaxBacklogWaitMs: withDefault(
    'LOCAL_DURABLE_MAX_BACKLOG_WAIT_MS',
    integer(1),
    5000,
    'The same, by how long the oldest of them has waited (ms); keep it well below the shortest activity deadline.',
  ),
  durableMaxPayloadBytes: withDefault(
    'LOCAL_DURABLE_MAX_PAYLOAD_BYTES',
    integer(1),
    DEFAULT_LIMITS.maxPayloadBytes,
    'Largest orchestration input/output, activity input/result or event data; larger fails the instance (413 at the HTTP API).',
  ),
  durableMaxCustomStatusBytes: withDefault(
    'LOCAL_DURABLE_MAX_CUSTOM_STATUS_BYTES',
    integer(1),
    DEFAULT_LIMITS.maxCustomStatusBytes,
    'Largest custom status (Azure allows 16 KB).',
  ),
  durableMaxHistoryEvents: withDefault(
    'LOCAL_DURABLE_MAX_HISTORY_EVENTS',
    integer(1),
    DEFAULT_LIMITS.maxHistoryEvents,
    "History length at which an instance fails (Step Functions' 25,000 events).",
  ),
  durableWarnHistoryEvents: optional(
    'LOCAL_DURABLE_WARN_HISTORY_EVENTS',
    integer(1),
    '80% of `LOCAL_DURABLE_MAX_HISTORY_EVENTS`',
    'History length at which a warning is logged.',
  ),
  serviceBusConfig: optional(
    'LOCAL_SERVICEBUS_CONFIG',
    filePath,
    'none: a namespace with no entities',
    "The local Service Bus's queues, topics, subscriptions and rules, in the official emulator's `Config.json` format.",
  ),
  serviceBusAmqpPort: withDefault(
    'LOCAL_SERVICEBUS_AMQP_PORT',
    integer(0, 65_535),
    5672,
    'Port of the local Service Bus over AMQP 1.0 (plain TCP, what `@azure/service-bus` speaks); 0 picks a free port, as it does whenever the HTTP port is 0.',
  ),
  serviceBusKey: withDefault(
    'LOCAL_SERVICEBUS_KEY',
    secret,
    'SAS_KEY_VALUE',
    "The local Service Bus's shared access key (key name `RootManageSharedAccessKey`); the printed connection string carries it.",
  ),
  cosmosConfig: optional(
    'LOCAL_COSMOS_CONFIG',
    filePath,
    'none: no local Cosmos DB',
    'Databases, containers and seed documents of the local Cosmos DB.',
  ),
  azureTemplate: optional(
    'LOCAL_AZURE_TEMPLATE',
    filePath,
    '`infra/azure/azuredeploy.json` when it exists, else none',
    'ARM template whose Service Bus namespace (queues, topics, subscriptions, rules) and Cosmos DB databases and containers the local clouds create, with the `.parameters.json` beside it. `LOCAL_SERVICEBUS_CONFIG`, when set, wins for Service Bus; `LOCAL_COSMOS_CONFIG` then only adds seed documents to containers the template declares.',
  ),
  awsTemplate: optional(
    'LOCAL_AWS_TEMPLATE',
    filePath,
    '`infra/aws/template.yaml` when it exists, else no local AWS',
    'SAM template whose Lambda functions, state machines and EventBridge resources run locally.',
  ),
  servicesStore: withDefault(
    'LOCAL_SERVICES_STORE',
    storeLocation,
    '.local/services.sqlite',
    'Where the payment gateway, the e-mail service, the Service Bus and the local EventBridge keep their state; `memory` whenever the durable store is `memory`.',
  ),
  cosmosStore: withDefault(
    'LOCAL_COSMOS_STORE',
    storeLocation,
    '.local/cosmos.sqlite',
    'Where the local Cosmos DB keeps its databases, containers and documents; `memory` whenever the durable store is `memory`.',
  ),
  stepFunctionsStore: withDefault(
    'LOCAL_STEPFUNCTIONS_STORE',
    storeLocation,
    '.local/stepfunctions.sqlite',
    'Where the local Step Functions keeps executions; `memory` whenever the durable store is `memory`.',
  ),
  paymentGatewayApiKey: withDefault(
    'LOCAL_PAYMENT_GATEWAY_API_KEY',
    secret,
    'local-gateway-key',
    'Bearer key the local payment gateway expects; the app must send the same.',
    { fallback: 'PAYMENT_GATEWAY_API_KEY', defaultText: '`PAYMENT_GATEWAY_API_KEY`, else a local placeholder' },
  ),
  paymentWebhookSecret: withDefault(
    'LOCAL_PAYMENT_WEBHOOK_SECRET',
    secret,
    'local-webhook-secret',
    "Key the local gateway signs its webhooks with (HMAC-SHA256); the app's must match.",
    { fallback: 'PAYMENT_WEBHOOK_SECRET', defaultText: '`PAYMENT_WEBHOOK_SECRET`, else a local placeholder' },
  ),
  paymentWebhookPaths: withDefault(
    'LOCAL_PAYMENT_WEBHOOK_PATH',
    webhookPaths,
    [{ path: '/api/payments/webhook' }],
    'Where on this platform the local gateway sends its webhooks; several paths register several endpoints. `key=value` after a path: that endpoint gets only the events of charges whose metadata has that value.',
  ),
  paymentConfirmDelayMs: withDefault(
    'LOCAL_PAYMENT_CONFIRM_DELAY_MS',
    integer(0),
    2000,
    'Time from a charge to its confirmation webhook, in ms.',
  ),
  paymentLatencyMs: withDefault(
    'LOCAL_PAYMENT_LATENCY_MS',
    integer(0),
    0,
    'Added latency of every payment gateway call, in ms.',
  ),
  paymentSlowMs: withDefault(
    'LOCAL_PAYMENT_SLOW_MS',
    integer(0),
    30_000,
    'Delay of the answers the `pm_card_slow_<N>` test cards slow down, in ms.',
  ),
  functionsWorker: optional(
    'LOCAL_FUNCTIONS_WORKER',
    choice('thread', 'inline'),
    '`thread` under `local-platform` (`npm start`), `inline` when a program calls `startPlatform`',
    "Where the app's functions run: `thread` in a worker thread of their own (the app's SDKs and code on a second core, as the Functions host runs its language worker in another process), `inline` in the host's thread (tests can reach the app's modules).",
  ),
  stopGraceMs: withDefault(
    'LOCAL_STOP_GRACE_MS',
    integer(0),
    3000,
    'On stop (SIGTERM, Ctrl+C): how long running invocations may finish, in ms; what is still running then runs again on the next start.',
  ),
  logLevel: withDefault(
    'LOCAL_LOG_LEVEL',
    choice('debug', 'info', 'warn', 'error', 'silent'),
    'info',
    'Least severe log line printed: `info` shows every execution, `warn` only problems, `silent` nothing.',
  ),
  logColor: withDefault(
    'LOCAL_LOG_COLOR',
    choice('auto', 'always', 'never'),
    'auto',
    'Colours in the log: `auto` uses them on a terminal unless `NO_COLOR` is set.',
  ),
};

type Specs = typeof PLATFORM_SETTINGS;

/** The platform's settings, typed and validated. */
export type PlatformSettings = {
  readonly [K in keyof Specs]: Specs[K] extends SettingSpec<infer T, infer O>
    ? O extends true
      ? T | undefined
      : T
    : never;
};

export type PlatformSettingName = Specs[keyof Specs]['name'];

const levenshtein = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
};

/**
 * Reads every platform setting from the app settings. A value that is not allowed stops start-up with one error
 * naming each bad setting, its value, where it came from and what it allows. `notice` hears about LOCAL_* names
 * that are no setting (a typo silently leaving the default in place is worse than a line in the log).
 */
export function readPlatformSettings(
  app: AppSettings,
  notice: (message: string) => void = () => undefined,
): PlatformSettings {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(PLATFORM_SETTINGS) as [string, SettingSpec<unknown>][]) {
    let name = spec.name;
    let raw = app.values[name];
    if (!raw?.trim() && spec.fallback && app.values[spec.fallback]?.trim()) {
      name = spec.fallback;
      raw = app.values[name];
    }
    if (raw === undefined || !raw.trim()) {
      out[key] = spec.default;
      continue;
    }
    const value = spec.kind.parse(raw);
    if (value === undefined) {
      const shown = spec.kind === secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(
        `${name}=${shown} (from ${app.sourceOf[name] ?? 'the app settings'}) is not allowed: it must be ${spec.kind.allowed}. ` +
          `${name}: ${spec.meaning}`,
      );
    } else out[key] = value;
  }
  if (problems.length) {
    throw new SettingsError(
      `The local platform cannot start: ${problems.length === 1 ? 'a setting is' : `${problems.length} settings are`} not valid.\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix them in local.settings.json (Values) or the environment; the settings table is in the platform README.',
    );
  }
  const known = Object.values(PLATFORM_SETTINGS).map((s) => s.name as string);
  for (const name of Object.keys(app.values)) {
    if (!name.startsWith('LOCAL_') || known.includes(name)) continue;
    const closest = known.map((k) => [k, levenshtein(name, k)] as const).sort((a, b) => a[1] - b[1])[0];
    notice(
      `${name} is not a setting of the local platform${closest && closest[1] <= 3 ? `; did you mean ${closest[0]}?` : '.'}`,
    );
  }
  return out as PlatformSettings;
}
