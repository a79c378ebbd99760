import * as fs from 'node:fs';
import * as path from 'node:path';

import { SettingsError } from './errors';

function readJson(file: string, what: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SettingsError(`${what} at ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Where an app setting's value came from, for messages that tell the user what to edit. */
export type SettingSource =
  'local.settings.json' | 'local.settings.sample.json' | 'the environment' | 'the platform options';

export interface AppSettings {
  values: Record<string, string>;
  sourceOf: Record<string, SettingSource>;
}

/**
 * App settings as `func start` assembles them: `local.settings.json` Values, under the process environment,
 * under explicit overrides.
 */
export function loadSettings(
  appRoot: string,
  overrides: Record<string, string> = {},
  notice: (message: string) => void = () => undefined,
): AppSettings {
  let fileName: SettingSource = 'local.settings.json';
  let file = readJson(path.join(appRoot, fileName), fileName);
  if (!file) {
    // A fresh clone has no local.settings.json (it is git-ignored); the sample holds safe local defaults.
    fileName = 'local.settings.sample.json';
    file = readJson(path.join(appRoot, fileName), fileName);
    if (file)
      notice(
        'No local.settings.json: using local.settings.sample.json (copy it to local.settings.json to change settings).',
      );
  }
  const values: Record<string, string> = {};
  const sourceOf: Record<string, SettingSource> = {};
  const take = (entries: [string, unknown][], source: SettingSource): void => {
    for (const [k, v] of entries) {
      // The same value again (a platform earlier in this process copied the file into process.env) keeps its origin.
      if (v === undefined || v === null || values[k] === String(v)) continue;
      values[k] = String(v);
      sourceOf[k] = source;
    }
  };
  take(Object.entries((file?.Values ?? {}) as Record<string, unknown>), fileName);
  take(Object.entries(process.env), 'the environment');
  take(Object.entries(overrides), 'the platform options');
  return { values, sourceOf };
}

/** Writes the settings to process.env, where the app reads them (as the Functions host passes app settings). */
export function exportToEnvironment(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) if (process.env[k] !== v) process.env[k] = v;
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
