// What a deployment of the app carries: its production dependencies are exactly what its code imports, and the
// shape `sam build` and a Function App get (the npm package of the app, installed with --omit=dev) holds the
// compiled app and its SDKs, never the local platform, its emulators or its native SQLite addon.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
/** The folders whose code is deployed (Functions app and Lambda handlers). */
const APP_CODE_DIRS = ['saga', 'activities', 'orchestrations', 'triggers', 'adapters', 'aws-stepfunctions', 'bridge'];
const PLATFORM = '@cross-cloud-sagas/local-platform';

interface PackageJson {
  main: string;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every package folder of a node_modules tree, scoped and nested ones included. */
function installedPackages(modules: string): string[] {
  if (!fs.existsSync(modules)) return [];
  return fs.readdirSync(modules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    const dir = path.join(modules, name);
    if (name.startsWith('@')) return installedPackages(dir);
    const own = fs.existsSync(path.join(dir, 'package.json')) ? [dir] : [];
    return [...own, ...installedPackages(path.join(dir, 'node_modules'))];
  });
}

const readPackage = (dir: string): PackageJson =>
  JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const full = path.join(entry.parentPath, entry.name);
    return entry.isFile() && entry.name.endsWith('.ts') && !full.includes(`${path.sep}node_modules${path.sep}`)
      ? [full]
      : [];
  });
}

/** `@scope/name/deep/path` → `@scope/name`; `name/deep` → `name`. */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** npm packages the files import (static, dynamic or require), each with where: `package -> ["file:line"]`. */
function importedPackages(files: string[]): Map<string, string[]> {
  const builtins = new Set(builtinModules);
  const found = new Map<string, string[]>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)'([^'.][^']*)'/gm;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(specifier)) {
      const name = m[1];
      if (name.startsWith('node:') || builtins.has(packageOf(name))) continue;
      const line = text.slice(0, m.index).split('\n').length;
      const pkg = packageOf(name);
      found.set(pkg, [...(found.get(pkg) ?? []), `${path.relative(root, file)}:${line}`]);
    }
  }
  return found;
}

describe("the app's dependencies", () => {
  const pkg = readPackage(root);
  const production = new Set(Object.keys(pkg.dependencies ?? {}));
  const appImports = importedPackages(APP_CODE_DIRS.flatMap((d) => tsFiles(path.join(root, d))));

  it('the scan finds the imports it must (so the checks below cannot pass on an empty scan)', () => {
    expect([...appImports.keys()]).toEqual(expect.arrayContaining(['durable-functions', '@azure/functions', 'zod']));
  });

  it('every package app code imports is a production dependency (no devDependency, nothing undeclared)', () => {
    const wrong = [...appImports.entries()]
      .filter(([name]) => !production.has(name))
      .map(
        ([name, where]) =>
          `${name} (${pkg.devDependencies?.[name] ? 'a devDependency' : 'not declared'}; imported at ${where.join(', ')})`,
      );
    expect(wrong, 'deployed code may only import production dependencies').toEqual([]);
  });

  it('every production dependency is imported by app code (nothing ships that nothing uses)', () => {
    const unused = [...production].filter((name) => !appImports.has(name));
    expect(unused, 'move these to devDependencies or delete them').toEqual([]);
  });

  it('the local platform is a devDependency and no app code imports it', () => {
    expect(pkg.devDependencies?.[PLATFORM]).toBeDefined();
    expect(production.has(PLATFORM)).toBe(false);
    expect(appImports.get(PLATFORM)).toBeUndefined();
  });
});

describe("the app's tests and tools use the platform's public surface only", () => {
  it('imports name the package or its /testing entry, never its files', () => {
    const files = ['test', 'bench'].flatMap((d) => tsFiles(path.join(root, d)));
    expect(files.length).toBeGreaterThan(10);
    const deep: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)'([^']+)'/g)) {
        const spec = m[1];
        const intoPackage =
          (spec.startsWith(PLATFORM) && spec !== PLATFORM && spec !== `${PLATFORM}/testing`) ||
          (spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(root, 'packages')));
        if (intoPackage) deep.push(`${path.relative(root, file)}: '${spec}'`);
      }
    }
    expect(deep, `use '${PLATFORM}' or '${PLATFORM}/testing'`).toEqual([]);
  });
});

describe('the deployment shape (npm pack of the app, installed for production)', () => {
  let stage: string;
  let packed: string[];

  beforeAll(() => {
    stage = fs.mkdtempSync(path.join(os.tmpdir(), 'app-deploy-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', stage], { cwd: root, encoding: 'utf8' });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    packed = info.files.map((f) => f.path);
    execFileSync('tar', ['-xzf', path.join(stage, info.filename), '-C', stage]);
    const app = path.join(stage, 'package');
    fs.copyFileSync(path.join(root, 'package-lock.json'), path.join(app, 'package-lock.json'));
    // What `sam build` and a zip deployment do: production dependencies only, exactly as locked. Workspaces are
    // off because npm would otherwise install every workspace package with its dependencies, even with --omit=dev.
    execFileSync(
      'npm',
      ['ci', '--omit=dev', '--workspaces=false', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: app, stdio: 'pipe' },
    );
  }, 120_000);

  afterAll(() => {
    if (stage) fs.rmSync(stage, { recursive: true, force: true });
  });

  it('packs the compiled app and host.json, and nothing of the platform, tests, benchmarks or sources', () => {
    expect(packed).toEqual(expect.arrayContaining(['host.json', 'package.json', 'dist/triggers/placeOrder.js']));
    const stray = packed.filter(
      (f) =>
        !/^dist\/(activities|adapters|aws-stepfunctions|bridge|orchestrations|saga|triggers)\//.test(f) &&
        !['host.json', 'package.json', 'README.md'].includes(f),
    );
    expect(stray).toEqual([]);
  });

  it('installs no emulator, no platform and no native addon', () => {
    const modules = path.join(stage, 'package', 'node_modules');
    const platformDeps = Object.keys(readPackage(path.join(root, 'packages/local-platform')).dependencies ?? {});
    const appDeps = new Set(Object.keys(readPackage(root).dependencies ?? {}));
    // A platform dependency that an app dependency needs too (rhea, under @azure/service-bus) is deployed for that.
    const neededByApp = new Set(
      installedPackages(modules).flatMap((dir) => Object.keys(readPackage(dir).dependencies ?? {})),
    );
    const emulatorOnly = platformDeps.filter((d) => !appDeps.has(d) && !neededByApp.has(d));
    expect(emulatorOnly).toEqual(expect.arrayContaining(['better-sqlite3', 'aws-local-stepfunctions']));
    for (const name of [PLATFORM, ...emulatorOnly, 'typescript', 'vitest'])
      expect(fs.existsSync(path.join(modules, name)), `${name} must not be deployed`).toBe(false);
    const addons = fs.readdirSync(modules, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node'));
    expect(addons, 'a native addon would have to be built for the target').toEqual([]);
  });

  it('loads every Functions entry file and every Lambda handler from the production install alone', () => {
    const app = path.join(stage, 'package');
    const dirs = ['dist/orchestrations', 'dist/activities', 'dist/triggers', 'dist/aws-stepfunctions/handlers'];
    const entries = dirs.flatMap((d) =>
      fs
        .readdirSync(path.join(app, d))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `./${d}/${f}`),
    );
    expect(entries.length).toBeGreaterThan(20);
    const script = `for (const f of ${JSON.stringify(entries)}) require(f); console.log('loaded ' + ${entries.length});`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    expect(run.stderr.split('\n').filter((l) => /Error|Cannot find module/.test(l))).toEqual([]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`loaded ${entries.length}`);
  });
});
