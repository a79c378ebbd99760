/**
 * The kinds of value a platform setting takes. Each parses the raw string of the app setting (local.settings.json
 * `Values` or the environment) and says what it allows, which the error at start-up and the README table both use.
 */
export interface SettingKind<T> {
  /** What is allowed, completing "it must be …". */
  readonly allowed: string;
  /** The parsed value, or undefined when the text is not allowed. */
  parse(raw: string): T | undefined;
  /** How a default shows in the README table. */
  show(value: T): string;
}

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): SettingKind<number> {
  return {
    allowed:
      max === Number.MAX_SAFE_INTEGER
        ? `a whole number ≥ ${min}`
        : `a whole number from ${min} to ${max.toLocaleString('en')}`,
    parse(raw) {
      if (!/^\s*\d+\s*$/.test(raw)) return undefined;
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
    // Ports and small counts read better without grouping; byte sizes and event counts with it.
    show: (n) => (n >= 10_000 ? n.toLocaleString('en') : String(n)),
  };
}

export function choice<const T extends string>(...options: T[]): SettingKind<T> {
  return {
    allowed: `one of ${options.join(', ')}`,
    parse: (raw) => options.find((o) => o.toLowerCase() === raw.trim().toLowerCase()),
    show: (v) => v,
  };
}

export const text: SettingKind<string> = { allowed: 'any text', parse: (raw) => raw, show: (v) => v };

/** A key or password: shown nowhere, not even in the error of another setting. */
export const secret: SettingKind<string> = {
  allowed: 'any text',
  parse: (raw) => raw,
  show: () => '(a local placeholder)',
};

/** A file path, relative to the app folder. */
export const filePath: SettingKind<string> = {
  allowed: 'a file path (relative to the app folder)',
  parse: (raw) => (raw.trim() ? raw.trim() : undefined),
  show: (v) => `\`${v}\``,
};

/** A SQLite file (relative to the app folder), or `memory` to keep nothing on disk. */
export const storeLocation: SettingKind<string> = {
  allowed: 'a file path (relative to the app folder) or memory',
  parse: (raw) => {
    const v = raw.trim();
    if (!v) return undefined;
    return v === 'memory' || v === ':memory:' ? 'memory' : v;
  },
  show: (v) => `\`${v}\``,
};

/** A URL path on the platform, and the metadata values a charge needs for its events to go there (none: all). */
export interface WebhookPath {
  path: string;
  metadata?: Record<string, string>;
}

/**
 * Comma-separated URL paths, each starting with `/`, each optionally followed by `key=value` filters on the
 * charge's metadata: `/api/payments/webhook engine=durable, /lambda-url/PaymentWebhookFunction/ engine=stepfunctions`.
 */
export const webhookPaths: SettingKind<WebhookPath[]> = {
  allowed: 'comma-separated URL paths, each starting with / and optionally followed by key=value metadata filters',
  parse: (raw) => {
    const entries = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const parsed: WebhookPath[] = [];
    for (const entry of entries) {
      const [path, ...filters] = entry.split(/\s+/);
      if (!path.startsWith('/')) return undefined;
      const pairs = filters.map((f) => /^([^=\s[\]]{1,40})=(\S{1,500})$/.exec(f));
      if (pairs.some((m) => !m)) return undefined;
      parsed.push(pairs.length ? { path, metadata: Object.fromEntries(pairs.map((m) => [m![1], m![2]])) } : { path });
    }
    return parsed.length ? parsed : undefined;
  },
  show: (v) =>
    v
      .map((e) => `\`${[e.path, ...Object.entries(e.metadata ?? {}).map(([k, x]) => `${k}=${x}`)].join(' ')}\``)
      .join(', '),
};
