import { CorrelationFilter } from './correlationFilter';
import { FALSE_FILTER, Rule, RuleSpec, TRUE_FILTER } from './filters';
import { SqlFilter } from './sqlFilter';
import { SqlRuleAction } from './sqlRuleAction';

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
      description: `correlation ${JSON.stringify({ ...f.spec.system, properties: f.spec.properties })}`,
    });
  const compact = f.expression.replace(/\s+/g, '');
  if (compact === '1=1') return buildRule({ ...spec, filter: { kind: 'true' } });
  if (compact === '1=0') return buildRule({ ...spec, filter: { kind: 'false' } });
  return withAction({ name: spec.name, filter: SqlFilter.parse(f.expression), description: f.expression });
}
