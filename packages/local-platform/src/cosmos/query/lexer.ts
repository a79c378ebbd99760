/**
 * Splits Cosmos DB SQL text into tokens. Keywords are case-insensitive except the literal words `true`, `false`,
 * `null`, `undefined` and `udf`, which Cosmos only recognises in lower case (`NULL` is an ordinary identifier).
 */
import { invalidStringLiteral, syntaxErrorNear } from './queryErrors';

export type TokenKind = 'identifier' | 'keyword' | 'number' | 'string' | 'parameter' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (what Cosmos quotes in "incorrect syntax near"). */
  readonly text: string;
  /** Upper-cased keyword, operator text, parameter name with its `@`, identifier name, or the literal's value. */
  readonly value: string | number;
  readonly start: number;
  readonly end: number;
}

/** Reserved words: they cannot name a property after `.` or an alias (`c.value` is a syntax error in Cosmos). */
const KEYWORDS = new Set([
  'AND',
  'ARRAY',
  'AS',
  'ASC',
  'BETWEEN',
  'BY',
  'DESC',
  'DISTINCT',
  'ESCAPE',
  'EXISTS',
  'FROM',
  'GROUP',
  'IN',
  'JOIN',
  'LEFT',
  'LIKE',
  'LIMIT',
  'NOT',
  'OFFSET',
  'OR',
  'ORDER',
  'RANK',
  'RIGHT',
  'SELECT',
  'TOP',
  'VALUE',
  'WHERE',
]);

const CASE_SENSITIVE_KEYWORDS = new Set(['true', 'false', 'null', 'undefined', 'udf']);

/** Longest first, so that `>>>` is not read as `>>` then `>`. */
const OPERATORS = [
  '>>>',
  '<<',
  '>>',
  '<=',
  '>=',
  '!=',
  '<>',
  '||',
  '??',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  ':',
  '?',
  '*',
  '/',
  '%',
  '+',
  '-',
  '<',
  '>',
  '=',
  '&',
  '|',
  '^',
  '~',
];

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{Nd}_]/u;
const DIGIT = /[0-9]/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const start = i;
    if (IDENTIFIER_START.test(c)) {
      while (i < text.length && IDENTIFIER_PART.test(text[i])) i++;
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      if (CASE_SENSITIVE_KEYWORDS.has(word)) tokens.push({ kind: 'keyword', text: word, value: word, start, end: i });
      else if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', text: word, value: upper, start, end: i });
      else tokens.push({ kind: 'identifier', text: word, value: word, start, end: i });
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(text[i + 1] ?? ''))) {
      i = scanNumber(text, i);
      const numberText = text.slice(start, i);
      tokens.push({ kind: 'number', text: numberText, value: Number(numberText), start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = scanString(text, i);
      tokens.push({ kind: 'string', text: text.slice(start, end), value, start, end });
      i = end;
      continue;
    }
    if (c === '@') {
      i++;
      if (i < text.length && IDENTIFIER_START.test(text[i])) {
        while (i < text.length && IDENTIFIER_PART.test(text[i])) i++;
        tokens.push({ kind: 'parameter', text: text.slice(start, i), value: text.slice(start, i), start, end: i });
        continue;
      }
      throw syntaxErrorNear('@', { start, end: i });
    }
    const operator = OPERATORS.find((op) => text.startsWith(op, i));
    if (operator === undefined) throw syntaxErrorNear(c, { start, end: start + 1 });
    i += operator.length;
    tokens.push({ kind: 'operator', text: operator, value: operator === '<>' ? '!=' : operator, start, end: i });
  }
  tokens.push({ kind: 'end', text: '', value: '', start: text.length, end: text.length });
  return tokens;
}

function scanNumber(text: string, from: number): number {
  let i = from;
  while (DIGIT.test(text[i] ?? '')) i++;
  if (text[i] === '.') {
    i++;
    while (DIGIT.test(text[i] ?? '')) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (DIGIT.test(text[j] ?? '')) {
      i = j;
      while (DIGIT.test(text[i] ?? '')) i++;
    }
  }
  return i;
}

/** Reads a quoted string with JSON-style escapes; control characters must be escaped, as in Cosmos' grammar. */
function scanString(text: string, from: number): { value: string; end: number } {
  const quote = text[from];
  let value = '';
  let i = from + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) return { value, end: i + 1 };
    if (c.charCodeAt(0) < 0x20) break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const escaped = text[i + 1];
    if (escaped !== undefined && escaped in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[escaped];
      i += 2;
    } else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      break;
    }
  }
  throw invalidStringLiteral(text.slice(from), { start: from, end: text.length });
}
