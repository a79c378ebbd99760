import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { LambdaRuntimeFailure } from './errorShape';
import type { LocalFunctionConfig } from './functionConfig';

export type LambdaHandler = (
  event: unknown,
  context: object,
  callback: (err?: unknown, result?: unknown) => void,
) => unknown;

/** `module.export.path`: the module is everything before the first dot, as the Node.js runtime splits it. */
const HANDLER_EXPR = /^([^.]*)\.(.*)$/;
/** The extensions the Node.js runtime tries, in its order. */
const EXTENSIONS = ['.js', '.mjs', '.cjs'];

export interface HandlerModule {
  file: string;
  exportPath: string;
}

/** Where a function's handler lives: `path.resolve(codeDir, <module part>) + ext`, and the export to call. */
export function locateHandler(fn: LocalFunctionConfig): HandlerModule & { candidates: string[] } {
  const match = HANDLER_EXPR.exec(fn.handler);
  if (!match || !match[1] || !match[2]) {
    throw new LambdaRuntimeFailure(
      'Runtime.MalformedHandlerName',
      `Bad handler ${fn.handler} for function ${fn.name}: write it as <path of the module without extension>.<export>, e.g. handlers/charge.handler.`,
    );
  }
  if (fn.handler.includes('..')) {
    throw new LambdaRuntimeFailure(
      'Runtime.MalformedHandlerName',
      `'${fn.handler}' is not a valid handler name (function ${fn.name}): it may not climb out of CodeUri with '..'; move CodeUri up instead.`,
    );
  }
  const base = path.resolve(fn.codeDir, match[1]);
  const candidates = EXTENSIONS.map((ext) => base + ext);
  return { file: candidates.find((f) => fs.existsSync(f)) ?? candidates[0], exportPath: match[2], candidates };
}

function describeExports(mod: unknown): string {
  const keys = mod && (typeof mod === 'object' || typeof mod === 'function') ? Object.keys(mod) : [];
  return keys.length ? keys.join(', ') : 'nothing';
}

/**
 * Loads handler modules by path, as the Lambda runtime does, and caches each function's handler. A failed load
 * is not cached, so rebuilding the code and invoking again picks it up without restarting the platform.
 */
export class HandlerLoader {
  private readonly cache = new Map<string, Promise<LambdaHandler>>();

  constructor(private readonly templatePath: string) {}

  load(fn: LocalFunctionConfig): Promise<LambdaHandler> {
    let pending = this.cache.get(fn.name);
    if (!pending) {
      pending = this.loadNow(fn);
      this.cache.set(fn.name, pending);
      pending.catch(() => this.cache.delete(fn.name));
    }
    return pending;
  }

  private async loadNow(fn: LocalFunctionConfig): Promise<LambdaHandler> {
    const { file, exportPath, candidates } = locateHandler(fn);
    if (!fs.existsSync(file)) {
      throw new LambdaRuntimeFailure(
        'Runtime.ImportModuleError',
        `Error: Cannot find module '${path.relative(fn.codeDir, file).replace(/\.js$/, '')}' for function ${fn.name}: none of ${candidates.join(', ')} exists. Build the handlers first (npm run build), or fix CodeUri (${fn.codeDir}) / Handler (${fn.handler}) in ${this.templatePath}.`,
      );
    }
    let mod: unknown;
    try {
      // `require` loads ES modules too from Node 20.19 on (without top-level await), and stays synchronous, so a
      // handler module is loaded the same way in the built platform and under test runners.
      mod = createRequire(file)(file);
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      if (error instanceof SyntaxError) {
        throw new LambdaRuntimeFailure('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message} (in ${file})`);
      }
      if (error?.code === 'MODULE_NOT_FOUND') {
        throw new LambdaRuntimeFailure(
          'Runtime.ImportModuleError',
          `${error.name}: ${error.message.split('\n')[0]} (loading ${file} for function ${fn.name}). Install the missing dependency or rebuild (npm run build).`,
        );
      }
      if (error?.code === 'ERR_REQUIRE_ESM' || error?.code === 'ERR_REQUIRE_ASYNC_MODULE') {
        throw new LambdaRuntimeFailure(
          'Runtime.ImportModuleError',
          `${error.message.split('\n')[0]} (function ${fn.name}). The local runtime loads ES module handlers with require: use Node.js 20.19 or later and no top-level await, or build the handlers as CommonJS.`,
        );
      }
      throw e; // an error thrown by the module's own top-level code is reported as itself, as on Lambda
    }
    const handler = exportPath.split('.').reduce<unknown>((obj, key) => (obj as Record<string, unknown>)?.[key], mod);
    if (handler === undefined || handler === null) {
      throw new LambdaRuntimeFailure(
        'Runtime.HandlerNotFound',
        `${fn.handler} is undefined or not exported (function ${fn.name}, ${file} exports: ${describeExports(mod)}). Export it or fix Handler in ${this.templatePath}.`,
      );
    }
    if (typeof handler !== 'function') {
      throw new LambdaRuntimeFailure(
        'Runtime.HandlerNotFound',
        `${fn.handler} is not a function (function ${fn.name}, in ${file}).`,
      );
    }
    return handler as LambdaHandler;
  }
}
