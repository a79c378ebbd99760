import { createHash } from 'node:crypto';
import { RuntimeValue } from './runtimeValue';

/** What the functions may ask of the deployment being evaluated. */
export interface FunctionScope {
  parameter(name: string): unknown;
  variable(name: string): unknown;
  copyIndex(loop?: string): number;
  subscriptionId: string;
  tenantId: string;
  resourceGroup: { name: string; location: string };
  /** Told about every resource id an expression builds or references, so a validator can resolve them. */
  observe?: { resourceId(id: string): void; reference(target: string): void };
}

export class TemplateFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateFunctionError';
  }
}

type TemplateFunction = (scope: FunctionScope, args: unknown[]) => unknown;

const text = (v: unknown, fn: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof RuntimeValue) return String(v);
  throw new TemplateFunctionError(`${fn}() expects a string; got ${JSON.stringify(v)}.`);
};

/** 13 lower-case base-32 characters from a hash, as long as ARM's; the same inputs give the same string. */
function uniqueString(parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  for (let i = 0; out.length < 13; i++) out += alphabet[digest[i] % 32];
  return out;
}

function deterministicGuid(parts: string[]): string {
  const h = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `/providers/A.B/t1/n1/t2/n2` from a type `A.B/t1/t2` and its names. */
export function providerPath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (types.length !== names.length)
    throw new TemplateFunctionError(
      `the type ${type} needs ${types.length} name segment(s); got ${names.length} (${names.join(', ')}).`,
    );
  return `/providers/${namespace}${types.map((t, i) => `/${t}/${names[i]}`).join('')}`;
}

function resourceId(scope: FunctionScope, args: unknown[]): string {
  const values = args.map((a) => text(a, 'resourceId'));
  const typeAt = values.findIndex((v) => /^[A-Za-z0-9]+\.[A-Za-z0-9.]+\/.+/.test(v));
  if (typeAt < 0) throw new TemplateFunctionError(`resourceId() needs a resource type such as 'Microsoft.Web/sites'.`);
  const prefix = values.slice(0, typeAt);
  const subscription = prefix.length === 2 ? prefix[0] : scope.subscriptionId;
  const group = prefix.length >= 1 ? prefix[prefix.length - 1] : scope.resourceGroup.name;
  const id = `/subscriptions/${subscription}/resourceGroups/${group}${providerPath(values[typeAt], values.slice(typeAt + 1))}`;
  scope.observe?.resourceId(id);
  return id;
}

function format(template: string, args: unknown[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)(:[^}]*)?\}/g, (m, n: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (spec) throw new TemplateFunctionError(`format() specifiers such as "${m}" are not supported locally.`);
    const i = Number(n);
    if (i >= args.length) throw new TemplateFunctionError(`format() has no argument {${i}} for "${template}".`);
    return text(args[i], 'format');
  });
}

const lengthOf = (v: unknown): number => {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new TemplateFunctionError(`length() expects a string, array or object; got ${JSON.stringify(v)}.`);
};

/** The functions the local platform evaluates as ARM does; anything else is refused by name. */
export const TEMPLATE_FUNCTIONS: Record<string, TemplateFunction> = {
  parameters: (s, [name]) => s.parameter(text(name, 'parameters')),
  variables: (s, [name]) => s.variable(text(name, 'variables')),
  copyIndex: (s, args) => {
    const loop = typeof args[0] === 'string' ? args[0] : undefined;
    const offset = typeof args[0] === 'number' ? args[0] : typeof args[1] === 'number' ? args[1] : 0;
    return s.copyIndex(loop) + offset;
  },
  concat: (_s, args) => (args.every(Array.isArray) ? args.flat() : args.map((a) => text(a, 'concat')).join('')),
  format: (_s, [template, ...args]) => format(text(template, 'format'), args),
  toLower: (_s, [v]) => text(v, 'toLower').toLowerCase(),
  toUpper: (_s, [v]) => text(v, 'toUpper').toUpperCase(),
  take: (_s, [v, n]) => (Array.isArray(v) ? v.slice(0, Number(n)) : text(v, 'take').slice(0, Number(n))),
  length: (_s, [v]) => lengthOf(v),
  empty: (_s, [v]) => v === null || v === undefined || lengthOf(v) === 0,
  contains: (_s, [container, item]) =>
    typeof container === 'string'
      ? container.toLowerCase().includes(text(item, 'contains').toLowerCase())
      : Array.isArray(container)
        ? container.includes(item)
        : Object.keys(container ?? {}).some((k) => k.toLowerCase() === text(item, 'contains').toLowerCase()),
  equals: (_s, [a, b]) => JSON.stringify(a) === JSON.stringify(b),
  and: (_s, args) => args.every((a) => a === true),
  or: (_s, args) => args.some((a) => a === true),
  not: (_s, [a]) => a !== true,
  true: () => true,
  false: () => false,
  json: (_s, [v]) => JSON.parse(text(v, 'json')),
  string: (_s, [v]) => (typeof v === 'string' ? v : JSON.stringify(v)),
  int: (_s, [v]) => Math.trunc(Number(v)),
  bool: (_s, [v]) => v === true || String(v).toLowerCase() === 'true',
  createArray: (_s, args) => args,
  createObject: (_s, args) =>
    Object.fromEntries(args.flatMap((a, i) => (i % 2 ? [] : [[text(a, 'createObject'), args[i + 1]]]))),
  uniqueString: (_s, args) => uniqueString(args.map((a) => text(a, 'uniqueString'))),
  guid: (_s, args) => deterministicGuid(args.map((a) => text(a, 'guid'))),
  subscription: (s) => ({
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: 'local',
  }),
  resourceGroup: (s) => ({
    id: `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup.name}`,
    name: s.resourceGroup.name,
    location: s.resourceGroup.location,
    properties: {},
  }),
  resourceId,
  subscriptionResourceId: (s, args) => {
    const values = args.map((a) => text(a, 'subscriptionResourceId'));
    return `/subscriptions/${s.subscriptionId}${providerPath(values[0], values.slice(1))}`;
  },
  reference: (s, [target]) => {
    const id = text(target, 'reference');
    s.observe?.reference(id);
    return new RuntimeValue(`reference(${id})`);
  },
  listKeys: (s, [target]) => {
    const id = text(target, 'listKeys');
    s.observe?.reference(id);
    return new RuntimeValue(`listKeys(${id})`);
  },
};
