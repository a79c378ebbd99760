import type { ArmDeployment, ArmResource } from './armTemplate';
import { ArmTemplateError } from './errors';
import { RuntimeValue } from './runtimeValue';

const NAMESPACE = 'Microsoft.ServiceBus/namespaces';
const lastSegment = (r: ArmResource) => r.name.split('/').at(-1)!;
const parentName = (r: ArmResource, depth: number) => r.name.split('/').slice(0, depth).join('/');

/** ARM's camelCase properties as the emulator's PascalCase ones, refusing values only a deployment knows. */
function pascal(value: unknown, resource: ArmResource, where: string, source: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (v instanceof RuntimeValue)
      throw new ArmTemplateError(
        source,
        `${resource.where}.${where}.${k}`,
        `is ${String(v)}, which only a deployment knows.`,
      );
    out[k[0].toUpperCase() + k.slice(1)] = v;
  }
  return out;
}

function ruleConfig(rule: ArmResource, deployment: ArmDeployment) {
  const props = (rule.evaluate(rule.definition.properties ?? {}, 'properties') ?? {}) as Record<string, unknown>;
  const filterType = String(props.filterType ?? (props.correlationFilter ? 'CorrelationFilter' : 'SqlFilter'));
  const sql = props.sqlFilter as { sqlExpression?: unknown } | undefined;
  const correlation = props.correlationFilter as Record<string, unknown> | undefined;
  const action = props.action as { sqlExpression?: unknown } | undefined;
  if (!/^(Sql|Correlation)Filter$/.test(filterType))
    throw new ArmTemplateError(
      deployment.source,
      `${rule.where}.properties.filterType`,
      `must be "SqlFilter" or "CorrelationFilter"; found "${filterType}".`,
    );
  return {
    Name: lastSegment(rule),
    Properties: {
      FilterType: filterType === 'SqlFilter' ? 'Sql' : 'Correlation',
      ...(filterType === 'SqlFilter' ? { SqlFilter: { SqlExpression: sql?.sqlExpression } } : {}),
      ...(filterType === 'CorrelationFilter'
        ? { CorrelationFilter: pascal(correlation, rule, 'properties.correlationFilter', deployment.source) }
        : {}),
      ...(action?.sqlExpression !== undefined ? { Action: { SqlExpression: action.sqlExpression } } : {}),
    },
  };
}

/**
 * The Service Bus namespace the template deploys, as the official emulator's `Config.json` (which
 * `parseServiceBusConfig` validates): its queues, topics, subscriptions and rules with their settings.
 */
export function serviceBusConfigFromTemplate(deployment: ArmDeployment): unknown {
  const deployed = deployment.resources.filter((r) => r.deployed && r.type.startsWith(NAMESPACE));
  const namespaces = deployed.filter((r) => r.type === NAMESPACE);
  if (namespaces.length !== 1)
    throw new ArmTemplateError(
      deployment.source,
      'resources',
      `the local Service Bus takes exactly one ${NAMESPACE} from the template; found ${namespaces.length}.`,
    );
  const of = (type: string) => deployed.filter((r) => r.type === `${NAMESPACE}/${type}`);
  const properties = (r: ArmResource) =>
    pascal(r.evaluate(r.definition.properties ?? {}, 'properties'), r, 'properties', deployment.source);
  const rules = of('topics/subscriptions/rules');
  const subscriptions = of('topics/subscriptions');
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: namespaces[0].name,
          Queues: of('queues').map((q) => ({ Name: lastSegment(q), Properties: properties(q) })),
          Topics: of('topics').map((t) => ({
            Name: lastSegment(t),
            Properties: properties(t),
            Subscriptions: subscriptions
              .filter((s) => parentName(s, 2) === t.name)
              .map((s) => ({
                Name: lastSegment(s),
                Properties: properties(s),
                Rules: rules.filter((r) => parentName(r, 3) === s.name).map((r) => ruleConfig(r, deployment)),
              })),
          })),
        },
      ],
    },
  };
}
