/**
 * What a built-in (scalar) function is to the engine: its name, how many arguments Cosmos accepts, and how it
 * evaluates already-evaluated arguments. Functions return `undefined` for arguments of the wrong kind, as Cosmos'
 * system functions do, rather than throwing.
 */

/** The time source of one `run`: `...Static` date functions answer the same instant for the whole query. */
export interface QueryClock {
  runStartedAt: number;
}

export interface BuiltinFunction {
  /** Upper case, as the error messages name it. */
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly evaluate: (args: readonly unknown[], clock: QueryClock) => unknown;
}

export function defineFunction(
  name: string,
  minArgs: number,
  maxArgs: number,
  evaluate: (args: readonly unknown[], clock: QueryClock) => unknown,
): BuiltinFunction {
  return { name: name.toUpperCase(), minArgs, maxArgs, evaluate };
}

/** An integer in the range Cosmos accepts where it asks for one (a JavaScript number stands in for a long). */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** The optional boolean flag of CONTAINS, STARTSWITH, ARRAY_CONTAINS...: absent means false, non-boolean is bad. */
export function optionalFlag(value: unknown): boolean | undefined {
  if (value === undefined) return false;
  return typeof value === 'boolean' ? value : undefined;
}
