import { evaluateJsonPath, InvalidJsonPathError, parseJsonPath } from './jsonPath';
import { MAX_INPUT_PATH_LENGTH, MAX_INPUT_PATHS } from './limits';

/** What a target receives instead of the whole event (at most one of the three). */
export interface TargetInputConfig {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export interface TransformContext {
  /** The event as EventBridge delivers it (the envelope with `detail`). */
  event: Record<string, unknown>;
  ruleArn: string;
  ruleName: string;
  /** When EventBridge accepted the event, epoch ms. */
  ingestionTime: number;
}

/** The predefined template variables; InputPathsMap cannot define these names. */
const PREDEFINED = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
]);

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/y;
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;

function isJsonTemplate(template: string): boolean {
  const first = template.trimStart()[0];
  return first === '{' || first === '[';
}

/**
 * Walks the template, calling `visit` for each placeholder with whether it sits inside a JSON string literal and
 * the text right after it; returns the template with each placeholder replaced by what `visit` answers.
 */
function walkTemplate(
  template: string,
  visit: (name: string, inString: boolean, after: string) => string | undefined,
): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length;) {
    const c = template[i];
    if (c === '\\' && inString) {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (m) {
        const replacement = visit(m[1], inString, template.slice(i + m[0].length));
        if (replacement !== undefined) {
          out += replacement;
          i += m[0].length;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Why a target's input configuration would be refused by PutTargets, or undefined when it is acceptable. */
export function inputConfigProblem(cfg: TargetInputConfig): string | undefined {
  const given = [cfg.Input, cfg.InputPath, cfg.InputTransformer].filter((v) => v !== undefined).length;
  if (given > 1) return 'Only one of Input, InputPath, or InputTransformer can be specified for a target.';
  if (cfg.Input !== undefined) {
    try {
      JSON.parse(cfg.Input);
    } catch (e) {
      return `Input is not valid JSON: ${(e as Error).message}`;
    }
  }
  try {
    if (cfg.InputPath !== undefined) parseJsonPath(cfg.InputPath);
    const t = cfg.InputTransformer;
    if (t) {
      const entries = Object.entries(t.InputPathsMap ?? {});
      if (entries.length > MAX_INPUT_PATHS)
        return `InputPathsMap has ${entries.length} entries; at most ${MAX_INPUT_PATHS} are allowed.`;
      for (const [key, path] of entries) {
        if (!VARIABLE_NAME.test(key) || key.toLowerCase().startsWith('aws'))
          return `InputPathsMap key '${key}' is not valid: use letters, digits, '_' and '-', and no 'AWS' prefix (reserved for predefined variables).`;
        if (path.length > MAX_INPUT_PATH_LENGTH)
          return `InputPathsMap value for '${key}' is longer than ${MAX_INPUT_PATH_LENGTH} characters.`;
        parseJsonPath(path);
      }
      if (isJsonTemplate(t.InputTemplate)) {
        let keyProblem: string | undefined;
        walkTemplate(t.InputTemplate, (name, inString, after) => {
          if (!inString && /^\s*:/.test(after))
            keyProblem ??= `InputTemplate uses placeholder <${name}> as an object key.`;
          return '';
        });
        if (keyProblem) return keyProblem;
      }
    }
  } catch (e) {
    if (e instanceof InvalidJsonPathError) return e.message;
    throw e;
  }
  return undefined;
}

function rawText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** JSON that is passed to a target is minified; text that is not JSON (a plain-text template) is sent as is. */
function minified(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * The text the target receives for `ctx.event`: the event itself, the constant Input, the value at InputPath,
 * or the rendered InputTemplate. In a JSON template a placeholder outside quotes becomes the value as JSON (a
 * string gets its quotes), inside quotes it becomes the raw text — EventBridge does not escape it. A path that
 * does not exist in the event yields nothing (`null` where a JSON value is needed).
 */
export function renderTargetInput(cfg: TargetInputConfig, ctx: TransformContext): string {
  if (cfg.Input !== undefined) return minified(cfg.Input);
  if (cfg.InputPath !== undefined) {
    const value = evaluateJsonPath(ctx.event, parseJsonPath(cfg.InputPath));
    return JSON.stringify(value === undefined ? null : value);
  }
  const t = cfg.InputTransformer;
  if (!t) return JSON.stringify(ctx.event);
  const variables = new Map<string, unknown>();
  for (const [key, path] of Object.entries(t.InputPathsMap ?? {}))
    variables.set(key, evaluateJsonPath(ctx.event, parseJsonPath(path)));
  const withoutDetail: Record<string, unknown> = { ...ctx.event };
  delete withoutDetail.detail;
  const predefined: Record<string, unknown> = {
    'aws.events.rule-arn': ctx.ruleArn,
    'aws.events.rule-name': ctx.ruleName,
    'aws.events.event.ingestion-time': new Date(ctx.ingestionTime).toISOString(),
    'aws.events.event': withoutDetail,
    'aws.events.event.json': ctx.event,
  };
  const json = isJsonTemplate(t.InputTemplate);
  const rendered = walkTemplate(t.InputTemplate, (name, inString) => {
    if (!variables.has(name) && !PREDEFINED.has(name)) return undefined;
    const value = variables.has(name) ? variables.get(name) : predefined[name];
    if (json && !inString) return value === undefined ? 'null' : JSON.stringify(value);
    return rawText(value);
  });
  return minified(rendered);
}
