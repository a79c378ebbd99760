import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCfnTemplate } from './cfnYaml';
import { TemplateParseError, TemplatePropertyError } from './errors';
import { mergeGlobals } from './samGlobals';

export interface SamParameter {
  name: string;
  type?: string;
  /** `Default` as written (CloudFormation passes parameter values as strings; lists stay comma-joined). */
  default?: unknown;
  allowedValues?: unknown[];
}

/** A resource of the template, with its properties as written (intrinsics not resolved). */
export interface SamResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  /** The resource's `Condition`, if it is only created when a condition holds. */
  condition?: string;
}

export interface SamFunction extends SamResource {
  /** The local function name: `FunctionName` when written as a literal, else the logical id. */
  name: string;
  /** `FunctionName` when it is a literal string. */
  functionName?: string;
  /** Values as written; `IntrinsicResolver.resolveFunction` turns them into strings and numbers. */
  codeUri: unknown;
  handler: unknown;
  runtime: unknown;
  /** Seconds; SAM's default is 3. */
  timeout: unknown;
  /** MB; Lambda's default is 128. */
  memorySize: unknown;
  environmentVariables: Record<string, unknown>;
  /** `FunctionUrlConfig` as written, when the function has a URL. */
  functionUrlConfig?: Record<string, unknown>;
}

export interface SamStateMachine extends SamResource {
  /** `Name` when it is a literal string. */
  name?: string;
  /** Absolute path of `DefinitionUri` when it names a local file. */
  definitionUri?: string;
  /** The inline `Definition`, as written. */
  definition?: unknown;
  definitionSubstitutions: Record<string, unknown>;
  role?: unknown;
  policies?: unknown;
}

export const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
export const SERVERLESS_STATE_MACHINE = 'AWS::Serverless::StateMachine';
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;

/** A YAML/JSON mapping (not a list, not a scalar). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A SAM/CloudFormation template read from disk: parameters, resources, `Globals.Function` merged into each
 * `AWS::Serverless::Function` (as the SAM translator does), and the state machines. Intrinsics stay as written;
 * `IntrinsicResolver` resolves them for a local account, region and parameter set.
 */
export class SamTemplate {
  readonly dir: string;
  readonly parameters: ReadonlyMap<string, SamParameter>;
  readonly resources: ReadonlyMap<string, SamResource>;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  private readonly functionList: SamFunction[];
  private readonly stateMachineList: SamStateMachine[];

  readonly path: string;

  private constructor(
    templatePath: string,
    readonly body: Record<string, unknown>,
  ) {
    this.path = templatePath;
    this.dir = path.dirname(templatePath);
    this.parameters = this.readParameters();
    this.conditions = isMap(body.Conditions) ? body.Conditions : {};
    this.mappings = isMap(body.Mappings) ? body.Mappings : {};
    this.resources = this.readResources();
    this.functionList = [...this.resources.values()]
      .filter((r) => r.type === SERVERLESS_FUNCTION)
      .map((r) => this.toFunction(r));
    this.stateMachineList = [...this.resources.values()]
      .filter((r) => r.type === SERVERLESS_STATE_MACHINE)
      .map((r) => this.toStateMachine(r));
    const names = new Map<string, string>();
    for (const fn of this.functionList) {
      const other = names.get(fn.name);
      if (other) {
        throw new TemplatePropertyError(
          `Functions ${other} and ${fn.logicalId} both have the local name "${fn.name}"; give them distinct FunctionName values.`,
          `Resources.${fn.logicalId}.Properties.FunctionName`,
          this.path,
        );
      }
      names.set(fn.name, fn.logicalId);
    }
  }

  /** Reads and parses the template at `templatePath` (YAML with short-form tags, or JSON). */
  static load(templatePath: string): SamTemplate {
    const file = path.resolve(templatePath);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new TemplateParseError(
        `Cannot read the SAM template ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the path given to the local Lambda runtime.`,
        file,
      );
    }
    return SamTemplate.parse(text, file);
  }

  /** Parses template text; `templatePath` names it in errors and anchors relative paths (CodeUri, DefinitionUri). */
  static parse(text: string, templatePath: string): SamTemplate {
    const file = path.resolve(templatePath);
    return new SamTemplate(file, parseCfnTemplate(text, file));
  }

  functions(): readonly SamFunction[] {
    return this.functionList;
  }

  stateMachines(): readonly SamStateMachine[] {
    return this.stateMachineList;
  }

  private readParameters(): Map<string, SamParameter> {
    const out = new Map<string, SamParameter>();
    const section = this.body.Parameters;
    if (section === undefined) return out;
    if (!isMap(section)) throw new TemplatePropertyError('Parameters must be a mapping.', 'Parameters', this.path);
    for (const [name, spec] of Object.entries(section)) {
      if (!isMap(spec)) {
        throw new TemplatePropertyError(
          `Parameter ${name} must be a mapping with at least Type.`,
          `Parameters.${name}`,
          this.path,
        );
      }
      out.set(name, {
        name,
        type: typeof spec.Type === 'string' ? spec.Type : undefined,
        default: spec.Default,
        allowedValues: Array.isArray(spec.AllowedValues) ? spec.AllowedValues : undefined,
      });
    }
    return out;
  }

  private readResources(): Map<string, SamResource> {
    const section = this.body.Resources;
    if (!isMap(section)) {
      throw new TemplatePropertyError(
        `${this.path} has no Resources mapping; a SAM template declares its functions under Resources.`,
        'Resources',
        this.path,
      );
    }
    const out = new Map<string, SamResource>();
    for (const [logicalId, resource] of Object.entries(section)) {
      if (!isMap(resource) || typeof resource.Type !== 'string') {
        throw new TemplatePropertyError(
          `Resource ${logicalId} must be a mapping with a Type.`,
          `Resources.${logicalId}`,
          this.path,
        );
      }
      const properties = resource.Properties === undefined ? {} : resource.Properties;
      if (!isMap(properties)) {
        throw new TemplatePropertyError(
          `Properties of ${logicalId} must be a mapping.`,
          `Resources.${logicalId}.Properties`,
          this.path,
        );
      }
      out.set(logicalId, {
        logicalId,
        type: resource.Type,
        properties,
        condition: typeof resource.Condition === 'string' ? resource.Condition : undefined,
      });
    }
    return out;
  }

  private functionGlobals(): Record<string, unknown> {
    const globals = this.body.Globals;
    if (!isMap(globals) || globals.Function === undefined) return {};
    if (!isMap(globals.Function)) {
      throw new TemplatePropertyError('Globals.Function must be a mapping.', 'Globals.Function', this.path);
    }
    return globals.Function;
  }

  private toFunction(resource: SamResource): SamFunction {
    const properties = mergeGlobals(this.functionGlobals(), resource.properties) as Record<string, unknown>;
    const at = `Resources.${resource.logicalId}.Properties`;
    const env = properties.Environment;
    if (env !== undefined && !(isMap(env) && (env.Variables === undefined || isMap(env.Variables)))) {
      throw new TemplatePropertyError(
        `${resource.logicalId}: Environment must be a mapping with a Variables mapping.`,
        `${at}.Environment`,
        this.path,
      );
    }
    const url = properties.FunctionUrlConfig;
    if (url !== undefined && !isMap(url)) {
      throw new TemplatePropertyError(
        `${resource.logicalId}: FunctionUrlConfig must be a mapping (e.g. AuthType: NONE).`,
        `${at}.FunctionUrlConfig`,
        this.path,
      );
    }
    const functionName = typeof properties.FunctionName === 'string' ? properties.FunctionName : undefined;
    return {
      ...resource,
      properties,
      name: functionName ?? resource.logicalId,
      functionName,
      codeUri: properties.CodeUri,
      handler: properties.Handler,
      runtime: properties.Runtime,
      timeout: properties.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
      memorySize: properties.MemorySize ?? DEFAULT_MEMORY_MB,
      environmentVariables: isMap(env) && isMap(env.Variables) ? env.Variables : {},
      functionUrlConfig: url,
    };
  }

  private toStateMachine(resource: SamResource): SamStateMachine {
    const p = resource.properties;
    const at = `Resources.${resource.logicalId}.Properties`;
    let definitionUri: string | undefined;
    if (p.DefinitionUri !== undefined) {
      if (typeof p.DefinitionUri !== 'string') {
        throw new TemplatePropertyError(
          `${resource.logicalId}: DefinitionUri must be a local path relative to the template; the local runtime cannot read S3 locations.`,
          `${at}.DefinitionUri`,
          this.path,
        );
      }
      definitionUri = path.resolve(this.dir, p.DefinitionUri);
    }
    const subs = p.DefinitionSubstitutions;
    if (subs !== undefined && !isMap(subs)) {
      throw new TemplatePropertyError(
        `${resource.logicalId}: DefinitionSubstitutions must be a mapping of placeholder name to value.`,
        `${at}.DefinitionSubstitutions`,
        this.path,
      );
    }
    return {
      ...resource,
      name: typeof p.Name === 'string' ? p.Name : undefined,
      definitionUri,
      definition: p.Definition,
      definitionSubstitutions: subs ?? {},
      role: p.Role,
      policies: p.Policies,
    };
  }
}
