// A streaming JSON reader that behaves like the Jackson parser event-ruler compiles patterns with, so that errors
// are found in the same order and reported at the same place:
// - after a FIELD_NAME the parser has already read the colon and the first character (or the whole token, for numbers
//   and literals) of the value, and the value token is returned by the next call without reading anything;
// - a string value is read lazily: until getText() (or the next token) the location is just after its opening quote;
// - the location is 1-based line and column of the next character to read, and errors end with
//   `\n at [Source: (String)"<text>"; line: L, column: C]`, the text cut at 500 characters as Jackson does (AWS
//   returns this message unchanged, newline included);
// - nothing after the root value is read, so trailing text is ignored.

import { InvalidEventPatternError } from './errors';

export type JsonToken =
  | 'START_OBJECT'
  | 'END_OBJECT'
  | 'START_ARRAY'
  | 'END_ARRAY'
  | 'FIELD_NAME'
  | 'VALUE_STRING'
  | 'VALUE_NUMBER_INT'
  | 'VALUE_NUMBER_FLOAT'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL';

interface Context {
  readonly type: 'root' | 'object' | 'array';
  /** Index of the current entry; -1 before the first one (Jackson's JsonReadContext._index). */
  index: number;
  readonly line: number;
  readonly column: number;
}

const MAX_SOURCE_SNIPPET = 500;
const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LCURLY = 0x7b;
const RCURLY = 0x7d;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isIdentifierStart = (c: number): boolean => /[\p{L}\p{Nl}$_]/u.test(String.fromCharCode(c));
const isIdentifierPart = (c: number): boolean => /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}$]/u.test(String.fromCharCode(c));

/** Jackson's description of a character in error messages. */
export function describeChar(code: number): string {
  const c = String.fromCharCode(code);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}

export class JsonPullParser {
  private ptr = 0;
  private row = 1;
  private rowStart = 0;
  private readonly contexts: Context[] = [{ type: 'root', index: -1, line: 1, column: 0 }];
  private current: JsonToken | null = null;
  /** The value token already read after a FIELD_NAME, with the place it started. */
  private pending: { token: JsonToken; line: number; column: number } | null = null;
  private name = '';
  private text = '';
  private stringIncomplete = false;

  constructor(private readonly source: string) {}

  /** The next token, or null at the end of the input (only possible at the root). */
  nextToken(): JsonToken | null {
    if (this.current === 'FIELD_NAME') return this.nextAfterName();
    if (this.stringIncomplete) this.finishString();
    let c = this.skipWhitespaceOrEnd();
    if (c < 0) {
      this.handleEndOfInput();
      this.current = null;
      return null;
    }
    if (c === RBRACKET || c === RCURLY) {
      this.closeScope(c);
      return this.current;
    }
    const context = this.context();
    context.index++;
    if (context.type !== 'root' && context.index > 0) {
      if (c !== COMMA) this.unexpectedChar(c, `was expecting comma to separate ${typeDesc(context)} entries`);
      c = this.skipWhitespace(` within/between ${typeDesc(context)} entries`);
    }
    const inObject = context.type === 'object';
    if (inObject) {
      if (c !== QUOTE) this.unexpectedChar(c, 'was expecting double-quote to start field name');
      this.name = this.readString('name');
      this.current = 'FIELD_NAME';
      c = this.skipColon();
    }
    const line = this.row;
    const column = this.ptr - this.rowStart;
    const token = this.startValue(c, inObject, line, column);
    if (inObject) {
      this.pending = { token, line, column };
      return 'FIELD_NAME';
    }
    this.current = token;
    return token;
  }

  /** The token last returned by nextToken(). */
  currentToken(): JsonToken | null {
    return this.current;
  }

  /** The name of the current field (for FIELD_NAME and the value that follows it). */
  currentName(): string {
    return this.name;
  }

  /** Text of the current token, as Jackson's getText(): reading a string value completes it. */
  getText(): string {
    if (this.current === 'FIELD_NAME') return this.name;
    if (this.current === 'VALUE_STRING' && this.stringIncomplete) this.finishString();
    return this.text;
  }

  /** The current location, as Jackson prints it. */
  location(): string {
    return this.describeLocation(this.row, this.ptr - this.rowStart + 1);
  }

  /** Throws the InvalidEventPatternError for a problem found at the current location (Jackson's "\n at "). */
  fail(message: string): never {
    throw new InvalidEventPatternError(`${message}\n at ${this.location()}`);
  }

  private describeLocation(line: number, column: number): string {
    // Jackson writes control characters other than CR and LF as \uXXXX.
    const snippet = Array.from(this.source.slice(0, MAX_SOURCE_SNIPPET), (ch) => {
      const code = ch.charCodeAt(0);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      return control && ch !== '\n' && ch !== '\r' ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : ch;
    }).join('');
    const truncated =
      this.source.length > MAX_SOURCE_SNIPPET ? `[truncated ${this.source.length - MAX_SOURCE_SNIPPET} chars]` : '';
    return `[Source: (String)"${snippet}"${truncated}; line: ${line}, column: ${column}]`;
  }

  private context(): Context {
    return this.contexts[this.contexts.length - 1];
  }

  private nextAfterName(): JsonToken {
    const pending = this.pending;
    this.pending = null;
    if (!pending) throw new Error('JsonPullParser: no value after field name');
    if (pending.token === 'START_ARRAY') this.push('array', pending.line, pending.column);
    if (pending.token === 'START_OBJECT') this.push('object', pending.line, pending.column);
    this.current = pending.token;
    return pending.token;
  }

  private push(type: 'object' | 'array', line: number, column: number): void {
    this.contexts.push({ type, index: -1, line, column });
  }

  private startValue(c: number, inObject: boolean, line: number, column: number): JsonToken {
    switch (c) {
      case QUOTE:
        this.stringIncomplete = true;
        this.text = '';
        return 'VALUE_STRING';
      case LBRACKET:
        if (!inObject) this.push('array', line, column);
        this.text = '[';
        return 'START_ARRAY';
      case LCURLY:
        if (!inObject) this.push('object', line, column);
        this.text = '{';
        return 'START_OBJECT';
      case RCURLY:
        return this.unexpectedChar(c, 'expected a value');
      case RBRACKET:
        return this.unexpectedChar(c, `expected a valid value ${VALID_VALUES}`);
      case 0x74: // t
        this.matchLiteral('true');
        return 'VALUE_TRUE';
      case 0x66: // f
        this.matchLiteral('false');
        return 'VALUE_FALSE';
      case 0x6e: // n
        this.matchLiteral('null');
        return 'VALUE_NULL';
      case 0x2b: // +
        if (this.ptr >= this.source.length) this.fail('Unexpected end-of-input in a Number value');
        if (this.source.charCodeAt(this.ptr++) === 0x49) this.nonStandardToken('+', 'Infinity');
        return this.unexpectedNumberChar(
          c,
          'JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow',
        );
      default:
        if (c === MINUS || isDigit(c)) return this.readNumber(c);
        if (isIdentifierStart(c)) return this.invalidToken(String.fromCharCode(c));
        return this.unexpectedChar(c, `expected a valid value ${VALID_VALUES}`);
    }
  }

  private closeScope(c: number): void {
    const context = this.context();
    const wanted = c === RCURLY ? 'object' : 'array';
    if (context.type !== wanted) {
      const expected = c === RCURLY ? ']' : '}';
      this.fail(
        `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${typeDesc(context)} ` +
          `starting at ${this.describeLocation(context.line, context.column)})`,
      );
    }
    this.contexts.pop();
    this.current = c === RCURLY ? 'END_OBJECT' : 'END_ARRAY';
    this.text = c === RCURLY ? '}' : ']';
  }

  private handleEndOfInput(): void {
    const context = this.context();
    if (context.type === 'root') return;
    this.fail(
      `Unexpected end-of-input: expected close marker for ${typeDesc(context)} ` +
        `(start marker at ${this.describeLocation(context.line, context.column)})`,
    );
  }

  /** Skips white space and returns (having read it) the next character, or -1 at the end of the input. */
  private skipWhitespaceOrEnd(): number {
    while (this.ptr < this.source.length) {
      const c = this.source.charCodeAt(this.ptr++);
      if (c > 0x20) return c;
      this.whitespace(c);
    }
    return -1;
  }

  /** Like skipWhitespaceOrEnd, but the end of the input is an error here. */
  private skipWhitespace(where: string): number {
    const c = this.skipWhitespaceOrEnd();
    if (c < 0) this.fail(`Unexpected end-of-input${where}`);
    return c;
  }

  private whitespace(c: number): void {
    if (c === 0x20 || c === 0x09) return;
    if (c === 0x0a) {
      this.newLine();
      return;
    }
    if (c === 0x0d) {
      if (this.source.charCodeAt(this.ptr) === 0x0a) this.ptr++;
      this.newLine();
      return;
    }
    this.fail(
      `Illegal character (${describeChar(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
    );
  }

  private newLine(): void {
    this.row++;
    this.rowStart = this.ptr;
  }

  private skipColon(): number {
    const where = ` within/between ${typeDesc(this.context())} entries`;
    const c = this.skipWhitespace(where);
    if (c !== COLON) this.unexpectedChar(c, 'was expecting a colon to separate field name and value');
    return this.skipWhitespace(where);
  }

  private finishString(): void {
    this.stringIncomplete = false;
    this.text = this.readString('string value');
  }

  /** Reads a string whose opening quote has been read, up to and including its closing quote. */
  private readString(what: 'name' | 'string value'): string {
    let out = '';
    let start = this.ptr;
    for (;;) {
      if (this.ptr >= this.source.length) {
        this.fail(
          what === 'name'
            ? 'Unexpected end-of-input in field name'
            : 'Unexpected end-of-input: was expecting closing quote for a string value',
        );
      }
      const c = this.source.charCodeAt(this.ptr++);
      if (c === QUOTE) return out + this.source.slice(start, this.ptr - 1);
      if (c === BACKSLASH) {
        out += this.source.slice(start, this.ptr - 1) + this.readEscape();
        start = this.ptr;
      } else if (c < 0x20) {
        this.fail(
          `Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in ${what}`,
        );
      }
    }
  }

  private readEscape(): string {
    if (this.ptr >= this.source.length) this.fail('Unexpected end-of-input in character escape sequence');
    const c = this.source.charCodeAt(this.ptr++);
    switch (c) {
      case 0x62:
        return '\b';
      case 0x74:
        return '\t';
      case 0x6e:
        return '\n';
      case 0x66:
        return '\f';
      case 0x72:
        return '\r';
      case 0x2f:
      case QUOTE:
      case BACKSLASH:
        return String.fromCharCode(c);
      case 0x75: {
        let value = 0;
        for (let i = 0; i < 4; i++) {
          if (this.ptr >= this.source.length) this.fail('Unexpected end-of-input in character escape sequence');
          const h = this.source.charCodeAt(this.ptr++);
          const digit = parseInt(String.fromCharCode(h), 16);
          if (Number.isNaN(digit)) this.unexpectedChar(h, 'expected a hex-digit for character escape sequence');
          value = (value << 4) | digit;
        }
        return String.fromCharCode(value);
      }
      default:
        return this.fail(`Unrecognized character escape ${describeChar(c)}`);
    }
  }

  /** Reads a number whose first character (a digit or '-') has been read; stops before the character ending it. */
  private readNumber(first: number): JsonToken {
    const start = this.ptr - 1;
    let c = first;
    if (first === MINUS) {
      if (this.ptr >= this.source.length) this.fail('Unexpected end-of-input in a Number value');
      c = this.source.charCodeAt(this.ptr++);
      if (c === 0x49) this.nonStandardToken('-', 'Infinity'); // I
      if (!isDigit(c)) {
        this.unexpectedNumberChar(c, 'expected digit (0-9) to follow minus sign, for valid numeric value');
      }
    }
    if (c === 0x30 && isDigit(this.peek())) this.fail('Invalid numeric value: Leading zeroes not allowed');
    while (isDigit(this.peek())) this.ptr++;
    let float = false;
    if (this.peek() === 0x2e) {
      float = true;
      this.ptr++;
      this.digits('Decimal point not followed by a digit');
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      float = true;
      this.ptr++;
      if (this.peek() === 0x2b || this.peek() === MINUS) this.ptr++;
      this.digits('Exponent indicator not followed by a digit');
    }
    this.text = this.source.slice(start, this.ptr);
    return float ? 'VALUE_NUMBER_FLOAT' : 'VALUE_NUMBER_INT';
  }

  private digits(problem: string): void {
    if (this.ptr >= this.source.length) this.fail('Unexpected end-of-input in a Number value');
    if (!isDigit(this.peek())) this.unexpectedNumberChar(this.peek(), problem);
    while (isDigit(this.peek())) this.ptr++;
  }

  private peek(): number {
    return this.ptr < this.source.length ? this.source.charCodeAt(this.ptr) : -1;
  }

  private matchLiteral(literal: 'true' | 'false' | 'null'): void {
    const start = this.ptr - 1;
    while (this.ptr < this.source.length && isIdentifierPart(this.source.charCodeAt(this.ptr))) this.ptr++;
    const word = this.source.slice(start, this.ptr);
    if (word !== literal) this.fail(`Unrecognized token '${word}': was expecting ${VALID_VALUES}`);
    this.text = literal;
  }

  private invalidToken(first: string): never {
    let word = first;
    while (this.ptr < this.source.length && isIdentifierPart(this.source.charCodeAt(this.ptr))) {
      word += this.source[this.ptr++];
    }
    if (word === 'NaN' || word === 'Infinity') this.nonStandardToken('', word);
    return this.fail(`Unrecognized token '${word}': was expecting ${VALID_VALUES}`);
  }

  /** NaN and (signed) Infinity, the first letter already read: Jackson's message when the word is complete. */
  private nonStandardToken(sign: string, word: 'NaN' | 'Infinity'): void {
    const rest = word.slice(sign === '' ? 0 : 1);
    if (sign !== '' && !this.source.startsWith(rest, this.ptr)) return;
    if (sign !== '') this.ptr += rest.length;
    this.fail(`Non-standard token '${sign}${word}': enable \`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS\` to allow`);
  }

  private unexpectedChar(c: number, comment: string): never {
    return this.fail(`Unexpected character (${describeChar(c)}): ${comment}`);
  }

  private unexpectedNumberChar(c: number, comment: string): never {
    return this.fail(`Unexpected character (${describeChar(c)}) in numeric value: ${comment}`);
  }
}

function typeDesc(context: Context): string {
  return context.type === 'object' ? 'Object' : context.type === 'array' ? 'Array' : 'root';
}
