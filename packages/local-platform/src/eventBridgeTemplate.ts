import type { LocalEventBridge } from './eventBridge';
import { IntrinsicResolver, SamTemplate, TemplatePropertyError, type LocalStackContext } from './lambda';
import { isMap } from './lambda/samTemplate';
import { resolveDynamicSecrets } from './templateSecrets';

/** What the template asked for, as installed: for the start-up banner and tests. */
export interface InstalledEventBridgeResources {
  buses: string[];
  rules: string[];
  apiDestinations: string[];
  archives: string[];
}

/**
 * Installs a SAM template's EventBridge resources on the local EventBridge, the way a deployment would create
 * them: buses, connections, API destinations, rules with their targets (including the `EventBridgeRule` events of
 * functions, as the SAM translator expands them), and archives. Queues and roles get local ARNs only: the local
 * EventBridge keeps dead-lettered events itself and checks no permissions.
 *
 * Secrets Manager dynamic references (`{{resolve:secretsmanager:<secret>:SecretString:<KEY>}}`) resolve to the
 * local setting `<KEY>`, so a connection's API key is the same value the app checks, and never sits in the
 * template. `parameterOverrides` win over the template's defaults, as `sam deploy --parameter-overrides` does.
 */
export function installEventBridgeResources(
  template: SamTemplate,
  eventBridge: LocalEventBridge,
  context: LocalStackContext,
  settings: Record<string, string>,
): InstalledEventBridgeResources {
  const values: Record<string, string> = { ...(context.resourceValues ?? {}) };
  const resolver = new IntrinsicResolver(template, { ...context, resourceValues: values });
  const arn = (service: string, resource: string): string =>
    `arn:${resolver.partition}:${service}:${context.region}:${context.accountId}:${resource}`;
  const installed: InstalledEventBridgeResources = { buses: [], rules: [], apiDestinations: [], archives: [] };

  const secrets = (value: unknown, location: string): unknown =>
    resolveDynamicSecrets(value, location, settings, template.path);
  const properties = (logicalId: string, raw: Record<string, unknown>): Record<string, unknown> => {
    const location = `Resources.${logicalId}.Properties`;
    return secrets(resolver.resolve(raw, location), location) as Record<string, unknown>;
  };
  const resources = [...template.resources.values()].filter((r) => resolver.isCreated(r.logicalId));
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  // Physical values other resources refer to. Names default to the logical id (CloudFormation would add a suffix).
  for (const r of ofType('AWS::SQS::Queue')) {
    const name = typeof r.properties.QueueName === 'string' ? r.properties.QueueName : r.logicalId;
    values[`${r.logicalId}.Arn`] = arn('sqs', name);
    values[`${r.logicalId}.QueueName`] = name;
    values[r.logicalId] = `https://sqs.${context.region}.amazonaws.com/${context.accountId}/${name}`;
  }
  for (const r of ofType('AWS::IAM::Role'))
    values[`${r.logicalId}.Arn`] = `arn:aws:iam::${context.accountId}:role/${r.logicalId}`;

  for (const r of ofType('AWS::Events::EventBus')) {
    const name = String(properties(r.logicalId, r.properties).Name ?? r.logicalId);
    const out = eventBridge.createEventBus({ Name: name });
    values[r.logicalId] = name;
    values[`${r.logicalId}.Arn`] = out.EventBusArn!;
    values[`${r.logicalId}.Name`] = name;
    installed.buses.push(name);
  }
  for (const r of ofType('AWS::Events::Connection')) {
    const p = properties(r.logicalId, r.properties);
    const name = String(p.Name ?? r.logicalId);
    const out = eventBridge.createConnection({ ...p, Name: name });
    values[r.logicalId] = name;
    values[`${r.logicalId}.Arn`] = out.ConnectionArn!;
  }
  for (const r of ofType('AWS::Events::ApiDestination')) {
    const p = properties(r.logicalId, r.properties);
    const name = String(p.Name ?? r.logicalId);
    const out = eventBridge.createApiDestination({ ...p, Name: name });
    values[r.logicalId] = name;
    values[`${r.logicalId}.Arn`] = out.ApiDestinationArn!;
    installed.apiDestinations.push(`${name} → ${String(p.InvocationEndpoint)}`);
  }

  const putRule = (name: string, bus: unknown, p: Record<string, unknown>, targets: Record<string, unknown>[]) => {
    const out = eventBridge.putRule({
      Name: name,
      EventBusName: bus === undefined ? undefined : String(bus),
      EventPattern: p.EventPattern as string | object,
      Description: p.Description === undefined ? undefined : String(p.Description),
      State: p.State === undefined ? undefined : String(p.State),
    });
    if (targets.length) {
      const result = eventBridge.putTargets({
        Rule: name,
        EventBusName: bus === undefined ? undefined : String(bus),
        Targets: targets,
      });
      if (result.FailedEntryCount)
        throw new TemplatePropertyError(
          `Rule ${name}: targets were refused: ${JSON.stringify(result.FailedEntries)}.`,
          `rule ${name}`,
          template.path,
        );
    }
    installed.rules.push(name);
    return out.RuleArn!;
  };
  for (const r of ofType('AWS::Events::Rule')) {
    const p = properties(r.logicalId, r.properties);
    if (p.EventPattern === undefined) continue; // scheduled rules are not run locally
    const name = String(p.Name ?? r.logicalId);
    // Targets refer to the rule's own ARN only through policies, so the rule can be created with them at once.
    values[`${r.logicalId}.Arn`] = putRule(name, p.EventBusName, p, (p.Targets as Record<string, unknown>[]) ?? []);
    values[r.logicalId] = name;
  }
  // SAM expands a function's EventBridgeRule event into a rule targeting the function (and an SQS queue when
  // DeadLetterConfig has Type: SQS).
  for (const fn of template.functions()) {
    if (!resolver.isCreated(fn.logicalId) || !isMap(fn.properties.Events)) continue;
    for (const [eventId, event] of Object.entries(fn.properties.Events)) {
      if (!isMap(event) || event.Type !== 'EventBridgeRule') continue;
      const location = `Resources.${fn.logicalId}.Properties.Events.${eventId}.Properties`;
      const p = secrets(resolver.resolve(event.Properties ?? {}, location), location) as Record<string, unknown>;
      const name = String(p.RuleName ?? `${fn.logicalId}${eventId}`);
      const target: Record<string, unknown> = {
        Id: String(isMap(p.Target) && p.Target.Id ? p.Target.Id : `${fn.logicalId}${eventId}LambdaTarget`),
        Arn: resolver.functionArn(fn.name),
      };
      for (const key of ['Input', 'InputPath', 'InputTransformer', 'RetryPolicy'] as const)
        if (p[key] !== undefined) target[key] = p[key];
      if (isMap(p.DeadLetterConfig)) {
        const dlq = p.DeadLetterConfig;
        target.DeadLetterConfig = {
          Arn: dlq.Arn ?? arn('sqs', String(dlq.QueueLogicalId ?? `${fn.logicalId}${eventId}Queue`)),
        };
      }
      putRule(name, p.EventBusName, { EventPattern: p.Pattern, State: p.State }, [target]);
    }
  }
  for (const r of ofType('AWS::Events::Archive')) {
    const p = properties(r.logicalId, r.properties);
    const name = String(p.ArchiveName ?? r.logicalId);
    eventBridge.createArchive({ ...p, ArchiveName: name });
    installed.archives.push(name);
  }
  return installed;
}
