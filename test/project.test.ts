// Static checks of the project's Functions configuration, and the project app itself loaded on the embedded
// platform from its compiled output (the test run builds first: npm test = tsc && vitest).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_SETTINGS, resolveEntryFiles } from '@cross-cloud-sagas/local-platform';
import { startTestPlatform, TestPlatform } from '@cross-cloud-sagas/local-platform/testing';

const root = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['orchestrations', 'activities', 'triggers', 'adapters', 'saga'];
const APP_DIRS = ['orchestrations', 'activities', 'triggers'];

const readJson = <T = Record<string, unknown>>(file: string): T =>
  JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;

interface HostJson {
  version?: string;
  extensionBundle?: { id?: string; version?: string };
  extensions?: { durableTask?: { hubName?: string } };
}

interface SettingsFile {
  IsEncrypted?: boolean;
  Values: Record<string, string>;
}

/** Every .ts/.js/.mjs/.cjs source file under a folder (no node_modules, no declaration files). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(full);
      }
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

/** `name -> ["file:line", ...]` for every match of `re` (group 1 = the name) in the sources. */
function findReads(re: RegExp): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(dir)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(re)) {
          const where = `${path.relative(root, file)}:${i + 1}`;
          found.set(m[1], [...(found.get(m[1]) ?? []), where]);
        }
      });
    }
  }
  return found;
}

describe('host.json', () => {
  const host = readJson<HostJson>('host.json');

  it('is a version 2.0 host.json', () => {
    expect(host.version).toBe('2.0');
  });

  it('uses the v4 extension bundle', () => {
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('names the durable task hub', () => {
    expect(typeof host.extensions?.durableTask?.hubName).toBe('string');
    expect(host.extensions!.durableTask!.hubName!.length).toBeGreaterThan(0);
  });
});

describe('local.settings.sample.json', () => {
  const sample = readJson<SettingsFile>('local.settings.sample.json');

  it('configures the Node.js worker and storage', () => {
    expect(sample.IsEncrypted).toBe(false);
    expect(sample.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(typeof sample.Values.AzureWebJobsStorage).toBe('string');
    expect(sample.Values.AzureWebJobsStorage.length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(sample.Values)) expect(typeof v, `Values.${k} must be a string`).toBe('string');
  });

  it('defines every %NAME% that host.json refers to', () => {
    const text = fs.readFileSync(path.join(root, 'host.json'), 'utf8');
    const refs = [...text.matchAll(/%([^%\s"]+)%/g)].map((m) => m[1]);
    expect(refs).toContain('TASKHUB_NAME');
    for (const name of refs) expect(sample.Values, `host.json uses %${name}%`).toHaveProperty(name);
  });

  it('lists every setting of the local platform, and no LOCAL_* name that is not one', () => {
    const platform = Object.values(PLATFORM_SETTINGS).map((spec) => spec.name as string);
    expect(platform.length).toBeGreaterThan(20);
    expect(platform.filter((name) => !(name in sample.Values))).toEqual([]);
    const sampleLocal = Object.keys(sample.Values).filter((name) => name.startsWith('LOCAL_'));
    expect(sampleLocal.filter((name) => !platform.includes(name))).toEqual([]);
  });

  it('lists every app setting the adapters and triggers read (requiredSetting, optionalSetting, process.env)', () => {
    const reads = findReads(/\b(?:requiredSetting|optionalSetting|intSettingOr)\(\s*'([A-Za-z_][A-Za-z0-9_]*)'/g);
    for (const [name, where] of findReads(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g))
      if (where.some((w) => /^(adapters|triggers|activities)\//.test(w))) reads.set(name, where);
    expect(reads.size, 'the grep found no settings reads at all').toBeGreaterThan(5);
    // Set by the hosting platform itself (AWS Lambda), never by the user.
    const platformProvided = new Set(['AWS_LAMBDA_FUNCTION_NAME']);
    const missing = [...reads.entries()]
      .filter(([name]) => !(name in sample.Values) && !platformProvided.has(name))
      .map(([name, where]) => `${name} (read at ${[...new Set(where)].join(', ')})`);
    expect(missing).toEqual([]);
  });
});

describe('package.json main', () => {
  const pkg = readJson<{ main: string }>('package.json');

  it("resolves (with the loader's own glob) to compiled app files in dist/, one for every source file", () => {
    expect(pkg.main.startsWith('dist/')).toBe(true);
    const files = resolveEntryFiles(root, pkg.main).map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f, 'entry files are compiled JavaScript under dist/').toMatch(
        /^dist\/(orchestrations|activities|triggers)\/.+\.js$/,
      );
      expect(fs.existsSync(path.join(root, f))).toBe(true);
    }
    const expected = APP_DIRS.flatMap((dir) => sourceFiles(dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `dist/${path.relative(root, f).split(path.sep).join('/').replace(/\.ts$/, '.js')}`);
    expect(expected.length).toBeGreaterThan(0);
    for (const f of expected) expect(files, `${f} (built from its .ts source) is not loaded by main`).toContain(f);
  });
});

describe('the project app on the embedded platform', () => {
  const FUNCTION_KEY = 'project-test-function-key';
  const envBefore = { ...process.env };
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ appRoot: root, settings: { LOCAL_FUNCTION_KEY: FUNCTION_KEY } });
  });

  afterAll(async () => {
    await t?.stop();
    for (const k of Object.keys(process.env)) if (!(k in envBefore)) delete process.env[k];
    Object.assign(process.env, envBefore);
  });

  it('registers the order functions with their triggers, and no generic or sample starter', () => {
    const trigger = (name: string): string | undefined => t.platform.registry.get(name)?.trigger.type;
    expect(trigger('orderSaga')).toBe('orchestrationTrigger');
    expect(trigger('chargePayment')).toBe('activityTrigger');
    expect(trigger('placeOrder')).toBe('httpTrigger');
    expect(t.platform.taskHub).toBe(t.platform.settings.TASKHUB_NAME);
    const lines = t.platform.describeFunctions();
    expect(lines).toContain(`placeOrder: [POST] ${t.baseUrl}/api/orders`);
    // Order sagas start only through the validated intake; nothing starts an arbitrary orchestration.
    for (const gone of ['startOrchestration', 'helloSequence', 'sayHello']) expect(trigger(gone), gone).toBeUndefined();
    expect(lines.join('\n')).not.toMatch(/orchestrators/);
  });

  it('answers POST /api/orchestrators/{name}/{id} with 404, with or without a key', async () => {
    for (const key of [undefined, FUNCTION_KEY]) {
      const res = await fetch(`${t.baseUrl}/api/orchestrators/orderSaga/ord-p-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
        body: '{}',
      });
      expect(res.status).toBe(404);
    }
    expect(t.platform.engine.getStatus('ord-p-1')).toBeUndefined();
  });
});
