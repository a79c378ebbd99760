import { types } from 'rhea';
import type { CorrelationField, CorrelationFilterSpec } from '../correlationFilter';
import type { RuleSpec } from '../subscriptionRule';
import type { SqlValue } from '../sqlAst';
import { AmqpRequestError, CONDITIONS } from './amqpErrors';

/** The AMQP descriptors of Service Bus's rule descriptions (as `@azure/core-amqp` names them). */
const DESCRIPTOR = {
  rule: 1335734829060,
  sqlFilter: 83483426822,
  trueFilter: 83483426823,
  falseFilter: 83483426824,
  correlationFilter: 83483426825,
  emptyAction: 1335734829061,
  sqlAction: 1335734829062,
} as const;

/** The SQL compatibility level Service Bus reports with SQL filters and actions. */
const COMPATIBILITY_LEVEL = 20;

/** Correlation filter fields in the order of the described list, with the request map's key for each. */
const CORRELATION_ORDER: [CorrelationField, string][] = [
  ['CorrelationId', 'correlation-id'],
  ['MessageId', 'message-id'],
  ['To', 'to'],
  ['ReplyTo', 'reply-to'],
  ['Label', 'label'],
  ['SessionId', 'session-id'],
  ['ReplyToSessionId', 'reply-to-session-id'],
  ['ContentType', 'content-type'],
];

const described = (code: number, items: unknown[]): unknown =>
  types.described(types.wrap_ulong(code), types.wrap_list(items));

const optionalString = (value: string | undefined): unknown => (value === undefined ? null : types.wrap_string(value));

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || !value.trim())
    throw new AmqpRequestError(CONDITIONS.argument, `${where} must be a non-empty string.`);
  return value;
}

/**
 * A `com.microsoft:add-rule` request's `rule-name` and `rule-description` (a map with `sql-filter` or
 * `correlation-filter`, and optionally `sql-rule-action`) as a rule spec.
 */
export function ruleSpecFromRequest(body: Record<string, unknown>): RuleSpec {
  const name = text(body['rule-name'], "'rule-name'");
  const description = body['rule-description'];
  if (typeof description !== 'object' || description === null)
    throw new AmqpRequestError(CONDITIONS.argument, "The request lacks 'rule-description' (a map).");
  const d = description as Record<string, Record<string, unknown> | null | undefined>;
  const actionExpression = d['sql-rule-action']?.expression;
  const action =
    actionExpression === undefined || actionExpression === null
      ? undefined
      : text(actionExpression, "'sql-rule-action' expression");
  if (d['sql-filter'])
    return {
      name,
      filter: { kind: 'sql', expression: text(d['sql-filter'].expression, "'sql-filter' expression") },
      action,
    };
  const correlation = d['correlation-filter'];
  if (!correlation)
    throw new AmqpRequestError(
      CONDITIONS.argument,
      "A 'rule-description' needs a 'sql-filter' or a 'correlation-filter'.",
    );
  const spec: CorrelationFilterSpec = { system: {}, properties: {} };
  for (const [field, key] of CORRELATION_ORDER) {
    const value = correlation[key];
    if (value !== undefined && value !== null) spec.system[field] = String(value);
  }
  const props = correlation.properties;
  if (props && typeof props === 'object')
    for (const [k, v] of Object.entries(props as Record<string, unknown>))
      spec.properties[k] = typeof v === 'bigint' ? Number(v) : (v as SqlValue);
  if (!Object.keys(spec.system).length && !Object.keys(spec.properties).length)
    throw new AmqpRequestError(CONDITIONS.argument, 'A correlation filter must name at least one field or property.');
  return { name, filter: { kind: 'correlation', spec }, action };
}

/** A rule as `com.microsoft:enumerate-rules` answers it: a described rule description (filter, action, name). */
export function ruleDescription(spec: RuleSpec): unknown {
  const f = spec.filter;
  const filter =
    f.kind === 'true'
      ? described(DESCRIPTOR.trueFilter, [])
      : f.kind === 'false'
        ? described(DESCRIPTOR.falseFilter, [])
        : f.kind === 'sql'
          ? described(DESCRIPTOR.sqlFilter, [types.wrap_string(f.expression), types.wrap_int(COMPATIBILITY_LEVEL)])
          : described(DESCRIPTOR.correlationFilter, [
              ...CORRELATION_ORDER.map(([field]) =>
                optionalString(f.spec.system[field] ?? (field === 'Label' ? f.spec.system.Subject : undefined)),
              ),
              types.wrap_map(f.spec.properties),
            ]);
  const action = spec.action
    ? described(DESCRIPTOR.sqlAction, [types.wrap_string(spec.action), types.wrap_int(COMPATIBILITY_LEVEL)])
    : described(DESCRIPTOR.emptyAction, []);
  return { 'rule-description': described(DESCRIPTOR.rule, [filter, action, types.wrap_string(spec.name)]) };
}
