import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StateMachineDefinitionError } from './errors';
import type { SamStateMachine } from './samTemplate';
import type { TemplateResolver } from './templateResolver';

const PLACEHOLDER = /\$\{([^}]+)\}/g;

function sourceText(resolver: TemplateResolver, sm: SamStateMachine): { text: string; source: string } {
  const fail = (message: string): StateMachineDefinitionError =>
    new StateMachineDefinitionError(message, sm.logicalId, resolver.template.path);
  if (sm.definitionUri) {
    try {
      return { text: fs.readFileSync(sm.definitionUri, 'utf8'), source: sm.definitionUri };
    } catch (e) {
      throw fail(
        `State machine ${sm.logicalId}: cannot read DefinitionUri ${sm.definitionUri} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). The path is relative to ${resolver.template.dir}; generate the ASL first or fix DefinitionUri.`,
      );
    }
  }
  if (sm.definition !== undefined) {
    // An inline Definition may hold intrinsics of its own (e.g. !GetAtt Fn.Arn), resolved before substitution.
    const resolved = resolver.resolve(sm.definition, `Resources.${sm.logicalId}.Properties.Definition`);
    return { text: JSON.stringify(resolved), source: `${resolver.template.path} (inline Definition)` };
  }
  throw fail(`State machine ${sm.logicalId} has neither DefinitionUri nor Definition; give it one.`);
}

/**
 * Reads a state machine's definition and applies `DefinitionSubstitutions` to its text, as SAM does before
 * creating the state machine. Values are escaped for JSON strings, where placeholders sit in ASL (`"${Arn}"`).
 */
export function resolveStateMachineDefinition(
  resolver: TemplateResolver,
  sm: SamStateMachine,
): Record<string, unknown> {
  const { text, source } = sourceText(resolver, sm);
  const at = `Resources.${sm.logicalId}.Properties.DefinitionSubstitutions`;
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(sm.definitionSubstitutions)) {
    values.set(key, resolver.resolveString(value, `${at}.${key}`));
  }
  const missing = new Set<string>();
  const substituted = text.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values.get(key);
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    const names = [...missing].map((k) => `\${${k}}`).join(', ');
    throw new StateMachineDefinitionError(
      `State machine ${sm.logicalId}: ${source} uses ${names} but DefinitionSubstitutions has no value for ${missing.size === 1 ? 'it' : 'them'}. Add ${[...missing].join(', ')} under ${at} (it has: ${[...values.keys()].join(', ') || 'nothing'}).`,
      sm.logicalId,
      resolver.template.path,
    );
  }
  let parsed: unknown;
  try {
    const ext = path.extname(source).toLowerCase();
    parsed = ext === '.yaml' || ext === '.yml' ? parseYaml(substituted) : JSON.parse(substituted);
  } catch (e) {
    throw new StateMachineDefinitionError(
      `State machine ${sm.logicalId}: ${source} is not valid ${source.match(/\.ya?ml$/i) ? 'YAML' : 'JSON'} after substitution: ${(e as Error).message}`,
      sm.logicalId,
      resolver.template.path,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StateMachineDefinitionError(
      `State machine ${sm.logicalId}: ${source} must hold an ASL object with StartAt and States.`,
      sm.logicalId,
      resolver.template.path,
    );
  }
  return parsed as Record<string, unknown>;
}
