// The platform's module structure, checked on every run: no import cycles among src files, the emulated services
// stay independent of the Functions host, the durable engine and the platform wiring, and nothing in src reaches out
// of the package (the platform never imports the app). The checker reads the import statements itself, so it
// first proves, on tiny in-memory sources, that it catches each kind of violation: a broken parser cannot pass
// vacuously.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** Folders of emulated services: each stands alone, as the cloud service it emulates does. */
const EMULATED_SERVICES = [
  'src/serviceBus/',
  'src/eventBridge/',
  'src/firehose/',
  'src/stepFunctions/',
  'src/lambda/',
  'src/paymentGateway/',
  'src/emailService/',
  'src/cosmos/',
  'src/http/',
];

/**
 * What an emulated service must not import: the Functions host, the durable engine and the wiring that assembles
 * the platform. (The durable engine itself may use the Functions host, e.g. durable/functionsWorker.ts: it runs
 * functions through the host, and it is not an emulated service.)
 */
const PLATFORM_INTERNALS = [
  'src/functionsHost/',
  'src/durable/',
  'src/platform.ts',
  'src/localClouds.ts',
  'src/localAws.ts',
  'src/testing/',
  'src/cli.ts',
];

/**
 * Cycles tolerated for now, each the exact set of files of one cycle (a strongly connected group of imports), e.g.
 * `['src/durable/a.ts', 'src/durable/b.ts']`: a listed cycle that grows or shrinks fails, and so does any other. Meant
 * for a cycle found in a folder whose owners are changing it in parallel, until they break it; an entry whose cycle
 * is gone fails too, so the list cannot go stale. Empty: src had no other cycle once lambda/ and stepFunctions/ lost
 * theirs.
 */
const KNOWN_CYCLES_TO_BREAK: readonly (readonly string[])[] = [];

/** Files by path relative to the package root (`src/eventBridge/api.ts`), with their text. */
type SourceFiles = ReadonlyMap<string, string>;

interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** Package-relative path of the src file it names, when it names one. */
  readonly to?: string;
}

/**
 * Blanks out comments, keeping strings (import specifiers are strings) and line breaks, so that an example in a
 * comment is not read as an import. A lexer, not a parser: a quote or `/*` inside a regular-expression literal can
 * throw it off for the rest of the file, which is why imports (at the top of every file) are what it is trusted with.
 */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// `import x from '…'`, `import { a,\n b } from '…'`, `import type …`, `import * as n from '…'`, `import '…'`,
// `export * from '…'`, `export { a } from '…'`, `export type { A } from '…'`, `export * as n from '…'`.
const STATIC_IMPORT = /\b(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]*?\s*from\s*)?['"]([^'"]+)['"]/g;
// `import('…')`: a dynamic import or a `typeof import('…')` type query. Those naming npm packages do not matter here.
const IMPORT_CALL = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a source file imports or re-exports. */
function importSpecifiers(source: string): string[] {
  const text = withoutComments(source);
  return [...text.matchAll(STATIC_IMPORT), ...text.matchAll(IMPORT_CALL)].map((m) => m[1]);
}

/** The src file a relative specifier names (`./x`, `./x.js`, `./x/index`), if any. */
function resolveSourceFile(files: SourceFiles, from: string, specifier: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base.replace(/\.js$/, '')}.ts`, `${base}/index.ts`];
  return candidates.find((c) => files.has(c));
}

function importEdges(files: SourceFiles): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [from, source] of files) {
    for (const specifier of importSpecifiers(source)) {
      if (!specifier.startsWith('.')) continue; // node: built-ins and npm packages
      edges.push({ from, specifier, to: resolveSourceFile(files, from, specifier) });
    }
  }
  return edges;
}

/** Groups of files that import each other, directly or around a loop (Tarjan's strongly connected components). */
function cyclicGroups(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** The shortest import chain from the group's first file back to itself, staying inside the group. */
function chainThrough(group: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(group);
  const start = group[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const chain = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) {
          chain.unshift(at);
        }
        chain.unshift(start);
        return chain;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const shortName = (file: string): string => file.replace(/^src\//, '');
const sameFiles = (a: readonly string[], b: readonly string[]): boolean =>
  [...a].sort().join('\n') === [...b].sort().join('\n');

/** Every rule broken by the files, each as a readable line; empty when the structure is sound. */
function architectureViolations(
  files: SourceFiles,
  knownCycles: readonly (readonly string[])[] = KNOWN_CYCLES_TO_BREAK,
): string[] {
  const violations: string[] = [];
  const edges = importEdges(files);
  for (const edge of edges) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(edge.from), edge.specifier));
    if (target === '..' || target.startsWith('../')) {
      violations.push(
        `${edge.from} imports '${edge.specifier}', which leaves packages/local-platform: the platform must not import the app (pass what it needs in through options instead).`,
      );
      continue;
    }
    if (!edge.to) {
      // Inside the package but outside src (e.g. ../package.json) is not a module of the graph; inside src it must be.
      if (target.startsWith('src/'))
        violations.push(
          `${edge.from} imports '${edge.specifier}', which names no .ts file in src: the checker cannot follow it.`,
        );
      continue;
    }
    const service = EMULATED_SERVICES.find((folder) => edge.from.startsWith(folder));
    const internal = PLATFORM_INTERNALS.find((p) => (p.endsWith('/') ? edge.to!.startsWith(p) : edge.to === p));
    if (service && internal) {
      violations.push(
        `${edge.from} imports ${edge.to}: the emulated service in ${service} must not depend on ${internal} (the Functions host, the durable engine or the platform wiring); let the wiring pass it what it needs.`,
      );
    }
  }
  const graph = new Map<string, string[]>();
  for (const file of files.keys()) graph.set(file, []);
  for (const edge of edges)
    if (edge.to && !graph.get(edge.from)!.includes(edge.to)) graph.get(edge.from)!.push(edge.to);
  const groups = cyclicGroups(graph);
  for (const group of groups) {
    if (knownCycles.some((known) => sameFiles(known, group))) continue;
    const chain = chainThrough(group, graph).map(shortName).join(' → ');
    const others = group.length > 2 ? ` (the cycle's files: ${group.map(shortName).join(', ')})` : '';
    violations.push(
      `Import cycle: ${chain}${others}. Break it by moving what they share into a file of its own that they import.`,
    );
  }
  for (const known of knownCycles) {
    if (!groups.some((group) => sameFiles(known, group))) {
      violations.push(
        `KNOWN_CYCLES_TO_BREAK lists a cycle that is no longer there (${known.map(shortName).join(', ')}): remove the entry.`,
      );
    }
  }
  return violations;
}

function readSources(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        files.set(path.relative(PACKAGE_ROOT, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(path.join(PACKAGE_ROOT, 'src'));
  return files;
}

describe('the import checker', () => {
  it('reads every form of import and re-export, and none in comments', () => {
    const source = [
      "import * as fs from 'node:fs';",
      'import {',
      '  first,',
      '  second,',
      "} from './multiLine';",
      "import type { Shape } from './typeOnly';",
      "import Default, { named } from './mixed';",
      "import './sideEffect';",
      "export * from './reexportAll';",
      "export * as ns from './reexportNamespace';",
      'export type {',
      '  A,',
      "} from './reexportType';",
      "type Lib = typeof import('./typeQuery');",
      "type Npm = typeof import('aws-local-stepfunctions');",
      "// import { commented } from './lineComment';",
      "/* export * from './blockComment'; */",
      "const url = 'http://example.com'; // a string with // in it",
      "export const text = 'import nothing from here';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([
      'node:fs',
      './multiLine',
      './typeOnly',
      './mixed',
      './sideEffect',
      './reexportAll',
      './reexportNamespace',
      './reexportType',
      './typeQuery',
      'aws-local-stepfunctions',
    ]);
  });

  it('reports a cycle as the chain of files, through a multi-line import and a re-export', () => {
    const files = new Map([
      ['src/a.ts', "import {\n  b,\n} from './b';\nexport const a = b;"],
      ['src/b.ts', "export * from './c';"],
      ['src/c.ts', "import type { A } from './a';"],
      ['src/d.ts', "import { a } from './a';"],
    ]);
    expect(architectureViolations(files, [])).toEqual([
      "Import cycle: a.ts → b.ts → c.ts → a.ts (the cycle's files: a.ts, b.ts, c.ts). Break it by moving what they share into a file of its own that they import.",
    ]);
    // An allow-listed cycle passes only while it is exactly the same set of files.
    expect(architectureViolations(files, [['src/a.ts', 'src/b.ts', 'src/c.ts']])).toEqual([]);
    expect(architectureViolations(files, [['src/a.ts', 'src/b.ts']])).toHaveLength(2);
  });

  it('reports an emulated service importing the durable engine or the platform wiring', () => {
    const files = new Map([
      ['src/eventBridge/delivery.ts', "import { engine } from '../durable/engine';"],
      ['src/lambda/runtime.ts', "import type { Platform } from '../platform';"],
      ['src/durable/engine.ts', "import { host } from '../functionsHost/host';"],
      ['src/functionsHost/host.ts', 'export const host = 1;'],
      ['src/platform.ts', "import { engine } from './durable/engine';"],
    ]);
    const violations = architectureViolations(files, []);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toMatch(/^src\/eventBridge\/delivery\.ts imports src\/durable\/engine\.ts: .*src\/durable\//);
    expect(violations[1]).toMatch(/^src\/lambda\/runtime\.ts imports src\/platform\.ts: /);
  });

  it('reports a relative import that leaves the package, and one it cannot follow', () => {
    const files = new Map([
      [
        'src/http/server.ts',
        "import { saga } from '../../../../saga/orders';\nimport { version } from '../../package.json';",
      ],
      ['src/http/routes.ts', "import { gone } from './missing';"],
    ]);
    expect(architectureViolations(files, [])).toEqual([
      "src/http/server.ts imports '../../../../saga/orders', which leaves packages/local-platform: the platform must not import the app (pass what it needs in through options instead).",
      "src/http/routes.ts imports './missing', which names no .ts file in src: the checker cannot follow it.",
    ]);
  });
});

describe('packages/local-platform/src', () => {
  it('has no import cycles, keeps emulated services off the platform internals, and never imports the app', () => {
    const files = readSources();
    expect(files.size).toBeGreaterThan(100);
    expect(architectureViolations(files)).toEqual([]);
  });
});
