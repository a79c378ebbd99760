import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/platform';
import {
  type AppSettings,
  PLATFORM_SETTINGS,
  readPlatformSettings,
  SettingsError,
  settingsTable,
} from '../../src/settings';

const packageRoot = path.resolve(__dirname, '../..');
const fromFile = (values: Record<string, string>): AppSettings => ({
  values,
  sourceOf: Object.fromEntries(Object.keys(values).map((k) => [k, 'local.settings.json' as const])),
});
const errorOf = (values: Record<string, string>): SettingsError => {
  try {
    readPlatformSettings(fromFile(values));
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error('expected a SettingsError');
};

describe('platform settings: one typed object, read once', () => {
  it('takes every default when nothing is set, and empty values count as unset', () => {
    const none = readPlatformSettings(fromFile({}));
    const empty = readPlatformSettings(
      fromFile(Object.fromEntries(Object.values(PLATFORM_SETTINGS).map((s) => [s.name, ''] as const))),
    );
    for (const [key, spec] of Object.entries(PLATFORM_SETTINGS)) {
      expect(none[key as keyof typeof none], key).toEqual(spec.default);
      expect(empty[key as keyof typeof empty], key).toEqual(spec.default);
    }
    expect(none.httpPort).toBe(7071);
    expect(none.durableStore).toBe('.local/durable.sqlite');
    expect(none.functionKey).toBeUndefined();
  });

  it('parses each kind of value', () => {
    const s = readPlatformSettings(
      fromFile({
        LOCAL_HTTP_PORT: ' 0 ',
        LOCAL_DURABLE_SYNCHRONOUS: 'full',
        LOCAL_DURABLE_STORE: ':memory:',
        LOCAL_PAYMENT_WEBHOOK_PATH: '/api/a, /lambda-url/B/ engine=stepfunctions  region=eu',
        LOCAL_MAX_CONCURRENT_ACTIVITIES: '8',
        LOCAL_FUNCTION_KEY: 'k1',
      }),
    );
    expect(s).toMatchObject({
      httpPort: 0,
      durableSynchronous: 'FULL',
      durableStore: 'memory',
      paymentWebhookPaths: [
        { path: '/api/a' },
        { path: '/lambda-url/B/', metadata: { engine: 'stepfunctions', region: 'eu' } },
      ],
      maxConcurrentActivities: 8,
      functionKey: 'k1',
    });
  });

  it("falls back to the app's own setting where the platform's is empty", () => {
    const s = readPlatformSettings(fromFile({ LOCAL_PAYMENT_GATEWAY_API_KEY: '', PAYMENT_GATEWAY_API_KEY: 'app-key' }));
    expect(s.paymentGatewayApiKey).toBe('app-key');
    expect(readPlatformSettings(fromFile({})).paymentGatewayApiKey).toBe('local-gateway-key');
  });

  it('a bad value names the setting, the value, where it came from and what is allowed', () => {
    const e = errorOf({ LOCAL_HTTP_PORT: '70x1' });
    expect(e.message).toContain('LOCAL_HTTP_PORT="70x1" (from local.settings.json) is not allowed');
    expect(e.message).toContain('it must be a whole number from 0 to 65,535');
    expect(e.message).toContain('Port of the HTTP host');
  });

  it('reports every bad setting at once', () => {
    const e = errorOf({
      LOCAL_HTTP_PORT: '99999',
      LOCAL_DURABLE_SYNCHRONOUS: 'sometimes',
      LOCAL_MAX_CONCURRENT_ORCHESTRATIONS: '0',
      LOCAL_PAYMENT_WEBHOOK_PATH: 'api/hook',
      LOCAL_PAYMENT_SLOW_MS: '-5',
      LOCAL_PAYMENT_CONFIRM_DELAY_MS: 'soon',
    });
    expect(e.message).toContain('6 settings are not valid');
    expect(e.message).toContain('LOCAL_DURABLE_SYNCHRONOUS="sometimes"');
    expect(e.message).toContain('one of OFF, NORMAL, FULL');
    expect(e.message).toContain('LOCAL_MAX_CONCURRENT_ORCHESTRATIONS="0"');
    expect(e.message).toContain('a whole number ≥ 1');
    expect(e.message).toContain('each starting with /');
    expect(e.message).toContain('LOCAL_PAYMENT_SLOW_MS="-5"');
    expect(errorOf({ LOCAL_PAYMENT_WEBHOOK_PATH: '/api/hook engine' }).message).toContain(
      'optionally followed by key=value metadata filters',
    );
  });

  it('a setting name with a typo is reported with the likely intent', () => {
    const notices: string[] = [];
    readPlatformSettings(fromFile({ LOCAL_HTTP_PROT: '8080', LOCAL_SOMETHING_ELSE_ENTIRELY: 'x' }), (m) =>
      notices.push(m),
    );
    expect(notices).toEqual([
      'LOCAL_HTTP_PROT is not a setting of the local platform; did you mean LOCAL_HTTP_PORT?',
      'LOCAL_SOMETHING_ELSE_ENTIRELY is not a setting of the local platform.',
    ]);
  });

  it('start-up fails on a bad value before anything listens', async () => {
    const appRoot = path.join(__dirname, '../fixtures/durable-app');
    await expect(
      startPlatform({
        appRoot,
        store: 'memory',
        settings: { LOCAL_HTTP_MAX_BODY_BYTES: 'lots' },
        log: () => undefined,
      }),
    ).rejects.toThrow(/LOCAL_HTTP_MAX_BODY_BYTES="lots" \(from the platform options\) is not allowed/);
    expect(process.env.LOCAL_HTTP_MAX_BODY_BYTES, 'a refused start leaves the environment alone').toBeUndefined();
  });

  it("the package README's settings table is the one generated from the list", () => {
    // Prettier pads table cells, so rows are compared cell by cell; `npm run settings-table` prints the table.
    const rows = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
        .map((l) =>
          l
            .split(/(?<!\\)\|/)
            .map((c) => c.trim())
            .join(' | '),
        );
    const readme = fs.readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
    const section = /<!-- settings:begin -->([\s\S]*)<!-- settings:end -->/.exec(readme);
    expect(section, 'README.md needs the table between <!-- settings:begin --> and <!-- settings:end -->').toBeTruthy();
    expect(rows(section![1])).toEqual(rows(settingsTable()));
  });

  it('no platform file reads a LOCAL_* setting around the settings object', () => {
    const src = path.join(packageRoot, 'src');
    const reads = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith(`settings${path.sep}`))
      .flatMap((f) => {
        const text = fs.readFileSync(path.join(src, f), 'utf8');
        return [...text.matchAll(/(?:settings|process\.env)(?:\.|\[\s*['"])(LOCAL_[A-Z0-9_]+)/g)].map(
          (m) => `${f}: ${m[1]}`,
        );
      });
    expect(reads).toEqual([]);
  });
});
