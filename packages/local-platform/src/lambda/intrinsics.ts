import { TemplateReferenceError } from './errors';
import { resolveStateMachineDefinition } from './definition';
import { LocalFunctionConfig, resolveFunctionConfig } from './functionConfig';
import {
  isMap,
  SamFunction,
  SamStateMachine,
  SamTemplate,
  SERVERLESS_FUNCTION,
  SERVERLESS_STATE_MACHINE,
} from './samTemplate';
import type { TemplateResolver } from './templateResolver';

/** The account, region and inputs a template is resolved for on this machine. */
export interface LocalStackContext {
  region: string;
  accountId: string;
  stackName: string;
  /** `aws` unless told otherwise (`aws-cn`, `aws-us-gov`). */
  partition?: string;
  /** Parameter values; they win over each parameter's Default, as `sam deploy --parameter-overrides` does. */
  parameterOverrides?: Readonly<Record<string, string>>;
  /** Values for `Fn::ImportValue`, by export name (there is no other stack locally to export them). */
  importValues?: Readonly<Record<string, string>>;
  /**
   * Stand-ins for resources the local runtime does not model, keyed `LogicalId` (for Ref) or `LogicalId.Attribute`
   * (for GetAtt), e.g. `{ 'OrdersQueue.Arn': 'arn:aws:sqs:...' }`.
   */
  resourceValues?: Readonly<Record<string, string>>;
}

/** `AWS::NoValue`: removes the property (or list item) that resolves to it. */
const NO_VALUE = Symbol('AWS::NoValue');

/** The intrinsic a map stands for, if it is one (a single key `Ref` or `Fn::X`). */
function intrinsicOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  return keys[0] === 'Ref' || keys[0].startsWith('Fn::') ? keys[0] : undefined;
}

/** How a reference reads in a template, for error messages. */
function shortForm(fn: string, args: unknown): string {
  const name = fn === 'Ref' ? 'Ref' : fn.replace(/^Fn::/, '');
  if (fn === 'Fn::GetAtt' && Array.isArray(args)) return `!GetAtt ${args.join('.')}`;
  return `!${name} ${typeof args === 'string' ? args : JSON.stringify(args)}`;
}

/**
 * Resolves CloudFormation intrinsic functions the way a deployment of the template would, but for a local
 * account and region: parameters from overrides or defaults, functions to their local names and ARNs, pseudo
 * parameters from the context. Anything it cannot know is an error naming the reference and where it is.
 */
export class IntrinsicResolver implements TemplateResolver {
  private readonly conditionValues = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(
    readonly template: SamTemplate,
    readonly context: LocalStackContext,
  ) {}

  get partition(): string {
    return this.context.partition ?? 'aws';
  }

  /** Resolves every intrinsic inside `value`; `location` (dotted, e.g. `Resources.X.Properties`) names it in errors. */
  resolve(value: unknown, location: string): unknown {
    const out = this.walk(value, location);
    return out === NO_VALUE ? undefined : out;
  }

  /** Resolves `value` and requires a string (numbers and booleans are written as CloudFormation passes them). */
  resolveString(value: unknown, location: string): string {
    const out = this.resolve(value, location);
    if (typeof out === 'string') return out;
    if (typeof out === 'number' || typeof out === 'boolean') return String(out);
    throw this.error(
      `${location} must resolve to a string, got ${out === undefined ? 'nothing' : JSON.stringify(out)}.`,
      JSON.stringify(value),
      location,
    );
  }

  /** A function's settings with every intrinsic resolved (see `functionConfig.ts`). */
  resolveFunction(fn: SamFunction): LocalFunctionConfig {
    return resolveFunctionConfig(this, fn);
  }

  /**
   * A state machine's definition: `DefinitionUri` read (or the inline `Definition`) with its
   * `DefinitionSubstitutions` applied (see `definition.ts`).
   */
  resolveDefinition(stateMachine: SamStateMachine): Record<string, unknown> {
    return resolveStateMachineDefinition(this, stateMachine);
  }

  /** The ARN a function has in this local account and region. */
  functionArn(functionName: string): string {
    return `arn:${this.partition}:lambda:${this.context.region}:${this.context.accountId}:function:${functionName}`;
  }

  stateMachineArn(name: string): string {
    return `arn:${this.partition}:states:${this.context.region}:${this.context.accountId}:stateMachine:${name}`;
  }

  /** Whether a resource is created: it has no `Condition`, or its condition holds. */
  isCreated(logicalId: string): boolean {
    const resource = this.template.resources.get(logicalId);
    if (!resource?.condition) return resource !== undefined;
    return this.condition(resource.condition, `Resources.${logicalId}.Condition`);
  }

  /** Evaluates a named condition of the `Conditions` section. */
  condition(name: string, location: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (!(name in this.template.conditions)) {
      throw this.error(
        `Condition ${name} used at ${location} is not declared; add it under Conditions or fix the name (declared: ${Object.keys(this.template.conditions).join(', ') || 'none'}).`,
        `!Condition ${name}`,
        location,
      );
    }
    if (this.evaluating.has(name)) {
      throw this.error(`Condition ${name} refers to itself.`, `!Condition ${name}`, `Conditions.${name}`);
    }
    this.evaluating.add(name);
    try {
      const value = this.conditionValue(this.template.conditions[name], `Conditions.${name}`);
      this.conditionValues.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  private error(message: string, reference: string, location: string): TemplateReferenceError {
    return new TemplateReferenceError(
      `${message} (template ${this.template.path})`,
      reference,
      location,
      this.template.path,
    );
  }

  private walk(value: unknown, location: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item, i) => this.walk(item, `${location}[${i}]`)).filter((item) => item !== NO_VALUE);
    }
    if (!isMap(value)) return value;
    const fn = intrinsicOf(value);
    if (fn) return this.call(fn, value[fn], location);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.walk(item, `${location}.${key}`);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private call(fn: string, args: unknown, location: string): unknown {
    const ref = shortForm(fn, args);
    const malformed = (shape: string): TemplateReferenceError =>
      this.error(`${ref} at ${location} is malformed: ${fn} takes ${shape}.`, ref, location);
    switch (fn) {
      case 'Ref':
        if (typeof args !== 'string') throw malformed('a logical id or parameter name');
        return this.ref(args, location, ref);
      case 'Fn::GetAtt': {
        if (typeof args === 'string' && !args.includes('.'))
          throw malformed('[LogicalId, Attribute] or "LogicalId.Attribute"');
        const parts =
          typeof args === 'string' ? [args.slice(0, args.indexOf('.')), args.slice(args.indexOf('.') + 1)] : args;
        if (!Array.isArray(parts) || parts.length !== 2) throw malformed('[LogicalId, Attribute]');
        const [id, attr] = parts.map((p, i) => this.walk(p, `${location}[${i}]`));
        if (typeof id !== 'string' || typeof attr !== 'string') throw malformed('[LogicalId, Attribute]');
        return this.getAtt(id, attr, location, `!GetAtt ${id}.${attr}`);
      }
      case 'Fn::Sub':
        return this.sub(args, location, ref);
      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw malformed('[delimiter, [values...]]');
        }
        const items = this.walk(args[1], `${location}[1]`);
        if (!Array.isArray(items)) throw malformed('[delimiter, [values...]] (the values must be a list)');
        return items.map((item, i) => this.scalarText(item, `${location}[1][${i}]`, ref)).join(args[0]);
      }
      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2) throw malformed('[index, [values...]]');
        const index = Number(this.walk(args[0], `${location}[0]`));
        const items = this.walk(args[1], `${location}[1]`);
        if (!Array.isArray(items)) throw malformed('[index, [values...]] (the values must be a list)');
        if (!Number.isInteger(index) || index < 0 || index >= items.length) {
          throw this.error(
            `${ref} at ${location}: index ${index} is outside the ${items.length} values.`,
            ref,
            location,
          );
        }
        return items[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw malformed('[delimiter, string]');
        }
        return this.scalarText(this.walk(args[1], `${location}[1]`), `${location}[1]`, ref).split(args[0]);
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalarText(this.walk(args, location), location, ref), 'utf8').toString('base64');
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
          throw malformed('[ConditionName, valueIfTrue, valueIfFalse]');
        }
        return this.condition(args[0], location)
          ? this.walk(args[1], `${location}[1]`)
          : this.walk(args[2], `${location}[2]`);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.conditionValue({ [fn]: args }, location);
      case 'Fn::FindInMap':
        return this.findInMap(args, location, ref, malformed);
      case 'Fn::ImportValue': {
        const name = this.walk(args, location);
        const value = typeof name === 'string' ? this.context.importValues?.[name] : undefined;
        if (value === undefined) {
          throw this.error(
            `${ref} at ${location} cannot be resolved locally: no other stack exports it here. Pass importValues: { ${JSON.stringify(name)}: '...' } to the local Lambda runtime.`,
            ref,
            location,
          );
        }
        return value;
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.context.region}${zone}`);
      default:
        throw this.error(`${ref} at ${location}: ${fn} is not supported by the local Lambda runtime.`, ref, location);
    }
  }

  private scalarText(value: unknown, location: string, ref: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw this.error(`${ref} at ${location} needs a string here, got ${JSON.stringify(value)}.`, ref, location);
  }

  private conditionValue(value: unknown, location: string): boolean {
    if (typeof value === 'boolean') return value;
    if (isMap(value) && Object.keys(value).length === 1) {
      const [fn] = Object.keys(value);
      const args = value[fn];
      const list = (n?: number): unknown[] => {
        if (!Array.isArray(args) || (n !== undefined && args.length !== n)) {
          throw this.error(
            `${shortForm(fn, args)} at ${location} needs a list${n ? ` of ${n}` : ''}.`,
            shortForm(fn, args),
            location,
          );
        }
        return args;
      };
      switch (fn) {
        case 'Condition':
          if (typeof args !== 'string') break;
          return this.condition(args, location);
        case 'Fn::Equals': {
          const [a, b] = list(2).map((item, i) => this.walk(item, `${location}[${i}]`));
          return (
            JSON.stringify(typeof a === 'number' ? String(a) : a) ===
            JSON.stringify(typeof b === 'number' ? String(b) : b)
          );
        }
        case 'Fn::Not':
          return !this.conditionValue(list(1)[0], `${location}[0]`);
        case 'Fn::And':
          return list().every((item, i) => this.conditionValue(item, `${location}[${i}]`));
        case 'Fn::Or':
          return list().some((item, i) => this.conditionValue(item, `${location}[${i}]`));
        default: {
          const resolved = this.walk(value, location);
          if (typeof resolved === 'boolean') return resolved;
          if (resolved === 'true' || resolved === 'false') return resolved === 'true';
        }
      }
    }
    throw this.error(
      `${location} is not a condition: use !Equals, !Not, !And, !Or or !Condition.`,
      JSON.stringify(value),
      location,
    );
  }

  private ref(name: string, location: string, ref: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.context.region;
      case 'AWS::AccountId':
        return this.context.accountId;
      case 'AWS::StackName':
        return this.context.stackName;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackId':
        return `arn:${this.partition}:cloudformation:${this.context.region}:${this.context.accountId}:stack/${this.context.stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = this.template.parameters.get(name);
    if (parameter) return this.parameterValue(name, location, ref);
    const resource = this.template.resources.get(name);
    if (resource) {
      if (resource.type === SERVERLESS_FUNCTION) return this.localFunctionName(name);
      if (resource.type === SERVERLESS_STATE_MACHINE) return this.stateMachineArn(this.stateMachineName(name));
      // Other resources have physical ids only a deployment knows; the logical id stands in, as `sam local` does,
      // unless the caller supplied a value.
      return this.context.resourceValues?.[name] ?? name;
    }
    throw this.error(
      `${ref} at ${location} names neither a parameter nor a resource of the template. Declared parameters: ${[...this.template.parameters.keys()].join(', ') || 'none'}.`,
      ref,
      location,
    );
  }

  private parameterValue(name: string, location: string, ref: string): unknown {
    const parameter = this.template.parameters.get(name)!;
    const override = this.context.parameterOverrides?.[name];
    const raw = override ?? parameter.default;
    if (raw === undefined || raw === null) {
      throw this.error(
        `${ref} at ${location}: parameter ${name} has no Default and no override was given. Pass parameterOverrides: { ${name}: '...' } to the local Lambda runtime or give the parameter a Default.`,
        ref,
        location,
      );
    }
    const value = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
    if (parameter.allowedValues && !parameter.allowedValues.map(String).includes(value)) {
      throw this.error(
        `Parameter ${name} is "${value}", which is not one of its AllowedValues (${parameter.allowedValues.join(', ')}); fix the override.`,
        ref,
        location,
      );
    }
    // List parameters resolve to lists, as in CloudFormation; everything else is a string.
    if (parameter.type && (parameter.type.startsWith('List<') || parameter.type === 'CommaDelimitedList')) {
      return value.split(',').map((item) => item.trim());
    }
    return value;
  }

  private localFunctionName(logicalId: string): string {
    return this.template.functions().find((fn) => fn.logicalId === logicalId)!.name;
  }

  private stateMachineName(logicalId: string): string {
    return this.template.stateMachines().find((sm) => sm.logicalId === logicalId)?.name ?? logicalId;
  }

  private getAtt(id: string, attr: string, location: string, ref: string): unknown {
    const resource = this.template.resources.get(id);
    if (!resource) {
      throw this.error(`${ref} at ${location}: the template has no resource ${id}.`, ref, location);
    }
    if (resource.type === SERVERLESS_FUNCTION && attr === 'Arn') return this.functionArn(this.localFunctionName(id));
    if (resource.type === SERVERLESS_STATE_MACHINE && attr === 'Arn') {
      return this.stateMachineArn(this.stateMachineName(id));
    }
    if (resource.type === SERVERLESS_STATE_MACHINE && attr === 'Name') return this.stateMachineName(id);
    const supplied = this.context.resourceValues?.[`${id}.${attr}`];
    if (supplied !== undefined) return supplied;
    throw this.error(
      `${ref} at ${location}: the local runtime does not model ${attr} of ${id} (${resource.type}). Pass resourceValues: { '${id}.${attr}': '...' } to the local Lambda runtime, or use a parameter.`,
      ref,
      location,
    );
  }

  private sub(args: unknown, location: string, ref: string): string {
    let text: unknown = args;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(args)) {
      if (args.length !== 2 || !isMap(args[1])) {
        throw this.error(
          `${ref} at ${location} is malformed: Fn::Sub takes a string or [string, { Var: value }].`,
          ref,
          location,
        );
      }
      text = args[0];
      vars = args[1];
    }
    if (typeof text !== 'string') {
      throw this.error(`${ref} at ${location} is malformed: the text of Fn::Sub must be a string.`, ref, location);
    }
    // `${!Literal}` is written out as `${Literal}`; every other `${...}` is a variable, a parameter, a pseudo
    // parameter or `Logical.Attribute`.
    return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const tokenRef = `!Sub \${${name}}`;
      let value: unknown;
      if (name in vars) value = this.walk(vars[name], `${location}[1].${name}`);
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        value = this.getAtt(name.slice(0, dot), name.slice(dot + 1), location, tokenRef);
      } else value = this.ref(name, location, tokenRef);
      return this.scalarText(value, location, tokenRef);
    });
  }

  private findInMap(
    args: unknown,
    location: string,
    ref: string,
    malformed: (shape: string) => TemplateReferenceError,
  ): unknown {
    if (!Array.isArray(args) || args.length < 3) throw malformed('[MapName, TopLevelKey, SecondLevelKey]');
    const [mapName, top, second] = args
      .slice(0, 3)
      .map((a, i) => this.scalarText(this.walk(a, `${location}[${i}]`), location, ref));
    const map = this.template.mappings[mapName];
    const topValue = isMap(map) ? map[top] : undefined;
    const value = isMap(topValue) ? topValue[second] : undefined;
    if (value === undefined) {
      throw this.error(
        `${ref} at ${location}: Mappings has no ${mapName}.${top}.${second}; add it or fix the keys.`,
        ref,
        location,
      );
    }
    return this.walk(value, `Mappings.${mapName}.${top}.${second}`);
  }
}
