/**
 * A recursive-descent parser for Cosmos DB SQL, following the grammar the Cosmos .NET SDK publishes (sql.g4) for
 * clause order and binary-operator precedence, tightest first:
 *   `* / %`, `+ -`, `<< >> >>>`, `< <= > >=`, `= !=`, `&`, `^`, `|`, `||`,
 *   then `[NOT] IN / LIKE / BETWEEN`, `NOT`, `AND`, `OR`, `??`, `? :`.
 * One deliberate choice where sources disagree: `NOT` negates a whole comparison (`NOT c.a = 1` is
 * `NOT (c.a = 1)`), as the documentation's operator-precedence table reads, rather than binding to `c.a` alone.
 */
import { type Token, tokenize } from './lexer';
import { syntaxErrorNear, unexpectedEndOfText } from './queryErrors';
import type {
  BinaryOperator,
  Collection,
  CountSpec,
  Expression,
  FromSource,
  ObjectProperty,
  OrderByItem,
  PathStep,
  QuerySyntax,
  SelectItem,
  Selection,
  SourceSpan,
} from './syntax';

/** Binary operator levels, loosest first, each left-associative. */
const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['||'],
  ['|'],
  ['^'],
  ['&'],
  ['=', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>', '>>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

export function parseQuery(text: string): QuerySyntax {
  return new Parser(text).query();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  query(): QuerySyntax {
    const query = this.queryClauses();
    if (this.peek().kind !== 'end') throw this.unexpected();
    return query;
  }

  private queryClauses(): QuerySyntax {
    const selectToken = this.expectKeyword('SELECT');
    const distinct = this.acceptKeyword('DISTINCT') !== undefined;
    const top = this.acceptKeyword('TOP') ? this.countSpec() : undefined;
    const selection = this.selection();
    const from = this.acceptKeyword('FROM') ? this.fromClause() : [];
    const where = this.acceptKeyword('WHERE') ? this.expression() : undefined;
    let groupBy: Expression[] | undefined;
    let groupBySpan: SourceSpan | undefined;
    const groupToken = this.acceptKeyword('GROUP');
    if (groupToken) {
      this.expectKeyword('BY');
      groupBy = this.expressionList();
      groupBySpan = { start: groupToken.start, end: this.previous().end };
    }
    let orderBy: OrderByItem[] | undefined;
    let orderBySpan: SourceSpan | undefined;
    const orderToken = this.acceptKeyword('ORDER');
    if (orderToken) {
      this.expectKeyword('BY');
      orderBy = [this.orderByItem()];
      while (this.acceptOperator(',')) orderBy.push(this.orderByItem());
      orderBySpan = { start: orderToken.start, end: this.previous().end };
    }
    let offset: CountSpec | undefined;
    let limit: CountSpec | undefined;
    if (this.acceptKeyword('OFFSET')) {
      offset = this.countSpec();
      this.expectKeyword('LIMIT');
      limit = this.countSpec();
    }
    return {
      selectSpan: { start: selectToken.start, end: selectToken.end },
      distinct,
      top,
      selection,
      from,
      where,
      groupBy,
      groupBySpan,
      orderBy,
      orderBySpan,
      offset,
      limit,
    };
  }

  private selection(): Selection {
    const star = this.acceptOperator('*');
    if (star) return { kind: 'star', span: { start: star.start, end: star.end } };
    if (this.acceptKeyword('VALUE')) return { kind: 'value', expression: this.expression() };
    const items: SelectItem[] = [this.selectItem()];
    while (this.acceptOperator(',')) items.push(this.selectItem());
    return { kind: 'list', items };
  }

  private selectItem(): SelectItem {
    const expression = this.expression();
    const alias = this.acceptKeyword('AS') ? this.identifierName() : undefined;
    return { expression, alias };
  }

  private countSpec(): CountSpec {
    const token = this.peek();
    if (token.kind === 'number') {
      this.position++;
      return { kind: 'literal', value: token.value as number, span: { start: token.start, end: token.end } };
    }
    if (token.kind === 'parameter') {
      this.position++;
      return { kind: 'parameter', name: token.value as string, span: { start: token.start, end: token.end } };
    }
    throw this.unexpected();
  }

  private fromClause(): FromSource[] {
    const sources = [this.fromSource()];
    while (this.acceptKeyword('JOIN')) sources.push(this.fromSource());
    return sources;
  }

  /** `alias IN collection` or `collection [[AS] alias]`; a collection is a path or a parenthesised subquery. */
  private fromSource(): FromSource {
    const first = this.peek();
    if (first.kind === 'identifier' && this.peek(1).kind === 'keyword' && this.peek(1).value === 'IN') {
      const alias = this.identifierName();
      this.position++; // IN
      const collection = this.collection();
      return { collection, alias, iterate: true, span: { start: first.start, end: this.previous().end } };
    }
    const collection = this.collection();
    let alias: string | undefined;
    if (this.acceptKeyword('AS')) alias = this.identifierName();
    else if (this.peek().kind === 'identifier') alias = this.identifierName();
    else if (collection.kind === 'path') {
      // The alias a path source gets by default: its last property name, or the container name.
      const names = collection.path.filter((step): step is string => typeof step === 'string');
      alias = names.length > 0 ? names[names.length - 1] : collection.root;
    }
    return { collection, alias, iterate: false, span: { start: first.start, end: this.previous().end } };
  }

  private collection(): Collection {
    const open = this.acceptOperator('(');
    if (open) {
      const query = this.queryClauses();
      const close = this.expectOperator(')');
      return { kind: 'subquery', query, span: { start: open.start, end: close.end } };
    }
    const rootToken = this.peek();
    const root = this.identifierName();
    const path: PathStep[] = [];
    for (;;) {
      if (this.acceptOperator('.')) {
        path.push(this.identifierName());
      } else if (this.acceptOperator('[')) {
        const step = this.peek();
        if (step.kind !== 'number' && step.kind !== 'string') throw this.unexpected();
        this.position++;
        path.push(step.value);
        this.expectOperator(']');
      } else {
        return { kind: 'path', root, rootSpan: { start: rootToken.start, end: rootToken.end }, path };
      }
    }
  }

  private orderByItem(): OrderByItem {
    const expression = this.expression();
    if (this.acceptKeyword('DESC')) return { expression, descending: true };
    this.acceptKeyword('ASC');
    return { expression, descending: false };
  }

  private expressionList(): Expression[] {
    const list = [this.expression()];
    while (this.acceptOperator(',')) list.push(this.expression());
    return list;
  }

  expression(): Expression {
    return this.conditional();
  }

  private conditional(): Expression {
    const condition = this.coalesce();
    if (!this.acceptOperator('?')) return condition;
    const whenTrue = this.expression();
    this.expectOperator(':');
    const whenFalse = this.conditional();
    return { kind: 'conditional', condition, whenTrue, whenFalse, span: spanOf(condition, whenFalse) };
  }

  private coalesce(): Expression {
    let left = this.or();
    while (this.acceptOperator('??')) {
      const right = this.or();
      left = { kind: 'coalesce', left, right, span: spanOf(left, right) };
    }
    return left;
  }

  private or(): Expression {
    let left = this.and();
    while (this.acceptKeyword('OR')) {
      const right = this.and();
      left = { kind: 'binary', operator: 'OR', left, right, span: spanOf(left, right) };
    }
    return left;
  }

  private and(): Expression {
    let left = this.not();
    while (this.acceptKeyword('AND')) {
      const right = this.not();
      left = { kind: 'binary', operator: 'AND', left, right, span: spanOf(left, right) };
    }
    return left;
  }

  private not(): Expression {
    const notToken = this.acceptKeyword('NOT');
    if (!notToken) return this.predicate();
    const operand = this.not();
    return { kind: 'unary', operator: 'NOT', operand, span: { start: notToken.start, end: operand.span.end } };
  }

  /** A binary expression, optionally followed by one `[NOT] IN (...)`, `[NOT] LIKE` or `[NOT] BETWEEN`. */
  private predicate(): Expression {
    const value = this.binary(0);
    const next = this.peek();
    const negated = next.kind === 'keyword' && next.value === 'NOT';
    const keyword = this.peek(negated ? 1 : 0);
    if (keyword.kind !== 'keyword' || !['IN', 'LIKE', 'BETWEEN'].includes(keyword.value as string)) return value;
    this.position += negated ? 2 : 1;
    if (keyword.value === 'IN') {
      this.expectOperator('(');
      const haystack = this.expressionList();
      const close = this.expectOperator(')');
      return { kind: 'in', needle: value, haystack, negated, span: { start: value.span.start, end: close.end } };
    }
    if (keyword.value === 'LIKE') {
      const pattern = this.binary(0);
      let escape: string | undefined;
      if (this.acceptKeyword('ESCAPE')) {
        const token = this.peek();
        if (token.kind !== 'string') throw this.unexpected();
        this.position++;
        escape = token.value as string;
      }
      return {
        kind: 'like',
        value,
        pattern,
        escape,
        negated,
        span: { start: value.span.start, end: this.previous().end },
      };
    }
    const low = this.binary(0);
    this.expectKeyword('AND');
    const high = this.binary(0);
    return { kind: 'between', value, low, high, negated, span: spanOf(value, high) };
  }

  private binary(level: number): Expression {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      const operator = BINARY_LEVELS[level].find((op) => token.kind === 'operator' && token.value === op);
      if (operator === undefined) return left;
      this.position++;
      const right = this.binary(level + 1);
      left = { kind: 'binary', operator, left, right, span: spanOf(left, right) };
    }
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === 'operator' && (token.value === '-' || token.value === '+' || token.value === '~')) {
      this.position++;
      const operand = this.unary();
      // A signed number literal stays a literal, so that `-1` can feed constraints and TOP-like positions.
      if (token.value === '-' && operand.kind === 'literal' && typeof operand.value === 'number') {
        return { kind: 'literal', value: -operand.value, span: { start: token.start, end: operand.span.end } };
      }
      return { kind: 'unary', operator: token.value, operand, span: { start: token.start, end: operand.span.end } };
    }
    return this.postfix(this.primary());
  }

  private postfix(expression: Expression): Expression {
    let current = expression;
    for (;;) {
      if (this.acceptOperator('.')) {
        const name = this.identifierName();
        current = {
          kind: 'property',
          object: current,
          name,
          span: { start: current.span.start, end: this.previous().end },
        };
      } else if (this.acceptOperator('[')) {
        const index = this.expression();
        const close = this.expectOperator(']');
        current = { kind: 'index', object: current, index, span: { start: current.span.start, end: close.end } };
      } else {
        return current;
      }
    }
  }

  private primary(): Expression {
    const token = this.peek();
    const span = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'number':
      case 'string':
        this.position++;
        return { kind: 'literal', value: token.value, span };
      case 'parameter':
        this.position++;
        return { kind: 'parameter', name: token.value as string, span };
      case 'identifier':
        this.position++;
        if (this.peekOperator('(')) return this.call(token.text, token.start);
        // Cosmos reads these two words as numbers (its samples use ToString(NaN) and StringToNumber(Infinity)).
        if (token.text === 'NaN') return { kind: 'literal', value: NaN, span };
        if (token.text === 'Infinity') return { kind: 'literal', value: Infinity, span };
        return { kind: 'identifier', name: token.text, span };
      case 'keyword':
        return this.keywordPrimary(token, span);
      case 'operator':
        return this.bracketedPrimary(token, span);
      case 'end':
        throw this.unexpected();
    }
  }

  private keywordPrimary(token: Token, span: SourceSpan): Expression {
    switch (token.value) {
      case 'true':
      case 'false':
        this.position++;
        return { kind: 'literal', value: token.value === 'true', span };
      case 'null':
        this.position++;
        return { kind: 'literal', value: null, span };
      case 'undefined':
        this.position++;
        return { kind: 'literal', value: undefined, span };
      case 'LEFT':
      case 'RIGHT':
        if (!this.peekOperator('(', 1)) throw this.unexpected();
        this.position++;
        return this.call(token.value, token.start);
      case 'udf':
        if (!this.peekOperator('.', 1)) throw this.unexpected();
        this.position += 2;
        this.identifierName();
        return this.call(this.text.slice(token.start, this.previous().end), token.start);
      case 'EXISTS':
      case 'ARRAY':
        if (!this.peekOperator('(', 1)) throw this.unexpected();
        this.position += 2;
        return this.subquery(token.value, token.start);
      default:
        throw this.unexpected();
    }
  }

  private bracketedPrimary(token: Token, span: SourceSpan): Expression {
    if (token.value === '(') {
      this.position++;
      const next = this.peek();
      if (next.kind === 'keyword' && next.value === 'SELECT') return this.subquery('scalar', token.start);
      const inner = this.expression();
      this.expectOperator(')');
      return inner;
    }
    if (token.value === '[') {
      this.position++;
      const items = this.peekOperator(']') ? [] : this.expressionList();
      const close = this.expectOperator(']');
      return { kind: 'array', items, span: { start: span.start, end: close.end } };
    }
    if (token.value === '{') {
      this.position++;
      const properties: ObjectProperty[] = [];
      if (!this.peekOperator('}')) {
        do properties.push(this.objectProperty());
        while (this.acceptOperator(','));
      }
      const close = this.expectOperator('}');
      return { kind: 'object', properties, span: { start: span.start, end: close.end } };
    }
    throw this.unexpected();
  }

  private objectProperty(): ObjectProperty {
    const token = this.peek();
    if (token.kind !== 'string' && token.kind !== 'identifier') throw this.unexpected();
    this.position++;
    this.expectOperator(':');
    return { name: token.value as string, value: this.expression() };
  }

  private call(name: string, start: number): Expression {
    this.expectOperator('(');
    const args = this.peekOperator(')') ? [] : this.expressionList();
    const close = this.expectOperator(')');
    return { kind: 'call', name, args, span: { start, end: close.end } };
  }

  /** A subquery after its opening parenthesis, up to and including the closing one. */
  private subquery(form: 'EXISTS' | 'ARRAY' | 'scalar', start: number): Expression {
    const query = this.queryClauses();
    const close = this.expectOperator(')');
    return { kind: 'subquery', form, query, span: { start, end: close.end } };
  }

  private identifierName(): string {
    const token = this.peek();
    if (token.kind !== 'identifier') throw this.unexpected();
    this.position++;
    return token.text;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)];
  }

  private previous(): Token {
    return this.tokens[this.position - 1];
  }

  private peekOperator(operator: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'operator' && token.value === operator;
  }

  private acceptOperator(operator: string): Token | undefined {
    if (!this.peekOperator(operator)) return undefined;
    return this.tokens[this.position++];
  }

  private expectOperator(operator: string): Token {
    const token = this.acceptOperator(operator);
    if (!token) throw this.unexpected();
    return token;
  }

  private acceptKeyword(keyword: string): Token | undefined {
    const token = this.peek();
    if (token.kind !== 'keyword' || token.value !== keyword) return undefined;
    this.position++;
    return token;
  }

  private expectKeyword(keyword: string): Token {
    const token = this.acceptKeyword(keyword);
    if (!token) throw this.unexpected();
    return token;
  }

  private unexpected(): Error {
    const token = this.peek();
    if (token.kind === 'end') return unexpectedEndOfText(this.text.length);
    return syntaxErrorNear(token.text, token);
  }
}

function spanOf(first: Expression, last: Expression): SourceSpan {
  return { start: first.span.start, end: last.span.end };
}
