/** A setting the adapters need is missing or malformed: says which and where to set it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** App settings arrive as environment variables (local.settings.json Values locally, App Settings in Azure). */
export function requiredSetting(name: string, purpose: string): string {
  const value = process.env[name];
  if (!value)
    throw new ConfigurationError(
      `App setting ${name} is not set; it is needed for ${purpose}. Set it in local.settings.json (Values) or the Function App's settings.`,
    );
  return value;
}

export function optionalSetting(name: string, fallback: string): string {
  return process.env[name] || fallback;
}

export function intSettingOr(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigurationError(`App setting ${name}="${raw}" must be a positive integer.`);
  return n;
}
