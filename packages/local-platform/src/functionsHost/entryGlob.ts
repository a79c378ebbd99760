import * as fs from 'node:fs';
import * as path from 'node:path';

/** Expands `{a,b}` alternatives (nested ones too) into plain patterns. */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) {
      const inner = pattern.slice(open + 1, i);
      const parts: string[] = [];
      let d = 0;
      let start = 0;
      for (let j = 0; j < inner.length; j++) {
        if (inner[j] === '{') d++;
        else if (inner[j] === '}') d--;
        else if (inner[j] === ',' && d === 0) {
          parts.push(inner.slice(start, j));
          start = j + 1;
        }
      }
      parts.push(inner.slice(start));
      return parts.flatMap((p) => expandBraces(pattern.slice(0, open) + p + pattern.slice(i + 1)));
    }
  }
  return [pattern];
}

function segmentRegex(segment: string): RegExp {
  const re = segment
    .replace(/[.+^$()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

function walk(dir: string, segments: string[], out: Set<string>): void {
  if (segments.length === 0) {
    if (fs.existsSync(dir) && fs.statSync(dir).isFile()) out.add(dir);
    return;
  }
  const [head, ...rest] = segments;
  if (head === '**') {
    walk(dir, rest, out);
    for (const entry of safeReaddir(dir)) {
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(dir, entry.name), segments, out);
    }
    return;
  }
  if (!/[*?]/.test(head)) {
    walk(path.join(dir, head), rest, out);
    return;
  }
  const re = segmentRegex(head);
  for (const entry of safeReaddir(dir)) {
    if (re.test(entry.name)) walk(path.join(dir, entry.name), rest, out);
  }
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Resolves `package.json` `main` as the Functions Node.js worker does: a path or a glob (`*`, `**`, `?`,
 * `{a,b}`), relative to the app root. Files come back sorted so load order is stable.
 */
export function resolveEntryFiles(appRoot: string, main: string): string[] {
  const out = new Set<string>();
  for (const pattern of expandBraces(main.replace(/^\.\//, ''))) {
    walk(
      appRoot,
      pattern.split('/').filter((s) => s !== '' && s !== '.'),
      out,
    );
  }
  return [...out].sort();
}
