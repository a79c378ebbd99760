import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentProgrammingModel, withRegistrationSink } from './coreApi';
import { resolveEntryFiles } from './entryGlob';
import { FunctionRegistry } from './registry';

export class AppLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppLoadError';
  }
}

// Native dynamic import, out of reach of test runners that rewrite `import()` in transformed sources.
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

const loaded = new Map<string, Promise<FunctionRegistry>>();

/**
 * Loads the app the way the worker does: every file named by `package.json` `main`, with registrations
 * captured. Node caches modules per process, so an app is loaded once and later platforms reuse its registry.
 */
export function loadApp(appRoot: string): Promise<FunctionRegistry> {
  const root = path.resolve(appRoot);
  let pending = loaded.get(root);
  if (!pending) {
    pending = load(root);
    loaded.set(root, pending);
    pending.catch(() => loaded.delete(root));
  }
  return pending;
}

async function load(root: string): Promise<FunctionRegistry> {
  const pkgPath = path.join(root, 'package.json');
  if (!fs.existsSync(pkgPath))
    throw new AppLoadError(
      `No package.json in ${root}: the app root must hold package.json with "main" naming its entry files.`,
    );
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { main?: string; type?: string };
  const main = pkg.main ?? 'index.js';
  const files = resolveEntryFiles(root, main);
  if (files.length === 0) {
    throw new AppLoadError(
      `package.json "main" is "${main}" but no file in ${root} matches it. Build the app first (npm run build) or fix "main".`,
    );
  }
  const registry = new FunctionRegistry();
  const requireFromApp = createRequire(pkgPath);
  await withRegistrationSink(registry, async () => {
    for (const file of files) {
      const esm = file.endsWith('.mjs') || (pkg.type === 'module' && file.endsWith('.js'));
      try {
        if (esm) await nativeImport(pathToFileURL(file).href);
        else requireFromApp(file);
      } catch (e) {
        throw new AppLoadError(`Loading ${path.relative(root, file)} failed: ${(e as Error).stack ?? e}`);
      }
    }
  });
  registry.programmingModel ??= currentProgrammingModel();
  if (!registry.programmingModel && registry.functions.size > 0) {
    throw new AppLoadError('The app registered functions but no programming model; is @azure/functions v4 installed?');
  }
  return registry;
}
