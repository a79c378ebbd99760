import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SHELL_HTML } from './shell';
import { STYLES_CSS } from './styles';

export interface Asset {
  contentType: string;
  body: string;
}

/** The compiled page code (dashboard/browser, built by its own tsconfig beside the app). */
const BROWSER_DIR = path.resolve(__dirname, '../browser');

/** Module paths as the page imports them: letters, digits, "-", "_", one optional folder. Nothing else is read. */
const MODULE_PATH = /^(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9_-]+\.js$/;

const cache = new Map<string, Promise<Asset | undefined>>();

async function loadModule(name: string): Promise<Asset | undefined> {
  try {
    return {
      contentType: 'text/javascript; charset=utf-8',
      body: await readFile(path.join(BROWSER_DIR, name), 'utf8'),
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The dashboard's files by their path under /api/ops/ui/: the page, its styles and its modules. Unknown or
 * malformed paths are undefined (404), so no request can read another file of the app.
 */
export function dashboardAsset(name: string): Promise<Asset | undefined> {
  if (name === '' || name === 'index.html')
    return Promise.resolve({ contentType: 'text/html; charset=utf-8', body: SHELL_HTML });
  if (name === 'styles.css') return Promise.resolve({ contentType: 'text/css; charset=utf-8', body: STYLES_CSS });
  if (!MODULE_PATH.test(name)) return Promise.resolve(undefined);
  let asset = cache.get(name);
  if (!asset) {
    asset = loadModule(name);
    cache.set(name, asset);
    asset.catch(() => cache.delete(name));
  }
  return asset;
}
