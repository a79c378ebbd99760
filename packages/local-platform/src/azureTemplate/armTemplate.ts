import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArmTemplateError } from './errors';
import { ExpressionSyntaxError } from './expressionSyntax';
import { RuntimeValue } from './runtimeValue';
import { evaluateValue, UnsupportedExpressionError } from './templateEvaluator';
import { type FunctionScope, providerPath, TemplateFunctionError } from './templateFunctions';

/** One resource of the deployment, after `copy` loops and nested `resources` are expanded. */
export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  /** The id ARM gives it: `/subscriptions/…/resourceGroups/…/providers/…`. */
  id: string;
  /** false when its `condition` is false: ARM skips it. */
  deployed: boolean;
  /** The resource as written in the template. */
  definition: Record<string, unknown>;
  /** Where it is written, for messages: `resources[7]`, `resources[7] (copy 2)`. */
  where: string;
  /** Evaluates a part of the definition in the resource's own scope (its copy index). */
  evaluate(value: unknown, where: string): unknown;
}

export interface ArmDeployment {
  /** The template's path as given in messages (relative to the working folder). */
  source: string;
  /** Its absolute path. */
  file: string;
  resources: ArmResource[];
  /** Evaluates a value at the template's top level (outputs, say). */
  evaluate(value: unknown, where: string): unknown;
  /** The parameters the template declares, with their declarations. */
  parameterDeclarations: Record<string, { type?: string; defaultValue?: unknown }>;
}

export interface ArmLoadOptions {
  /** A deployment parameters file (`{ "parameters": { "name": { "value": … } } }`). */
  parametersFile?: string;
  /** Values that win over the parameters file. */
  parameters?: Record<string, unknown>;
  /** The deployment's place; local defaults otherwise. */
  subscriptionId?: string;
  tenantId?: string;
  resourceGroup?: { name: string; location: string };
  observe?: FunctionScope['observe'];
}

const readJson = (file: string, what: string): Record<string, unknown> => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ArmTemplateError(file, '(file)', `cannot be read as ${what} JSON: ${(e as Error).message}`);
  }
};

const objectOf = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Reads an ARM template (JSON) and evaluates it as `az deployment group create` would, as far as the local platform
 * needs: parameters (defaults, parameters file), variables, conditions, copy loops, nested resources and the
 * template functions in `templateFunctions.ts`. Values only a deployment knows (`reference()`) stay symbolic.
 */
export function loadArmTemplate(file: string, options: ArmLoadOptions = {}): ArmDeployment {
  const source = path.relative(process.cwd(), file) || file;
  const template = readJson(file, 'ARM template');
  if (!Array.isArray(template.resources))
    throw new ArmTemplateError(source, '(root)', 'needs a "resources" array, as every ARM template has.');
  const declarations = objectOf(template.parameters) as ArmDeployment['parameterDeclarations'];
  const given: Record<string, unknown> = {};
  if (options.parametersFile) {
    const params = objectOf(readJson(options.parametersFile, 'ARM parameters').parameters);
    for (const [name, p] of Object.entries(params)) {
      const entry = objectOf(p);
      given[name] = 'value' in entry ? entry.value : new RuntimeValue(`Key Vault reference for ${name}`);
    }
  }
  Object.assign(given, options.parameters ?? {});
  for (const name of Object.keys(given))
    if (!(name in declarations))
      throw new ArmTemplateError(
        source,
        `parameter ${name}`,
        `is given a value but the template declares no such parameter (declared: ${Object.keys(declarations).join(', ')}).`,
      );

  const variables = objectOf(template.variables);
  const variableValues = new Map<string, unknown>();
  const evaluating = new Set<string>();

  const scopeFor = (copy?: { name: string; index: number }): FunctionScope => ({
    subscriptionId: options.subscriptionId ?? '00000000-0000-0000-0000-000000000000',
    tenantId: options.tenantId ?? '00000000-0000-0000-0000-000000000000',
    resourceGroup: options.resourceGroup ?? { name: 'local', location: 'local' },
    observe: options.observe,
    parameter(name) {
      if (name in given) return given[name];
      const declaration = declarations[name];
      if (!declaration) throw new TemplateFunctionError(`parameters('${name}') names no parameter of the template.`);
      if (!('defaultValue' in declaration))
        throw new TemplateFunctionError(
          `parameter ${name} has no value and no default: give it in the parameters file or on the command line.`,
        );
      return evaluateValue(declaration.defaultValue, scopeFor());
    },
    variable(name) {
      if (variableValues.has(name)) return variableValues.get(name);
      if (!(name in variables))
        throw new TemplateFunctionError(`variables('${name}') names no variable of the template.`);
      if (evaluating.has(name)) throw new TemplateFunctionError(`variable ${name} refers to itself.`);
      evaluating.add(name);
      try {
        const value = evaluateValue(variables[name], scopeFor());
        variableValues.set(name, value);
        return value;
      } finally {
        evaluating.delete(name);
      }
    },
    copyIndex(loop) {
      if (!copy || (loop && loop !== copy.name))
        throw new TemplateFunctionError(`copyIndex(${loop ? `'${loop}'` : ''}) is used outside its copy loop.`);
      return copy.index;
    },
  });

  const evaluateIn = (scope: FunctionScope, value: unknown, where: string): unknown => {
    try {
      return evaluateValue(value, scope);
    } catch (e) {
      if (
        e instanceof TemplateFunctionError ||
        e instanceof UnsupportedExpressionError ||
        e instanceof ExpressionSyntaxError
      )
        throw new ArmTemplateError(source, where, e.message);
      throw e;
    }
  };
  const groupId = (s: FunctionScope) => `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup.name}`;

  const resources: ArmResource[] = [];
  const expand = (raw: unknown, where: string, parent?: { type: string; name: string; deployed: boolean }) => {
    const definition = objectOf(raw);
    const copy = objectOf(definition.copy);
    const copies = 'copy' in definition ? Number(evaluateIn(scopeFor(), copy.count, `${where}.copy.count`)) : undefined;
    for (let index = 0; index < (copies ?? 1); index++) {
      const scope = scopeFor(copies === undefined ? undefined : { name: String(copy.name), index });
      const at = copies === undefined ? where : `${where} (copy ${index})`;
      const ownType = String(definition.type ?? '');
      const type = parent && !ownType.includes('.') ? `${parent.type}/${ownType}` : ownType;
      const ownName = evaluateIn(scope, definition.name, `${at}.name`);
      if (typeof ownName !== 'string')
        throw new ArmTemplateError(source, `${at}.name`, `must evaluate to a string; got ${String(ownName)}.`);
      const name = parent && !ownName.startsWith(`${parent.name}/`) ? `${parent.name}/${ownName}` : ownName;
      const deployed =
        (parent?.deployed ?? true) &&
        ('condition' in definition ? evaluateIn(scope, definition.condition, `${at}.condition`) === true : true);
      const scopeText =
        typeof definition.scope === 'string' ? String(evaluateIn(scope, definition.scope, `${at}.scope`)) : undefined;
      const base = scopeText
        ? scopeText.startsWith('/')
          ? scopeText
          : `${groupId(scope)}/providers/${scopeText}`
        : groupId(scope);
      let id: string;
      try {
        id = `${base}${providerPath(type, name.split('/'))}`;
      } catch (e) {
        throw new ArmTemplateError(source, at, (e as Error).message);
      }
      resources.push({
        type,
        apiVersion: String(definition.apiVersion ?? ''),
        name,
        id,
        deployed,
        definition,
        where: at,
        evaluate: (value, w) => evaluateIn(scope, value, `${at}.${w}`),
      });
      if (Array.isArray(definition.resources))
        definition.resources.forEach((child, i) => expand(child, `${at}.resources[${i}]`, { type, name, deployed }));
    }
  };
  template.resources.forEach((r, i) => expand(r, `resources[${i}]`));

  return {
    source,
    file: path.resolve(file),
    resources,
    parameterDeclarations: declarations,
    evaluate: (value, where) => evaluateIn(scopeFor(), value, where),
  };
}
