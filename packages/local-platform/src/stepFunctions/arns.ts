import { InvalidArn, InvalidName, validationError } from './errors';
import { MAX_NAME_LENGTH } from './limits';

export interface ArnScope {
  region: string;
  accountId: string;
}

export function stateMachineArn(scope: ArnScope, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;
}

export function executionArn(scope: ArnScope, machineName: string, executionName: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${machineName}:${executionName}`;
}

/** Whitespace, wildcards, brackets, the listed specials and control characters, as the AWS quotas page lists. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** State machine and execution names: 1–80 characters, none of AWS's forbidden characters. */
export function checkName(name: string, field: string, what: string): void {
  // AWS reports the length as a model constraint (ValidationException) and the characters as InvalidName.
  if (name.length < 1) throw validationError(field, 'Member must have length greater than or equal to 1', name);
  if ([...name].length > MAX_NAME_LENGTH)
    throw validationError(field, `Member must have length less than or equal to ${MAX_NAME_LENGTH}`, name);
  const bad = FORBIDDEN.exec(name);
  if (bad)
    throw new InvalidName(
      `Invalid Name: '${name}'. ${what} names may not contain whitespace, ? * < > { } [ ] " # % \\ ^ | ~ \` $ & , ; : / ` +
        `or control characters (found ${JSON.stringify(bad[0])} at position ${bad.index}).`,
    );
}

export function parseStateMachineArn(arn: string, scope: ArnScope): string {
  const m = /^arn:aws:states:([^:]+):([^:]+):stateMachine:([^:]+)$/.exec(arn);
  if (!m) throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  if (m[1] !== scope.region || m[2] !== scope.accountId)
    throw new InvalidArn(
      `Invalid Arn: '${arn}' is not in this endpoint's region and account (${scope.region}, ${scope.accountId}).`,
    );
  return m[3];
}

export function checkExecutionArn(arn: string): void {
  if (!/^arn:aws:states:[^:]+:[^:]+:execution:[^:]+:[^:]+$/.test(arn))
    throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}
