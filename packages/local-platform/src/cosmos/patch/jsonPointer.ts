import { BadRequestError } from '../errors';

/** A patch path: JSON Pointer (RFC 6901) tokens, `~1` for `/` and `~0` for `~` inside a name. */
export function parsePointer(path: unknown, where: string): string[] {
  if (typeof path !== 'string' || !path.startsWith('/') || path === '/')
    throw new BadRequestError(
      `${where}: the path ${JSON.stringify(path)} must be a JSON Pointer to a property, such as "/inventory/quantity".`,
    );
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `-` (after the last element) or a decimal index, the array positions a pointer can name. */
export function arrayIndex(token: string, length: number, where: string): number {
  if (token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new BadRequestError(`${where}: '${token}' is not an array index (a number, or '-' to append).`);
  return Number(token);
}

export type JsonContainer = Record<string, unknown> | unknown[];

export const isContainer = (value: unknown): value is JsonContainer => value !== null && typeof value === 'object';

/** The object or array holding the pointer's last token; every step before it must exist. */
export function parentOf(doc: Record<string, unknown>, tokens: readonly string[], where: string): JsonContainer {
  let node: unknown = doc;
  for (const [i, token] of tokens.slice(0, -1).entries()) {
    const child: unknown = Array.isArray(node)
      ? node[arrayIndex(token, node.length, where)]
      : (node as Record<string, unknown>)[token];
    if (!isContainer(child)) {
      const at = `/${tokens.slice(0, i + 1).join('/')}`;
      throw new BadRequestError(
        `${where}: ${child === undefined ? `'${at}' does not exist` : `'${at}' is not an object or array`}, so nothing can be patched below it.`,
      );
    }
    node = child;
  }
  return node as JsonContainer;
}
