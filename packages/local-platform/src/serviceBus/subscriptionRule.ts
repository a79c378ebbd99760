import { CorrelationFilter, type CorrelationFilterSpec } from './correlationFilter';
import { FALSE_FILTER, RuleFilter, TRUE_FILTER } from './filters';
import { SqlFilter } from './sqlFilter';
import { SqlRuleAction } from './sqlRuleAction';

/** A rule as written (config, template or `ServiceBusRuleManager.createRule`): what is kept and listed. */
export interface RuleSpec {
  name: string;
  filter:
    | { kind: 'true' }
    | { kind: 'false' }
    | { kind: 'sql'; expression: string }
    | { kind: 'correlation'; spec: CorrelationFilterSpec };
  /** A SQL rule action (`SET ...; REMOVE ...`), applied to the subscription's copy of a matched message. */
  action?: string;
}

export interface Rule {
  name: string;
  filter: RuleFilter;
  /** The filter as configured, for listings (`type = 'OrderPlaced'`, `correlation {...}`, `1=1`). */
  description: string;
  spec: RuleSpec;
  action?: SqlRuleAction;
}

/** The default rule a subscription gets when none is configured, as Service Bus creates it. */
export const DEFAULT_RULE: Rule = {
  name: '$Default',
  filter: TRUE_FILTER,
  description: '1=1 (TrueFilter)',
  spec: { name: '$Default', filter: { kind: 'true' } },
};

/**
 * A subscription rule from its written form: SQL filters and actions are parsed here, once, so a bad one is refused
 * when the rule is made (SqlFilterError with the position), never when a message arrives. `1=1` and `1=0` are the
 * True and False filters, as Service Bus stores them.
 */
export function buildRule(spec: RuleSpec): Rule {
  const action = spec.action?.trim() ? SqlRuleAction.parse(spec.action) : undefined;
  const withAction = (rule: Omit<Rule, 'spec' | 'action'>): Rule => ({ ...rule, spec, action });
  const f = spec.filter;
  if (f.kind === 'true') return withAction({ name: spec.name, filter: TRUE_FILTER, description: '1=1 (TrueFilter)' });
  if (f.kind === 'false')
    return withAction({ name: spec.name, filter: FALSE_FILTER, description: '1=0 (FalseFilter)' });
  if (f.kind === 'correlation')
    return withAction({
      name: spec.name,
      filter: new CorrelationFilter(f.spec),
      description: `correlation ${JSON.stringify({
        ...f.spec.system,
        ...(Object.keys(f.spec.properties).length ? { Properties: f.spec.properties } : {}),
      })}`,
    });
  const compact = f.expression.replace(/\s+/g, '');
  if (compact === '1=1') return buildRule({ ...spec, filter: { kind: 'true' } });
  if (compact === '1=0') return buildRule({ ...spec, filter: { kind: 'false' } });
  return withAction({ name: spec.name, filter: SqlFilter.parse(f.expression), description: f.expression });
}
