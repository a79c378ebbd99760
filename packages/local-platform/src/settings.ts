import * as fs from 'node:fs';
import * as path from 'node:path';

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

function readJson(file: string, what: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SettingsError(`${what} at ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * App settings as `func start` assembles them: `local.settings.json` Values, under the process environment,
 * under explicit overrides. The result is also written to process.env, where the app reads its settings.
 */
export function loadSettings(
  appRoot: string,
  overrides: Record<string, string> = {},
  notice: (message: string) => void = () => undefined,
): Record<string, string> {
  let file = readJson(path.join(appRoot, 'local.settings.json'), 'local.settings.json');
  if (!file) {
    // A fresh clone has no local.settings.json (it is git-ignored); the sample holds safe local defaults.
    file = readJson(path.join(appRoot, 'local.settings.sample.json'), 'local.settings.sample.json');
    if (file)
      notice(
        'No local.settings.json: using local.settings.sample.json (copy it to local.settings.json to change settings).',
      );
  }
  const values = (file?.Values ?? {}) as Record<string, unknown>;
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null) merged[k] = String(v);
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) merged[k] = v;
  Object.assign(merged, overrides);
  for (const [k, v] of Object.entries(merged)) if (process.env[k] !== v) process.env[k] = v;
  return merged;
}

export function readHostJson(appRoot: string): Record<string, unknown> {
  const hostJson = readJson(path.join(appRoot, 'host.json'), 'host.json');
  if (hostJson && hostJson.version !== '2.0') {
    throw new SettingsError(
      `host.json in ${appRoot} has version ${JSON.stringify(hostJson.version)}; the v4 programming model needs "version": "2.0".`,
    );
  }
  return hostJson ?? { version: '2.0' };
}

/** Replaces `%NAME%` with the app setting NAME, as binding expressions and host.json values allow. */
export function resolveSettingRefs(text: string, settings: Record<string, string>, where: string): string {
  return text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = settings[name];
    if (value === undefined)
      throw new SettingsError(
        `${where} refers to %${name}%, but no app setting ${name} exists. Add it to local.settings.json Values or the environment.`,
      );
    return value;
  });
}

export function intSetting(settings: Record<string, string>, name: string): number | undefined {
  const raw = settings[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new SettingsError(`App setting ${name}="${raw}" must be a non-negative integer.`);
  return n;
}
