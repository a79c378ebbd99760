import { SettingsError } from './errors';

/** host.json `extensions.http` throttles, validated; undefined where the file leaves the Functions host's default. */
export interface HostHttpThrottles {
  maxConcurrentRequests?: number;
  maxOutstandingRequests?: number;
  dynamicThrottlesEnabled?: boolean;
}

const LIMITS = ['maxConcurrentRequests', 'maxOutstandingRequests'] as const;

/**
 * Reads the HTTP throttles of host.json `extensions.http`. Outside the Consumption plan the Functions host leaves
 * both limits unbounded (-1) and dynamic throttles off, and so does this host when the file says nothing.
 */
export function readHostHttpThrottles(http: unknown): HostHttpThrottles {
  if (http === undefined) return {};
  if (!http || typeof http !== 'object' || Array.isArray(http))
    throw new SettingsError('host.json extensions.http must be an object, e.g. { "maxOutstandingRequests": 200 }.');
  const section = http as Record<string, unknown>;
  const out: HostHttpThrottles = {};
  for (const name of LIMITS) {
    const value = section[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || (value < 1 && value !== -1)) {
      throw new SettingsError(
        `host.json extensions.http.${name} is ${JSON.stringify(value)}; it must be a whole number of at least 1, or -1 for no limit.`,
      );
    }
    out[name] = value;
  }
  const dynamic = section.dynamicThrottlesEnabled;
  if (dynamic !== undefined && typeof dynamic !== 'boolean')
    throw new SettingsError(
      `host.json extensions.http.dynamicThrottlesEnabled is ${JSON.stringify(dynamic)}; it must be true or false.`,
    );
  if (dynamic !== undefined) out.dynamicThrottlesEnabled = dynamic;
  return out;
}
