import { isArn, isSqsQueueArn, targetKind } from './arns';
import { validationError } from './errors';
import { inputConfigProblem, TargetInputConfig } from './inputTransformer';
import {
  Body,
  memberPath,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  optionalStringMap,
  requireString,
} from './jsonProtocol';
import {
  DEFAULT_MAX_EVENT_AGE_SECONDS,
  DEFAULT_MAX_RETRY_ATTEMPTS,
  MAX_INPUT_LENGTH,
  MAX_INPUT_PATH_LENGTH,
  MIN_EVENT_AGE_SECONDS,
  NAME_RULES,
} from './limits';

/** A target as PutTargets stored it (the wire shape, so ListTargetsByRule returns what was put). */
export interface TargetRow extends TargetInputConfig {
  Id: string;
  Arn: string;
  RoleArn?: string;
  HttpParameters?: {
    PathParameterValues?: string[];
    HeaderParameters?: Record<string, string>;
    QueryStringParameters?: Record<string, string>;
  };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

export interface EffectiveRetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeMs: number;
}

export function retryPolicyOf(target: TargetRow): EffectiveRetryPolicy {
  return {
    maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
    maximumEventAgeMs: (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000,
  };
}

function checkLength(path: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min) throw validationError(path, `Member must have length greater than or equal to ${min}`, value);
  if (value.length > max) throw validationError(path, `Member must have length less than or equal to ${max}`, value);
}

function checkRange(path: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min)
    throw validationError(path, `Member must have value greater than or equal to ${min}`, String(value));
  if (value > max) throw validationError(path, `Member must have value less than or equal to ${max}`, String(value));
}

/**
 * Reads one `Targets[i]` member. Model constraint violations (lengths, ranges, required members) fail the whole
 * request with a ValidationException, as AWS's request validation does.
 */
export function readTarget(b: Body, index: number): TargetRow {
  const at = (m: string): string => `targets.${index + 1}.member.${memberPath(m)}`;
  const id = requireString(b, 'Id');
  const idRule = NAME_RULES.target;
  checkLength(at('Id'), id, 1, idRule.max);
  if (!idRule.pattern.test(id))
    throw validationError(at('Id'), `Member must satisfy regular expression pattern: ${idRule.text}`, id);
  const arn = requireString(b, 'Arn');
  checkLength(at('Arn'), arn, 1, 1600);
  const input = optionalString(b, 'Input');
  checkLength(at('Input'), input, 0, MAX_INPUT_LENGTH);
  const inputPath = optionalString(b, 'InputPath');
  checkLength(at('InputPath'), inputPath, 0, MAX_INPUT_PATH_LENGTH);
  const transformer = optionalObject(b, 'InputTransformer');
  const http = optionalObject(b, 'HttpParameters');
  const retry = optionalObject(b, 'RetryPolicy');
  const dlq = optionalObject(b, 'DeadLetterConfig');
  const row: TargetRow = { Id: id, Arn: arn };
  const roleArn = optionalString(b, 'RoleArn');
  if (roleArn !== undefined) row.RoleArn = roleArn;
  if (input !== undefined) row.Input = input;
  if (inputPath !== undefined) row.InputPath = inputPath;
  if (transformer) {
    const template = requireString(transformer, 'InputTemplate');
    checkLength(`${at('InputTransformer')}.inputTemplate`, template, 1, MAX_INPUT_LENGTH);
    const paths = optionalStringMap(transformer, 'InputPathsMap');
    row.InputTransformer = { ...(paths ? { InputPathsMap: { ...paths } } : {}), InputTemplate: template };
  }
  if (http) {
    const pathValues = optionalStringArray(http, 'PathParameterValues');
    const headers = optionalStringMap(http, 'HeaderParameters');
    const query = optionalStringMap(http, 'QueryStringParameters');
    row.HttpParameters = {
      ...(pathValues ? { PathParameterValues: [...pathValues] } : {}),
      ...(headers ? { HeaderParameters: { ...headers } } : {}),
      ...(query ? { QueryStringParameters: { ...query } } : {}),
    };
  }
  if (retry) {
    const attempts = optionalNumber(retry, 'MaximumRetryAttempts');
    const age = optionalNumber(retry, 'MaximumEventAgeInSeconds');
    checkRange(`${at('RetryPolicy')}.maximumRetryAttempts`, attempts, 0, DEFAULT_MAX_RETRY_ATTEMPTS);
    checkRange(
      `${at('RetryPolicy')}.maximumEventAgeInSeconds`,
      age,
      MIN_EVENT_AGE_SECONDS,
      DEFAULT_MAX_EVENT_AGE_SECONDS,
    );
    row.RetryPolicy = {
      ...(attempts !== undefined ? { MaximumRetryAttempts: attempts } : {}),
      ...(age !== undefined ? { MaximumEventAgeInSeconds: age } : {}),
    };
  }
  if (dlq) {
    const dlqArn = optionalString(dlq, 'Arn');
    checkLength(`${at('DeadLetterConfig')}.arn`, dlqArn, 1, 1600);
    row.DeadLetterConfig = dlqArn !== undefined ? { Arn: dlqArn } : {};
  }
  return row;
}

/**
 * Why a well-formed target is still refused (reported per target in PutTargets' FailedEntries, the others are
 * added), or undefined when it is acceptable.
 */
export function targetProblem(t: TargetRow): string | undefined {
  if (!isArn(t.Arn)) return `Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`;
  const input = inputConfigProblem(t);
  if (input) return input;
  if (t.DeadLetterConfig?.Arn !== undefined && !isSqsQueueArn(t.DeadLetterConfig.Arn))
    return `DeadLetterConfig.Arn '${t.DeadLetterConfig.Arn}' is not valid: a dead-letter queue must be a standard SQS queue ARN.`;
  if (t.HttpParameters && targetKind(t.Arn) !== 'apiDestination' && !/^arn:aws[a-z-]*:execute-api:/.test(t.Arn))
    return 'HttpParameters are only used by API destination (and API Gateway) targets.';
  return undefined;
}
