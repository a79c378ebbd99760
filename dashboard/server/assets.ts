import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { shellHtml } from './shell';
import { STYLES_CSS } from './styles';

export interface Asset {
  contentType: string;
  body: string;
  /** A strong validator: the browser revalidates each load and gets 304 while the file is unchanged. */
  etag: string;
}

/** The compiled page code (dashboard/browser, built by its own tsconfig beside the app). */
const BROWSER_DIR = path.resolve(__dirname, '../browser');

/** Module paths as the page imports them: letters, digits, "-", "_", one optional folder. Nothing else is read. */
const MODULE_PATH = /^(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9_-]+\.js$/;

const asset = (contentType: string, body: string): Asset => ({
  contentType,
  body,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

let catalog: Promise<Map<string, Asset>> | undefined;

/** Every file the dashboard serves, read once: the deployed files do not change while the app runs. */
async function load(): Promise<Map<string, Asset>> {
  const files = new Map<string, Asset>();
  const names = (await readdir(BROWSER_DIR, { recursive: true, encoding: 'utf8' }))
    .map((n) => n.split(path.sep).join('/'))
    .filter((n) => MODULE_PATH.test(n))
    .sort();
  for (const name of names)
    files.set(name, asset('text/javascript; charset=utf-8', await readFile(path.join(BROWSER_DIR, name), 'utf8')));
  const page = asset('text/html; charset=utf-8', shellHtml(names.filter((n) => n !== 'app.js')));
  files.set('', page);
  files.set('index.html', page);
  files.set('styles.css', asset('text/css; charset=utf-8', STYLES_CSS));
  return files;
}

/**
 * The dashboard's files by their path under /api/ops/ui/: the page, its styles and its modules. Any other path
 * is undefined (404): the catalog is a fixed list, so no request can name another file of the app.
 */
export async function dashboardAsset(name: string): Promise<Asset | undefined> {
  if (!catalog) {
    catalog = load();
    catalog.catch(() => (catalog = undefined));
  }
  return (await catalog).get(name);
}
