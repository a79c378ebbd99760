import { invalidParameter, validationError } from './errors';
import { memberPath } from './jsonProtocol';
import { NAME_RULES, NamedResource } from './limits';

export interface ArnScope {
  region: string;
  accountId: string;
}

function eventsArn(scope: ArnScope, resource: string): string {
  return `arn:aws:events:${scope.region}:${scope.accountId}:${resource}`;
}

export const busArn = (scope: ArnScope, name: string): string => eventsArn(scope, `event-bus/${name}`);

/** Rules on the default bus have no bus segment in their ARN; rules on other buses do. */
export const ruleArn = (scope: ArnScope, bus: string, name: string): string =>
  eventsArn(scope, bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);

export const connectionArn = (scope: ArnScope, name: string, id: string): string =>
  eventsArn(scope, `connection/${name}/${id}`);

export const apiDestinationArn = (scope: ArnScope, name: string, id: string): string =>
  eventsArn(scope, `api-destination/${name}/${id}`);

export const archiveArn = (scope: ArnScope, name: string): string => eventsArn(scope, `archive/${name}`);

export const replayArn = (scope: ArnScope, name: string): string => eventsArn(scope, `replay/${name}`);

/** Where EventBridge keeps a connection's credentials (a Secrets Manager secret it manages). */
export const connectionSecretArn = (scope: ArnScope, name: string, id: string): string =>
  `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:events!connection/${name}/${id}`;

/** Checks a resource name against the API model's length and character constraints. */
export function checkName(kind: NamedResource, field: string, name: string): void {
  const rule = NAME_RULES[kind];
  const path = memberPath(field);
  if (name.length < 1) throw validationError(path, 'Member must have length greater than or equal to 1', name);
  if (name.length > rule.max)
    throw validationError(path, `Member must have length less than or equal to ${rule.max}`, name);
  if (!rule.pattern.test(name))
    throw validationError(path, `Member must satisfy regular expression pattern: ${rule.text}`, name);
}

const BUS_ARN = /^arn:aws[a-z-]*:events:([^:]+):(\d{12}):event-bus\/(.+)$/;

/**
 * `EventBusName` members accept a name or an event bus ARN; absent means the default bus. An ARN of another
 * region or account is refused: this endpoint emulates one account in one region.
 */
export function busNameOf(scope: ArnScope, value: string | undefined, field = 'EventBusName'): string {
  if (value === undefined || value === '') return 'default';
  const m = BUS_ARN.exec(value);
  if (!m) {
    if (value.startsWith('arn:')) throw invalidParameter(field, `'${value}' is not an event bus ARN.`);
    return value;
  }
  if (m[1] !== scope.region || m[2] !== scope.accountId)
    throw invalidParameter(
      field,
      `'${value}' names an event bus in another region or account; this local endpoint emulates ${scope.accountId} in ${scope.region}.`,
    );
  return m[3];
}

/** The bus name in an event bus ARN, or undefined when `arn` is not one of this scope's bus ARNs. */
export function busNameFromArn(scope: ArnScope, arn: string): string | undefined {
  const m = BUS_ARN.exec(arn);
  return m && m[1] === scope.region && m[2] === scope.accountId ? m[3] : undefined;
}

/** `{bus, name}` of a rule ARN of this scope (default-bus ARNs have no bus segment). */
export function parseRuleArn(scope: ArnScope, arn: string): { bus: string; name: string } | undefined {
  const prefix = eventsArn(scope, 'rule/');
  if (!arn.startsWith(prefix)) return undefined;
  const rest = arn.slice(prefix.length);
  const slash = rest.lastIndexOf('/');
  return slash < 0 ? { bus: 'default', name: rest } : { bus: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

export function archiveNameFromArn(scope: ArnScope, arn: string): string | undefined {
  const prefix = eventsArn(scope, 'archive/');
  return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
}

export type TargetKind = 'apiDestination' | 'stateMachine' | 'lambda' | 'eventBus' | 'firehose' | 'unsupported';

/** What a target ARN points at, which decides how a delivery is made. */
export function targetKind(arn: string): TargetKind {
  if (/^arn:aws[a-z-]*:events:[^:]+:\d{12}:api-destination\/[^/]+\/[^/]+$/.test(arn)) return 'apiDestination';
  if (/^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(arn)) return 'stateMachine';
  if (/^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(arn)) return 'lambda';
  if (BUS_ARN.test(arn)) return 'eventBus';
  if (/^arn:aws[a-z-]*:firehose:[^:]+:\d{12}:deliverystream\/[^/]+$/.test(arn)) return 'firehose';
  return 'unsupported';
}

export function isArn(text: string): boolean {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:[^:]*:[^:]*:.+$/.test(text);
}

export function isSqsQueueArn(text: string): boolean {
  return /^arn:aws[a-z-]*:sqs:[^:]+:\d{12}:[A-Za-z0-9_-]{1,80}$/.test(text);
}
