import * as fs from 'node:fs';
import { CORRELATION_FIELDS, CorrelationField, CorrelationFilterSpec } from './correlationFilter';
import { formatIsoDuration, parseIsoDuration } from './duration';
import { ServiceBusConfigError, SqlFilterError } from './errors';
import type { SqlValue } from './sqlAst';
import { buildRule, DEFAULT_RULE, Rule, RuleSpec } from './subscriptionRule';

/**
 * Entities of the local namespace, read from a file in the official Service Bus emulator's Config.json format
 * (`{ "UserConfig": { "Namespaces": [ { "Name", "Queues": [...], "Topics": [...] } ], "Logging": {...} } }`), so
 * one file serves both. Defaults are Azure's, not the emulator's (whose TTL cap is one hour).
 */

export interface ReceiverSettings {
  maxDeliveryCount: number;
  lockDurationMs: number;
  /** Infinity when messages never expire. */
  defaultMessageTimeToLiveMs: number;
  deadLetteringOnMessageExpiration: boolean;
  forwardTo?: string;
  forwardDeadLetteredMessagesTo?: string;
  /** Messages carry a SessionId and are received through session locks, each session in order. */
  requiresSession: boolean;
}

export interface DuplicateDetectionSettings {
  requiresDuplicateDetection: boolean;
  duplicateDetectionWindowMs: number;
}

export interface QueueConfig extends ReceiverSettings, DuplicateDetectionSettings {
  name: string;
}

export interface SubscriptionConfig extends ReceiverSettings {
  name: string;
  rules: Rule[];
}

export interface TopicConfig extends DuplicateDetectionSettings {
  name: string;
  defaultMessageTimeToLiveMs: number;
  subscriptions: SubscriptionConfig[];
}

export interface ServiceBusConfig {
  /** The file it came from (or the label given to parseServiceBusConfig), for error messages. */
  source: string;
  namespace: string;
  queues: QueueConfig[];
  topics: TopicConfig[];
}

export const DEFAULTS = {
  maxDeliveryCount: 10,
  lockDurationMs: 60_000,
  defaultMessageTimeToLiveMs: Infinity,
  duplicateDetectionWindowMs: 10 * 60_000,
};

const MAX_LOCK_MS = 5 * 60_000;
const MIN_DUP_WINDOW_MS = 20_000;
const MAX_DUP_WINDOW_MS = 7 * 86_400_000;
const QUEUE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._\-/]{0,258}[A-Za-z0-9_])?$/;
const SUBSCRIPTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9_])?$/;

/** Properties the emulator or ARM templates may carry that change nothing locally; accepted and ignored. */
const IGNORED = [
  'MaxSizeInMegabytes',
  'EnablePartitioning',
  'EnableBatchedOperations',
  'AutoDeleteOnIdle',
  'Status',
  'UserMetadata',
  'SupportOrdering',
  'DeadLetteringOnFilterEvaluationExceptions',
  'EnableExpress',
  'MaxMessageSizeInKilobytes',
];

const QUEUE_KEYS = [
  'MaxDeliveryCount',
  'LockDuration',
  'DefaultMessageTimeToLive',
  'DeadLetteringOnMessageExpiration',
  'RequiresDuplicateDetection',
  'DuplicateDetectionHistoryTimeWindow',
  'RequiresSession',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
];
const TOPIC_KEYS = ['DefaultMessageTimeToLive', 'DuplicateDetectionHistoryTimeWindow', 'RequiresDuplicateDetection'];
const SUBSCRIPTION_KEYS = [
  'MaxDeliveryCount',
  'LockDuration',
  'DefaultMessageTimeToLive',
  'DeadLetteringOnMessageExpiration',
  'RequiresSession',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
];

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

class ConfigReader {
  constructor(readonly source: string) {}

  fail(where: string, detail: string): never {
    throw new ServiceBusConfigError(this.source, where, detail);
  }

  object(value: unknown, where: string, example: string): Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      this.fail(where, `must be a JSON object, e.g. ${example}; found ${JSON.stringify(value) ?? 'nothing'}.`);
    return value as Record<string, unknown>;
  }

  array(value: unknown, where: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(where, `must be a JSON array; found ${JSON.stringify(value)}.`);
    return value;
  }

  /** Returns the object's values under their canonical key names; unknown keys fail with a suggestion. */
  keys(obj: Record<string, unknown>, known: string[], where: string, ignored: string[] = []): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [key, value] of Object.entries(obj)) {
      const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase());
      if (canonical) out.set(canonical, value);
      else if (!ignored.some((k) => k.toLowerCase() === key.toLowerCase())) {
        const closest = [...known].sort((a, b) => distance(key, a) - distance(key, b))[0];
        this.fail(
          `${where}.${key}`,
          `is not a known setting${closest && distance(key, closest) <= 3 ? `; did you mean "${closest}"?` : '.'} ` +
            `Known: ${known.join(', ')}.`,
        );
      }
    }
    return out;
  }

  int(value: unknown, where: string, fallback: number, min: number, max: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      this.fail(where, `must be a whole number from ${min} to ${max}; found ${JSON.stringify(value)}.`);
    return value;
  }

  bool(value: unknown, where: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(where, `must be true or false; found ${JSON.stringify(value)}.`);
    return value;
  }

  optionalName(value: unknown, where: string): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') this.fail(where, `must be an entity name (string); found ${JSON.stringify(value)}.`);
    return value;
  }

  duration(value: unknown, where: string, fallback: number, min: number, max: number): number {
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value !== 'string')
      this.fail(where, `must be an ISO-8601 duration string such as "PT1M"; found ${JSON.stringify(value)}.`);
    const parsed = parseIsoDuration(value);
    if ('error' in parsed) this.fail(where, parsed.error);
    if (parsed.ms < min || parsed.ms > max)
      this.fail(
        where,
        `is ${value} but must be between ${formatIsoDuration(min)} and ${formatIsoDuration(max)} in Service Bus.`,
      );
    return parsed.ms;
  }

  name(value: unknown, where: string, pattern: RegExp, what: string, maxLength: number): string {
    if (typeof value !== 'string' || !value)
      this.fail(where, `needs a "Name" (string); found ${JSON.stringify(value) ?? 'nothing'}.`);
    if (!pattern.test(value))
      this.fail(
        where,
        `"${value}" is not a valid ${what} name: use 1-${maxLength} letters, digits, '.', '-', '_'${what === 'subscription' ? '' : " or '/'"}, starting with a letter or digit.`,
      );
    return value;
  }
}

function receiverSettings(r: ConfigReader, props: Map<string, unknown>, where: string): ReceiverSettings {
  return {
    requiresSession: r.bool(props.get('RequiresSession'), `${where}.RequiresSession`),
    maxDeliveryCount: r.int(
      props.get('MaxDeliveryCount'),
      `${where}.MaxDeliveryCount`,
      DEFAULTS.maxDeliveryCount,
      1,
      2_000_000_000,
    ),
    lockDurationMs: r.duration(
      props.get('LockDuration'),
      `${where}.LockDuration`,
      DEFAULTS.lockDurationMs,
      1000,
      MAX_LOCK_MS,
    ),
    defaultMessageTimeToLiveMs: r.duration(
      props.get('DefaultMessageTimeToLive'),
      `${where}.DefaultMessageTimeToLive`,
      DEFAULTS.defaultMessageTimeToLiveMs,
      1000,
      Infinity,
    ),
    deadLetteringOnMessageExpiration: r.bool(
      props.get('DeadLetteringOnMessageExpiration'),
      `${where}.DeadLetteringOnMessageExpiration`,
    ),
    forwardTo: r.optionalName(props.get('ForwardTo'), `${where}.ForwardTo`),
    forwardDeadLetteredMessagesTo: r.optionalName(
      props.get('ForwardDeadLetteredMessagesTo'),
      `${where}.ForwardDeadLetteredMessagesTo`,
    ),
  };
}

function duplicateSettings(r: ConfigReader, props: Map<string, unknown>, where: string): DuplicateDetectionSettings {
  return {
    requiresDuplicateDetection: r.bool(props.get('RequiresDuplicateDetection'), `${where}.RequiresDuplicateDetection`),
    duplicateDetectionWindowMs: r.duration(
      props.get('DuplicateDetectionHistoryTimeWindow'),
      `${where}.DuplicateDetectionHistoryTimeWindow`,
      DEFAULTS.duplicateDetectionWindowMs,
      MIN_DUP_WINDOW_MS,
      MAX_DUP_WINDOW_MS,
    ),
  };
}

function correlationFilter(r: ConfigReader, value: unknown, where: string): CorrelationFilterSpec {
  const obj = r.object(value, where, '{ "Label": "OrderPlaced", "Properties": { "type": "OrderPlaced" } }');
  const fields = r.keys(obj, [...Object.keys(CORRELATION_FIELDS), 'Properties'], where);
  const system: Partial<Record<CorrelationField, string>> = {};
  for (const [key, v] of fields) {
    if (key === 'Properties') continue;
    // The emulator's sample config lists every field with "" for "not used".
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') r.fail(`${where}.${key}`, `must be a string; found ${JSON.stringify(v)}.`);
    system[key as CorrelationField] = v;
  }
  const properties: Record<string, SqlValue> = {};
  const rawProps = fields.get('Properties');
  if (rawProps !== undefined && rawProps !== null) {
    const p = r.object(rawProps, `${where}.Properties`, '{ "type": "OrderPlaced" }');
    for (const [name, v] of Object.entries(p)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        r.fail(`${where}.Properties.${name}`, `must be a string, number or boolean; found ${JSON.stringify(v)}.`);
      properties[name] = v;
    }
  }
  if (Object.keys(system).length === 0 && Object.keys(properties).length === 0)
    r.fail(
      where,
      'names no field to match; set at least one (e.g. "Label" or "Properties"), or drop the rule to receive everything.',
    );
  return { system, properties };
}

function rule(r: ConfigReader, raw: unknown, where: string): Rule {
  const obj = r.object(
    raw,
    where,
    '{ "Name": "orders", "Properties": { "FilterType": "Sql", "SqlFilter": { "SqlExpression": "type = \'OrderPlaced\'" } } }',
  );
  const top = r.keys(obj, ['Name', 'Properties'], where);
  const name = top.get('Name');
  if (typeof name !== 'string' || !name)
    r.fail(where, `needs a "Name" (string); found ${JSON.stringify(name) ?? 'nothing'}.`);
  const at = `${where} '${name}'`;
  const props = r.keys(
    r.object(
      top.get('Properties'),
      `${at}.Properties`,
      '{ "FilterType": "Sql", "SqlFilter": { "SqlExpression": "1=1" } }',
    ),
    ['FilterType', 'CorrelationFilter', 'SqlFilter', 'Action'],
    `${at}.Properties`,
  );
  const action = props.get('Action');
  let actionExpression: string | undefined;
  if (action !== undefined && action !== null) {
    const expr = r
      .keys(
        r.object(action, `${at}.Properties.Action`, '{ "SqlExpression": "SET sys.Label = \'audit\'" }'),
        ['SqlExpression'],
        `${at}.Properties.Action`,
      )
      .get('SqlExpression');
    if (expr !== undefined && expr !== null && typeof expr !== 'string')
      r.fail(`${at}.Properties.Action.SqlExpression`, `must be a string; found ${JSON.stringify(expr)}.`);
    actionExpression = typeof expr === 'string' && expr.trim() ? expr : undefined;
  }
  let type = props.get('FilterType');
  if (type === undefined)
    type = props.has('CorrelationFilter') ? 'Correlation' : props.has('SqlFilter') ? 'Sql' : undefined;
  const kind = typeof type === 'string' ? type.toLowerCase() : undefined;
  let filter: RuleSpec['filter'];
  if (kind === 'correlation') {
    filter = {
      kind: 'correlation',
      spec: correlationFilter(r, props.get('CorrelationFilter'), `${at}.Properties.CorrelationFilter`),
    };
  } else if (kind === 'sql') {
    const sqlWhere = `${at}.Properties.SqlFilter`;
    const sql = r.keys(
      r.object(props.get('SqlFilter'), sqlWhere, '{ "SqlExpression": "type = \'OrderPlaced\'" }'),
      ['SqlExpression'],
      sqlWhere,
    );
    const expression = sql.get('SqlExpression');
    if (typeof expression !== 'string' || !expression.trim())
      r.fail(
        `${sqlWhere}.SqlExpression`,
        `must be a non-empty SQL condition such as "type = 'OrderPlaced'" (or "1=1" for everything).`,
      );
    filter = { kind: 'sql', expression: expression as string };
  } else {
    return r.fail(
      `${at}.Properties.FilterType`,
      `must be "Correlation" or "Sql"; found ${JSON.stringify(type) ?? 'nothing'}.`,
    );
  }
  try {
    return buildRule({ name: name as string, filter, action: actionExpression });
  } catch (e) {
    if (!(e instanceof SqlFilterError)) throw e;
    const failedAction = actionExpression !== undefined && e.expression === actionExpression;
    return r.fail(
      failedAction ? `${at}.Properties.Action.SqlExpression` : `${at}.Properties.SqlFilter.SqlExpression`,
      e.message,
    );
  }
}

function uniqueNames(r: ConfigReader, names: { name: string; where: string }[], what: string): void {
  const seen = new Map<string, string>();
  for (const { name, where } of names) {
    const prev = seen.get(name.toLowerCase());
    if (prev !== undefined)
      r.fail(where, `duplicates the ${what} name "${prev}" (names are case-insensitive); rename or remove one.`);
    seen.set(name.toLowerCase(), name);
  }
}

function subscription(r: ConfigReader, raw: unknown, where: string): SubscriptionConfig {
  const obj = r.object(raw, where, '{ "Name": "audit", "Properties": {}, "Rules": [] }');
  const top = r.keys(obj, ['Name', 'Properties', 'Rules'], where);
  const name = r.name(top.get('Name'), where, SUBSCRIPTION_NAME, 'subscription', 50);
  const at = `${where} '${name}'`;
  const propsRaw = top.get('Properties') ?? {};
  const props = r.keys(
    r.object(propsRaw, `${at}.Properties`, '{ "MaxDeliveryCount": 10 }'),
    SUBSCRIPTION_KEYS,
    `${at}.Properties`,
    IGNORED,
  );
  const rules = r.array(top.get('Rules'), `${at}.Rules`).map((x, i) => rule(r, x, `${at}.Rules[${i}]`));
  uniqueNames(
    r,
    rules.map((x, i) => ({ name: x.name, where: `${at}.Rules[${i}]` })),
    'rule',
  );
  return {
    name,
    ...receiverSettings(r, props, `${at}.Properties`),
    rules: rules.length ? rules : [DEFAULT_RULE],
  };
}

/** Parses emulator-format JSON (already read) into the namespace's entities; `source` names it in errors. */
export function parseServiceBusConfig(json: unknown, source: string): ServiceBusConfig {
  const r: ConfigReader = new ConfigReader(source);
  const root = r.object(
    json,
    '(root)',
    '{ "UserConfig": { "Namespaces": [ { "Name": "sbemulatorns", "Queues": [], "Topics": [] } ] } }',
  );
  const userConfig = Object.entries(root).find(([k]) => k.toLowerCase() === 'userconfig')?.[1] ?? root;
  const user = r.keys(
    r.object(userConfig, 'UserConfig', '{ "Namespaces": [] }'),
    ['Namespaces', 'Logging'],
    'UserConfig',
  );
  const namespaces = r.array(user.get('Namespaces'), 'UserConfig.Namespaces');
  if (namespaces.length !== 1)
    r.fail(
      'UserConfig.Namespaces',
      `must hold exactly one namespace (as the emulator does); found ${namespaces.length}. Put all queues and topics in one namespace.`,
    );
  const nsWhere = 'UserConfig.Namespaces[0]';
  const ns = r.keys(
    r.object(namespaces[0], nsWhere, '{ "Name": "sbemulatorns", "Queues": [], "Topics": [] }'),
    ['Name', 'Queues', 'Topics'],
    nsWhere,
  );
  const nsName = ns.get('Name') ?? 'sbemulatorns';
  if (typeof nsName !== 'string' || !nsName)
    r.fail(`${nsWhere}.Name`, `must be a string; found ${JSON.stringify(nsName)}.`);

  const queues = r.array(ns.get('Queues'), `${nsWhere}.Queues`).map((raw, i): QueueConfig => {
    const where = `Queues[${i}]`;
    const top = r.keys(r.object(raw, where, '{ "Name": "orders", "Properties": {} }'), ['Name', 'Properties'], where);
    const name = r.name(top.get('Name'), where, QUEUE_NAME, 'queue', 260);
    const at = `${where} '${name}'`;
    const props = r.keys(
      r.object(top.get('Properties') ?? {}, `${at}.Properties`, '{ "MaxDeliveryCount": 10 }'),
      QUEUE_KEYS,
      `${at}.Properties`,
      IGNORED,
    );
    return {
      name,
      ...receiverSettings(r, props, `${at}.Properties`),
      ...duplicateSettings(r, props, `${at}.Properties`),
    };
  });

  const topics = r.array(ns.get('Topics'), `${nsWhere}.Topics`).map((raw, i): TopicConfig => {
    const where = `Topics[${i}]`;
    const top = r.keys(
      r.object(raw, where, '{ "Name": "events", "Properties": {}, "Subscriptions": [] }'),
      ['Name', 'Properties', 'Subscriptions'],
      where,
    );
    const name = r.name(top.get('Name'), where, QUEUE_NAME, 'topic', 260);
    const at = `${where} '${name}'`;
    const props = r.keys(
      r.object(top.get('Properties') ?? {}, `${at}.Properties`, '{ "RequiresDuplicateDetection": true }'),
      TOPIC_KEYS,
      `${at}.Properties`,
      IGNORED,
    );
    const subscriptions = r
      .array(top.get('Subscriptions'), `${at}.Subscriptions`)
      .map((s, j) => subscription(r, s, `${at}.Subscriptions[${j}]`));
    uniqueNames(
      r,
      subscriptions.map((s, j) => ({ name: s.name, where: `${at}.Subscriptions[${j}]` })),
      'subscription',
    );
    return {
      name,
      defaultMessageTimeToLiveMs: r.duration(
        props.get('DefaultMessageTimeToLive'),
        `${at}.Properties.DefaultMessageTimeToLive`,
        Infinity,
        1000,
        Infinity,
      ),
      ...duplicateSettings(r, props, `${at}.Properties`),
      subscriptions,
    };
  });

  uniqueNames(
    r,
    [
      ...queues.map((q, i) => ({ name: q.name, where: `Queues[${i}]` })),
      ...topics.map((t, i) => ({ name: t.name, where: `Topics[${i}]` })),
    ],
    'queue/topic',
  );
  const targets = new Map([...queues, ...topics].map((e) => [e.name.toLowerCase(), e.name]));
  const checkForward = (from: string, settings: ReceiverSettings, where: string): void => {
    for (const key of ['forwardTo', 'forwardDeadLetteredMessagesTo'] as const) {
      const target = settings[key];
      if (target === undefined) continue;
      const prop = key === 'forwardTo' ? 'ForwardTo' : 'ForwardDeadLetteredMessagesTo';
      if (!targets.has(target.toLowerCase()))
        r.fail(
          `${where}.Properties.${prop}`,
          `names "${target}", which is not a queue or topic of this namespace. Known: ${[...targets.values()].join(', ') || '(none)'}.`,
        );
      if (target.toLowerCase() === from.toLowerCase())
        r.fail(
          `${where}.Properties.${prop}`,
          `forwards "${from}" to itself; name another queue or topic, or remove it.`,
        );
      settings[key] = targets.get(target.toLowerCase());
    }
  };
  queues.forEach((q, i) => checkForward(q.name, q, `Queues[${i}] '${q.name}'`));
  topics.forEach((t, i) =>
    t.subscriptions.forEach((s, j) =>
      checkForward(`${t.name}/Subscriptions/${s.name}`, s, `Topics[${i}] '${t.name}'.Subscriptions[${j}] '${s.name}'`),
    ),
  );
  return { source, namespace: nsName, queues, topics };
}

/** Reads and parses a config file; every problem is a ServiceBusConfigError naming the file. */
export function loadServiceBusConfig(file: string): ServiceBusConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ServiceBusConfigError(
      file,
      '(file)',
      code === 'ENOENT'
        ? 'does not exist. Create it in the Service Bus emulator Config.json format ({ "UserConfig": { "Namespaces": [ { "Name": "sbemulatorns", "Queues": [], "Topics": [] } ] } }).'
        : `cannot be read: ${(e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ServiceBusConfigError(file, '(file)', `is not valid JSON: ${(e as Error).message}`);
  }
  return parseServiceBusConfig(json, file);
}
