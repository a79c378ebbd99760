import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * aws-local-stepfunctions 3.0.0 removes every backslash from the string an intrinsic function returns (its way of
 * undoing the `\'`, `\{`, `\}`, `\\` escapes of a literal argument). AWS unescapes only the literal: values keep
 * theirs. So locally `States.JsonToString` of a text holding a quote yields invalid JSON and `States.Format` drops
 * a reason's backslashes, where AWS keeps both. The saga's state machine builds its output lists as JSON text
 * (`States.JsonToString` into `States.Format`, parsed by `States.StringToJson`), so the local engine must keep them.
 *
 * The fix is applied to the library's source as it loads: literals are unescaped where they are parsed, results
 * are left alone. Each edit must match exactly once, so a library upgrade that moves the code fails loudly here.
 */
const EDITS: [from: string, to: string][] = [
  [
    'const lastSingleQuote = arg.lastIndexOf("\'");\n      return arg.slice(1, lastSingleQuote);',
    'const lastSingleQuote = arg.lastIndexOf("\'");\n      return arg.slice(1, lastSingleQuote).replace(/\\\\([\\\\\'{}])/g, "$1");',
  ],
  ['if (typeof result === "string") {\n      result = result.replaceAll("\\\\", "");\n    }', ''],
];

export class LibrarySourceChangedError extends Error {
  constructor(file: string, expected: string) {
    super(
      `${file} is not the aws-local-stepfunctions 3.0.0 source the platform corrects (expected once: ${JSON.stringify(expected.slice(0, 60))}…). ` +
        'Pin aws-local-stepfunctions to 3.0.0, or update packages/local-platform/src/stepFunctions/intrinsicEscapes.ts for the new version.',
    );
    this.name = 'LibrarySourceChangedError';
  }
}

/** The library's source with AWS's escaping rules for intrinsic functions. */
export function withAwsIntrinsicEscapes(source: string, file: string): string {
  let out = source;
  for (const [from, to] of EDITS) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) throw new LibrarySourceChangedError(file, from);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

/** Loads the library (its CommonJS build) with the correction, resolving its own dependencies as `require` would. */
export function loadWithAwsIntrinsicEscapes<T>(request: string): T {
  const file = require.resolve(request);
  const loaded = new Module(file, module) as Module & { _compile(code: string, filename: string): void };
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  loaded._compile(withAwsIntrinsicEscapes(readFileSync(file, 'utf8'), file), file);
  return loaded.exports as T;
}
