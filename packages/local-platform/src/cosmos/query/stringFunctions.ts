/**
 * String functions and the string conversions (ToString, StringTo...). Positions are zero-based and count UTF-16
 * code units; the optional last boolean of CONTAINS, STARTSWITH, ENDSWITH and STRINGEQUALS asks for a
 * case-insensitive comparison. Behaviour at the edges follows the documented examples of the Cosmos query samples
 * (e.g. SUBSTRING with a negative length is "", LTRIM's second argument trims a whole prefix repeatedly).
 */
import { type BuiltinFunction, defineFunction, isInteger, optionalFlag } from './functionDefinition';
import { kindOf } from './typeOrder';

/** REPLICATE refuses results longer than this, as the documentation states. */
const MAX_REPLICATE_LENGTH = 10_000;

const REGEX_MODIFIERS = /^[imsx]*$/;

function allStrings(values: readonly unknown[]): values is readonly string[] {
  return values.every((value) => typeof value === 'string');
}

function compareWithCase(
  test: (text: string, search: string) => boolean,
): (args: readonly unknown[]) => boolean | undefined {
  return ([text, search, ignoreCase]) => {
    const insensitive = optionalFlag(ignoreCase);
    if (typeof text !== 'string' || typeof search !== 'string' || insensitive === undefined) return undefined;
    return insensitive ? test(text.toLowerCase(), search.toLowerCase()) : test(text, search);
  };
}

/** Removes leading (or trailing) occurrences of a whole string, or whitespace without one. */
function trimStart(text: string, prefix: string | undefined): string {
  if (prefix === undefined) return text.replace(/^\s+/, '');
  if (prefix === '') return text;
  let result = text;
  while (result.startsWith(prefix)) result = result.slice(prefix.length);
  return result;
}

function trimEnd(text: string, suffix: string | undefined): string {
  if (suffix === undefined) return text.replace(/\s+$/, '');
  if (suffix === '') return text;
  let result = text;
  while (result.endsWith(suffix)) result = result.slice(0, result.length - suffix.length);
  return result;
}

/** TRIM's second argument is a set of characters (TRIM("-_-x-_-", "-_") is "x"). */
function trimCharacters(text: string, characters: string | undefined): string {
  if (characters === undefined) return text.trim();
  let start = 0;
  let end = text.length;
  while (start < end && characters.includes(text[start])) start++;
  while (end > start && characters.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

function trimFunction(name: string, trim: (text: string, argument: string | undefined) => string): BuiltinFunction {
  return defineFunction(name, 1, 2, ([text, argument]) => {
    if (typeof text !== 'string' || (argument !== undefined && typeof argument !== 'string')) return undefined;
    return trim(text, argument);
  });
}

function indexOf([text, search, start]: readonly unknown[]): number | undefined {
  if (typeof text !== 'string' || typeof search !== 'string') return undefined;
  if (start === undefined) return text.indexOf(search);
  if (!isInteger(start)) return undefined;
  if (start >= text.length && search !== '') return -1;
  return text.indexOf(search, Math.max(0, start));
}

function lastIndexOf([text, search, start]: readonly unknown[]): number | undefined {
  if (typeof text !== 'string' || typeof search !== 'string') return undefined;
  if (start === undefined) return text.lastIndexOf(search);
  return isInteger(start) ? text.lastIndexOf(search, start) : undefined;
}

function substring([text, start, length]: readonly unknown[]): string | undefined {
  if (typeof text !== 'string' || !isInteger(start) || !isInteger(length)) return undefined;
  if (length <= 0) return '';
  const from = Math.max(0, start);
  return text.slice(from, from + length);
}

function replicate([text, times]: readonly unknown[]): string | undefined {
  if (typeof text !== 'string' || !isInteger(times) || times < 0) return undefined;
  if (text.length * times > MAX_REPLICATE_LENGTH) return undefined;
  return text.repeat(times);
}

/** `x` (ignore whitespace in the pattern) has no JavaScript flag: the pattern's unescaped whitespace is removed. */
function regexMatch([text, pattern, modifiers]: readonly unknown[]): boolean | undefined {
  const flags = modifiers ?? '';
  if (typeof text !== 'string' || typeof pattern !== 'string' || typeof flags !== 'string') return undefined;
  if (!REGEX_MODIFIERS.test(flags)) return undefined;
  const source = flags.includes('x')
    ? pattern.replace(/(\\.)|\s+/g, (_all: string, escaped?: string) => escaped ?? '')
    : pattern;
  try {
    return new RegExp(source, flags.replace('x', '')).test(text);
  } catch {
    return undefined;
  }
}

function toString([value]: readonly unknown[]): string | undefined {
  switch (kindOf(value)) {
    case 'undefined':
      return undefined;
    case 'string':
      return value as string;
    case 'number':
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

/** The StringTo... conversions: JSON text of one kind, surrounding whitespace allowed. */
function parseJsonOfKind(kind: 'array' | 'boolean' | 'null' | 'number' | 'object') {
  return ([text]: readonly unknown[]): unknown => {
    if (typeof text !== 'string') return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      return kindOf(parsed) === kind ? parsed : undefined;
    } catch {
      return undefined;
    }
  };
}

export const stringFunctions: readonly BuiltinFunction[] = [
  defineFunction('CONCAT', 2, Infinity, (args) => (allStrings(args) ? args.join('') : undefined)),
  defineFunction(
    'CONTAINS',
    2,
    3,
    compareWithCase((text, search) => text.includes(search)),
  ),
  defineFunction(
    'STARTSWITH',
    2,
    3,
    compareWithCase((text, search) => text.startsWith(search)),
  ),
  defineFunction(
    'ENDSWITH',
    2,
    3,
    compareWithCase((text, search) => text.endsWith(search)),
  ),
  defineFunction(
    'STRINGEQUALS',
    2,
    3,
    compareWithCase((text, search) => text === search),
  ),
  defineFunction('INDEX_OF', 2, 3, indexOf),
  defineFunction('LASTINDEXOF', 2, 3, lastIndexOf),
  defineFunction('LENGTH', 1, 1, ([text]) => (typeof text === 'string' ? text.length : undefined)),
  defineFunction('LOWER', 1, 1, ([text]) => (typeof text === 'string' ? text.toLowerCase() : undefined)),
  defineFunction('UPPER', 1, 1, ([text]) => (typeof text === 'string' ? text.toUpperCase() : undefined)),
  defineFunction('LEFT', 2, 2, ([text, count]) =>
    typeof text === 'string' && isInteger(count) && count >= 0 ? text.slice(0, count) : undefined,
  ),
  defineFunction('RIGHT', 2, 2, ([text, count]) =>
    typeof text === 'string' && isInteger(count) && count >= 0
      ? text.slice(Math.max(0, text.length - count))
      : undefined,
  ),
  trimFunction('LTRIM', trimStart),
  trimFunction('RTRIM', trimEnd),
  trimFunction('TRIM', trimCharacters),
  defineFunction('REPLACE', 3, 3, ([text, search, replacement]) =>
    typeof text === 'string' && typeof search === 'string' && typeof replacement === 'string' && search !== ''
      ? text.split(search).join(replacement)
      : undefined,
  ),
  defineFunction('REPLICATE', 2, 2, replicate),
  defineFunction('REVERSE', 1, 1, ([text]) => (typeof text === 'string' ? [...text].reverse().join('') : undefined)),
  defineFunction('SUBSTRING', 3, 3, substring),
  defineFunction('REGEXMATCH', 2, 3, regexMatch),
  defineFunction('StringJoin', 2, 2, ([parts, separator]) =>
    Array.isArray(parts) && allStrings(parts) && typeof separator === 'string' ? parts.join(separator) : undefined,
  ),
  defineFunction('StringSplit', 2, 2, ([text, separator]) =>
    typeof text === 'string' && typeof separator === 'string' ? text.split(separator) : undefined,
  ),
  defineFunction('ToString', 1, 1, toString),
  defineFunction('StringToArray', 1, 1, parseJsonOfKind('array')),
  defineFunction('StringToBoolean', 1, 1, parseJsonOfKind('boolean')),
  defineFunction('StringToNull', 1, 1, parseJsonOfKind('null')),
  defineFunction('StringToNumber', 1, 1, parseJsonOfKind('number')),
  defineFunction('StringToObject', 1, 1, parseJsonOfKind('object')),
];
