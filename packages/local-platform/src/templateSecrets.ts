import { TemplatePropertyError } from './lambda';
import { isMap } from './lambda/samTemplate';

const DYNAMIC_SECRET = /\{\{resolve:secretsmanager:[^:}]+:SecretString:([^:}]+)(?::[^}]*)?\}\}/g;

/**
 * Replaces Secrets Manager dynamic references (`{{resolve:secretsmanager:<secret>:SecretString:<KEY>}}`) in a
 * resolved template value with the local setting `<KEY>`, so a key the template reads from a secret is the same value
 * the app checks, and never sits in the template. Throws naming the setting to add when it is not set.
 */
export function resolveDynamicSecrets(
  value: unknown,
  location: string,
  settings: Record<string, string>,
  templatePath: string,
): unknown {
  if (typeof value === 'string')
    return value.replace(DYNAMIC_SECRET, (_m, key: string) => {
      const secret = settings[key];
      if (!secret)
        throw new TemplatePropertyError(
          `${location} reads the secret ${key} from Secrets Manager; locally that is the setting ${key}, which is ` +
            'not set. Add it to local.settings.json (Values).',
          location,
          templatePath,
        );
      return secret;
    });
  if (Array.isArray(value))
    return value.map((v, i) => resolveDynamicSecrets(v, `${location}[${i}]`, settings, templatePath));
  if (isMap(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveDynamicSecrets(v, `${location}.${k}`, settings, templatePath)]),
    );
  return value;
}
