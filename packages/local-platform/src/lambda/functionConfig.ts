import * as path from 'node:path';
import { TemplatePropertyError } from './errors';
import type { SamFunction } from './samTemplate';
import type { TemplateResolver } from './templateResolver';

/** A function as the local runtime runs it: every setting resolved to a plain value. */
export interface LocalFunctionConfig {
  logicalId: string;
  /** The local function name (literal `FunctionName`, else the logical id). */
  name: string;
  arn: string;
  /** Absolute directory the handler path is relative to (`CodeUri`, relative to the template). */
  codeDir: string;
  /** As written, e.g. `aws-stepfunctions/handlers/chargePayment.handler`. */
  handler: string;
  runtime?: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Readonly<Record<string, string>>;
  /** Present when the template gives the function a URL. */
  functionUrl?: { authType: string; invokeMode: string };
}

/** Lambda's own bounds; a template outside them would not deploy, so it should not run locally either. */
const MAX_TIMEOUT_SECONDS = 900;
const MEMORY_MB = { min: 128, max: 10_240 };

function numberSetting(
  resolver: TemplateResolver,
  value: unknown,
  location: string,
  bounds: { min: number; max: number },
): number {
  const n = Number(resolver.resolve(value, location));
  if (!Number.isFinite(n) || n < bounds.min || n > bounds.max) {
    throw new TemplatePropertyError(
      `${location} must be a number from ${bounds.min} to ${bounds.max}, got ${JSON.stringify(value)}.`,
      location,
      resolver.template.path,
    );
  }
  return n;
}

export function resolveFunctionConfig(resolver: TemplateResolver, fn: SamFunction): LocalFunctionConfig {
  const at = `Resources.${fn.logicalId}.Properties`;
  const file = resolver.template.path;
  if (fn.properties.InlineCode !== undefined) {
    throw new TemplatePropertyError(
      `${fn.logicalId} uses InlineCode, which the local runtime does not run; point CodeUri at built code instead.`,
      `${at}.InlineCode`,
      file,
    );
  }
  if (fn.handler === undefined) {
    throw new TemplatePropertyError(
      `${fn.logicalId} has no Handler; set Handler (e.g. handlers/charge.handler) on it or in Globals.Function.`,
      `${at}.Handler`,
      file,
    );
  }
  if (fn.codeUri !== undefined && typeof resolver.resolve(fn.codeUri, `${at}.CodeUri`) !== 'string') {
    throw new TemplatePropertyError(
      `${fn.logicalId}: CodeUri must be a local directory relative to the template; the local runtime cannot fetch S3 code.`,
      `${at}.CodeUri`,
      file,
    );
  }
  const codeUri = fn.codeUri === undefined ? '.' : resolver.resolveString(fn.codeUri, `${at}.CodeUri`);
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environmentVariables)) {
    const where = `${at}.Environment.Variables.${key}`;
    if (resolver.resolve(value, where) === undefined) continue; // AWS::NoValue drops the variable
    environment[key] = resolver.resolveString(value, where);
  }
  const url = fn.functionUrlConfig
    ? (resolver.resolve(fn.functionUrlConfig, `${at}.FunctionUrlConfig`) as Record<string, unknown>)
    : undefined;
  return {
    logicalId: fn.logicalId,
    name: fn.name,
    arn: resolver.functionArn(fn.name),
    codeDir: path.resolve(resolver.template.dir, codeUri),
    handler: resolver.resolveString(fn.handler, `${at}.Handler`),
    runtime: fn.runtime === undefined ? undefined : resolver.resolveString(fn.runtime, `${at}.Runtime`),
    timeoutSeconds: numberSetting(resolver, fn.timeout, `${at}.Timeout`, { min: 1, max: MAX_TIMEOUT_SECONDS }),
    memorySize: numberSetting(resolver, fn.memorySize, `${at}.MemorySize`, MEMORY_MB),
    environment,
    functionUrl: url
      ? {
          authType: typeof url.AuthType === 'string' ? url.AuthType : 'NONE',
          invokeMode: typeof url.InvokeMode === 'string' ? url.InvokeMode : 'BUFFERED',
        }
      : undefined,
  };
}
