// Deletes compiled files whose TypeScript source is gone (renamed or moved), before `tsc -b` builds. tsc never
// deletes them, and Node would still load a stale `x.js` before a new `x/index.js`.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const builds = [
  { out: path.join(root, 'dist'), src: root },
  { out: path.join(root, 'packages/local-platform/dist'), src: path.join(root, 'packages/local-platform/src') },
  // The engine benchmark compiles the package's src/ and bench/ together into dist-bench/.
  { out: path.join(root, 'packages/local-platform/dist-bench'), src: path.join(root, 'packages/local-platform') },
];

for (const { out, src } of builds) {
  if (!fs.existsSync(out)) continue;
  for (const rel of fs.readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*)\.(?:js|d\.ts)(?:\.map)?$/.exec(rel);
    if (!m) continue;
    if (fs.existsSync(path.join(src, `${m[1]}.ts`))) continue;
    fs.rmSync(path.join(out, rel));
  }
}
