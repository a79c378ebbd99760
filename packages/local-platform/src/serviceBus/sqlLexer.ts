import { SqlFilterError } from './errors';

/** Tokens of the Service Bus SQL filter language (a SQL-92 subset). */
export type Token =
  | { kind: 'number'; text: string; pos: number; value: number; integer: boolean }
  | { kind: 'string'; text: string; pos: number; value: string }
  /** `quoted` is true for [delimited] and "quoted" identifiers, which are never keywords. */
  | { kind: 'identifier'; text: string; pos: number; value: string; quoted: boolean }
  | { kind: 'keyword'; text: string; pos: number; value: Keyword }
  | { kind: 'operator'; text: string; pos: number; value: string }
  | { kind: 'parameter'; text: string; pos: number; value: string }
  | { kind: 'end'; text: ''; pos: number };

export const KEYWORDS = [
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'IN',
  'LIKE',
  'ESCAPE',
  'EXISTS',
  'TRUE',
  'FALSE',
  'SET',
  'REMOVE',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET = new Set<string>(KEYWORDS);

const OPERATORS = ['<>', '!=', '>=', '<=', '=', '>', '<', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';'];

// Letters (any script) start identifiers; letters, digits and underscores continue them, as the docs define.
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_]/u;

/** Splits a filter expression into tokens; throws SqlFilterError with the position of anything unreadable. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (pos: number, token: string, detail: string): never => {
    throw new SqlFilterError(source, pos, token, detail);
  };
  const closing = (open: number, quote: string, what: string): { text: string; end: number } => {
    let value = '';
    let j = open + 1;
    for (;;) {
      if (j >= source.length)
        fail(open, source.slice(open, open + 20), `${what} starting here is never closed with ${quote}.`);
      if (source[j] === quote) {
        if (source[j + 1] === quote) {
          value += quote;
          j += 2;
          continue;
        }
        return { text: value, end: j + 1 };
      }
      value += source[j++];
    }
  };
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      const { text, end } = closing(i, "'", 'The string');
      tokens.push({ kind: 'string', text: source.slice(start, end), pos: start, value: text });
      i = end;
    } else if (c === '[') {
      const { text, end } = closing(i, ']', 'The [delimited identifier]');
      tokens.push({ kind: 'identifier', text: source.slice(start, end), pos: start, value: text, quoted: true });
      i = end;
    } else if (c === '"') {
      const { text, end } = closing(i, '"', 'The "quoted identifier"');
      tokens.push({ kind: 'identifier', text: source.slice(start, end), pos: start, value: text, quoted: true });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(\d*\.?\d*)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      const text = m![0];
      if (/[eE]$/.test(text) || /[\p{L}_]/u.test(source[i + text.length] ?? ''))
        fail(start, source.slice(start, start + text.length + 1), 'This is not a number.');
      const integer = /^\d+$/.test(text);
      if (integer && BigInt(text) > 9223372036854775807n)
        fail(start, text, 'Integer constants are 64-bit (System.Int64); this one is too large.');
      tokens.push({ kind: 'number', text, pos: start, value: Number(text), integer });
      i += text.length;
    } else if (c === '@') {
      const m = /^@[\p{L}\p{Nd}_]+/u.exec(source.slice(i));
      if (!m) fail(start, c, 'A parameter name must follow @.');
      tokens.push({ kind: 'parameter', text: m![0], pos: start, value: m![0] });
      i += m![0].length;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < source.length && IDENT_PART.test(source[j])) j++;
      const text = source.slice(i, j);
      const upper = text.toUpperCase();
      if (KEYWORD_SET.has(upper)) tokens.push({ kind: 'keyword', text, pos: start, value: upper as Keyword });
      else tokens.push({ kind: 'identifier', text, pos: start, value: text, quoted: false });
      i = j;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) fail(start, c, `Unexpected character '${c}'.`);
      tokens.push({ kind: 'operator', text: op!, pos: start, value: op! });
      i += op!.length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}
