import { SqlFilterError } from './errors';
import {
  ActionStatement,
  CompareOp,
  Expr,
  FilterMessage,
  isCondition,
  PropertyRef,
  SETTABLE_SYSTEM_PROPERTIES,
  SYSTEM_PROPERTIES,
  SYSTEM_PROPERTY_BY_LOWER,
} from './sqlAst';
import { evaluateCondition } from './sqlEvaluator';
import { Token, tokenize } from './sqlLexer';

/**
 * A parsed Service Bus SQL filter (`type = 'OrderPlaced' AND NOT EXISTS(bridgeorigin)`). Parsing and type
 * checks happen once, when the config loads, so a bad rule stops start-up with its position instead of
 * silently matching nothing at run time.
 */
export class SqlFilter {
  private constructor(
    readonly expression: string,
    readonly ast: Expr,
  ) {}

  static parse(expression: string): SqlFilter {
    return new SqlFilter(expression, new Parser(expression).parseFilter());
  }

  /** True only when the condition is TRUE; FALSE and unknown (a missing property, a type clash) do not match. */
  matches(message: FilterMessage): boolean {
    return evaluateCondition(this.ast, message) === true;
  }
}

export function parseSqlFilter(expression: string): SqlFilter {
  return SqlFilter.parse(expression);
}

/** Parses a rule action (`SET sys.Label = 'x'; REMOVE internal`); throws SqlFilterError with the position. */
export function parseSqlAction(expression: string): ActionStatement[] {
  return new Parser(expression).parseAction();
}

const COMPARE: Record<string, CompareOp> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the expression';
  return `'${t.text}'`;
}

function describeNode(e: Expr): string {
  switch (e.type) {
    case 'literal':
      return e.value === null
        ? 'NULL'
        : typeof e.value === 'string'
          ? `the string '${e.value}'`
          : `the value ${String(e.value)}`;
    case 'property':
      return `the property ${e.scope === 'sys' ? 'sys.' : ''}${e.name}`;
    case 'arithmetic':
    case 'unary':
      return 'an arithmetic expression';
    default:
      return 'a value';
  }
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseFilter(): Expr {
    if (this.peek().kind === 'end')
      this.fail(this.peek(), 'The filter is empty; write a condition such as 1=1 (match everything).');
    const e = this.parseOr();
    if (this.peek().kind !== 'end') {
      const t = this.peek();
      this.fail(
        t,
        t.kind === 'operator' && t.value === ';'
          ? 'A filter is one condition; combine conditions with AND / OR instead of ;.'
          : `Unexpected ${describe(t)} after a complete condition; did you miss AND / OR?`,
      );
    }
    this.needCondition(e, 'A filter');
    return e;
  }

  parseAction(): ActionStatement[] {
    if (this.peek().kind === 'end')
      this.fail(this.peek(), "The action is empty; write SET name = value or REMOVE name (e.g. SET sys.Label = 'x').");
    const out: ActionStatement[] = [];
    while (this.peek().kind !== 'end') {
      const t = this.next();
      if (t.kind === 'keyword' && t.value === 'SET') {
        const property = this.parseTarget('SET');
        if (property.scope === 'sys' && !SETTABLE_SYSTEM_PROPERTIES.has(property.name))
          this.fail(
            this.nodeToken(property),
            `sys.${property.name} is set by the broker; an action may SET ${[...SETTABLE_SYSTEM_PROPERTIES].map((p) => `sys.${p}`).join(', ')} or application properties.`,
          );
        this.expectOperator('=', `after SET ${property.name}`);
        const value = this.parseOr();
        this.needValue(value, `SET ${property.name}`);
        out.push({ type: 'set', property, value, pos: t.pos });
      } else if (t.kind === 'keyword' && t.value === 'REMOVE') {
        const property = this.parseTarget('REMOVE');
        if (property.scope === 'sys')
          this.fail(
            this.nodeToken(property),
            'REMOVE takes application properties; system properties cannot be removed.',
          );
        out.push({ type: 'remove', property, pos: t.pos });
      } else this.fail(t, `Expected SET or REMOVE, found ${describe(t)}.`);
      if (this.isOperator(';')) while (this.isOperator(';')) this.next();
      else if (this.peek().kind !== 'end')
        this.fail(this.peek(), `Separate action statements with ';', found ${describe(this.peek())}.`);
    }
    return out;
  }

  private parseTarget(statement: string): PropertyRef {
    const t = this.next();
    const target = t.kind === 'identifier' ? this.parseIdentifier(t) : undefined;
    if (target?.type !== 'property')
      return this.fail(t, `${statement} needs a property name (name, user.name or sys.Name), found ${describe(t)}.`);
    return target;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private fail(t: Token | { pos: number; text: string }, detail: string): never {
    throw new SqlFilterError(this.source, t.pos, t.text, detail);
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'keyword' && t.value === word;
  }

  private isOperator(op: string): boolean {
    const t = this.peek();
    return t.kind === 'operator' && t.value === op;
  }

  private expectOperator(op: string, context: string): Token {
    const t = this.next();
    if (t.kind !== 'operator' || t.value !== op) this.fail(t, `Expected '${op}' ${context}, found ${describe(t)}.`);
    return t;
  }

  private nodeToken(e: Expr): { pos: number; text: string } {
    const t = this.tokens.find((x) => x.pos === e.pos);
    return { pos: e.pos, text: t?.text ?? '' };
  }

  private needCondition(e: Expr, who: string): void {
    if (!isCondition(e))
      this.fail(
        this.nodeToken(e),
        `${who} needs a condition (a comparison, EXISTS, IS NULL, IN or LIKE), but found ${describeNode(e)}. ` +
          `For a boolean property write e.g. ${e.type === 'property' ? `${e.name} = TRUE` : 'x = TRUE'}.`,
      );
  }

  private needValue(e: Expr, who: string): void {
    if (isCondition(e) && !(e.type === 'literal'))
      this.fail(
        this.nodeToken(e),
        `${who} needs a value, but found a condition; combine conditions with AND / OR, not with comparison or arithmetic.`,
      );
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKeyword('OR')) {
      const op = this.next();
      const right = this.parseAnd();
      this.needCondition(left, 'OR');
      this.needCondition(right, 'OR');
      left = { type: 'or', left, right, pos: op.pos };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKeyword('AND')) {
      const op = this.next();
      const right = this.parseNot();
      this.needCondition(left, 'AND');
      this.needCondition(right, 'AND');
      left = { type: 'and', left, right, pos: op.pos };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKeyword('NOT')) {
      const op = this.next();
      const operand = this.parseNot();
      this.needCondition(operand, 'NOT');
      return { type: 'not', operand, pos: op.pos };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    if (this.isKeyword('EXISTS')) {
      const kw = this.next();
      this.expectOperator('(', 'after EXISTS');
      const t = this.peek();
      const property = this.parsePrimary();
      if (property.type !== 'property')
        this.fail(t, `EXISTS takes a property name, e.g. EXISTS(bridgeorigin); found ${describe(t)}.`);
      this.expectOperator(')', 'to close EXISTS(');
      return { type: 'exists', property: property as PropertyRef, pos: kw.pos };
    }
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === 'operator' && COMPARE[t.value]) {
      this.next();
      if (this.peek().kind === 'end') this.fail(this.peek(), `Expected a value after '${t.text}'.`);
      const right = this.parseAdditive();
      this.needValue(left, `'${t.text}'`);
      this.needValue(right, `'${t.text}'`);
      return { type: 'compare', op: COMPARE[t.value], left, right, pos: t.pos };
    }
    if (this.isKeyword('IS')) {
      const is = this.next();
      const negated = this.isKeyword('NOT');
      if (negated) this.next();
      const n = this.next();
      if (n.kind !== 'keyword' || n.value !== 'NULL')
        this.fail(n, `Expected NULL after IS${negated ? ' NOT' : ''}, found ${describe(n)}.`);
      this.needValue(left, 'IS NULL');
      return { type: 'isNull', operand: left, negated, pos: is.pos };
    }
    let negated = false;
    if (this.isKeyword('NOT')) {
      if (!this.isKeyword('IN', 1) && !this.isKeyword('LIKE', 1))
        this.fail(this.peek(1), `Expected IN or LIKE after NOT, found ${describe(this.peek(1))}.`);
      this.next();
      negated = true;
    }
    if (this.isKeyword('IN')) {
      const kw = this.next();
      this.expectOperator('(', 'after IN');
      const list: Expr[] = [];
      if (this.isOperator(')')) this.fail(this.peek(), 'IN needs at least one value: IN (a, b, ...).');
      for (;;) {
        const item = this.parseAdditive();
        this.needValue(item, 'IN');
        list.push(item);
        if (this.isOperator(',')) {
          this.next();
          continue;
        }
        this.expectOperator(')', 'to close the IN list (separate values with commas)');
        break;
      }
      this.needValue(left, 'IN');
      return { type: 'in', operand: left, list, negated, pos: kw.pos };
    }
    if (this.isKeyword('LIKE')) {
      const kw = this.next();
      const patternToken = this.peek();
      const pattern = this.parseAdditive();
      this.needValue(pattern, 'LIKE');
      if (pattern.type === 'literal' && typeof pattern.value !== 'string')
        this.fail(patternToken, `LIKE needs a string pattern such as 'Order%', found ${describe(patternToken)}.`);
      let escape: Expr | undefined;
      if (this.isKeyword('ESCAPE')) {
        this.next();
        const escToken = this.peek();
        escape = this.parseAdditive();
        if (escape.type === 'literal' && (typeof escape.value !== 'string' || escape.value.length !== 1))
          this.fail(
            escToken,
            `ESCAPE needs a string of exactly one character, e.g. ESCAPE '\\', found ${describe(escToken)}.`,
          );
      }
      this.needValue(left, 'LIKE');
      return { type: 'like', operand: left, pattern, escape, negated, pos: kw.pos };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'operator' || (t.value !== '+' && t.value !== '-')) return left;
      this.next();
      const right = this.parseMultiplicative();
      this.needValue(left, `'${t.text}'`);
      this.needValue(right, `'${t.text}'`);
      left = { type: 'arithmetic', op: t.value, left, right, pos: t.pos };
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'operator' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.next();
      const right = this.parseUnary();
      this.needValue(left, `'${t.text}'`);
      this.needValue(right, `'${t.text}'`);
      left = { type: 'arithmetic', op: t.value, left, right, pos: t.pos };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'operator' && (t.value === '+' || t.value === '-')) {
      this.next();
      const operand = this.parseUnary();
      this.needValue(operand, `unary '${t.text}'`);
      return { type: 'unary', op: t.value, operand, pos: t.pos };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { type: 'literal', value: t.value, integer: t.integer, pos: t.pos };
      case 'string':
        return { type: 'literal', value: t.value, integer: false, pos: t.pos };
      case 'parameter':
        return this.fail(
          t,
          `Filter parameters (${t.text}) are not supported in the config file; write the value inline, e.g. type = 'OrderPlaced'.`,
        );
      case 'end':
        return this.fail(t, 'Expected a value or a property name, found the end of the expression.');
      case 'keyword':
        if (t.value === 'TRUE' || t.value === 'FALSE')
          return { type: 'literal', value: t.value === 'TRUE', integer: false, pos: t.pos };
        if (t.value === 'NULL') return { type: 'literal', value: null, integer: false, pos: t.pos };
        return this.fail(
          t,
          `Expected a value or a property name, found the keyword ${t.text.toUpperCase()}. A property with that name must be written [${t.text}].`,
        );
      case 'operator':
        if (t.value === '(') {
          const inner = this.parseOr();
          this.expectOperator(')', 'to close the parenthesis');
          return inner;
        }
        return this.fail(t, `Expected a value or a property name, found ${describe(t)}.`);
      case 'identifier':
        return this.parseIdentifier(t);
    }
  }

  private parseIdentifier(t: Extract<Token, { kind: 'identifier' }>): Expr {
    if (!t.quoted && this.isOperator('(')) {
      const fn = t.value.toLowerCase();
      this.next();
      if (fn === 'newid') {
        this.expectOperator(')', 'after newid(');
        return { type: 'newid', pos: t.pos };
      }
      if (fn === 'property' || fn === 'p') {
        const name = this.parseAdditive();
        this.needValue(name, `${t.value}()`);
        this.expectOperator(')', `to close ${t.value}(`);
        return { type: 'propertyFn', name, pos: t.pos };
      }
      return this.fail(t, `Unknown function ${t.value}(); filters know newid(), property(name) and p(name).`);
    }
    const scope = !t.quoted ? t.value.toLowerCase() : '';
    if ((scope === 'sys' || scope === 'user') && this.isOperator('.')) {
      this.next();
      const nameToken = this.next();
      if (nameToken.kind !== 'identifier' && nameToken.kind !== 'keyword')
        this.fail(nameToken, `Expected a property name after '${t.text}.', found ${describe(nameToken)}.`);
      const name = nameToken.kind === 'identifier' ? nameToken.value : nameToken.text;
      if (scope === 'user') return { type: 'property', scope: 'user', name, pos: t.pos };
      const canonical = SYSTEM_PROPERTY_BY_LOWER.get(name.toLowerCase());
      if (!canonical)
        this.fail(
          nameToken,
          `sys.${name} is not a system property. Known: ${SYSTEM_PROPERTIES.join(', ')}. Application properties need no prefix (or user.).`,
        );
      return { type: 'property', scope: 'sys', name: canonical!, pos: t.pos };
    }
    if (this.isOperator('.'))
      this.fail(
        this.peek(),
        `Only sys. and user. may prefix a property name; write [${t.value}.${this.peek(1).text}] for a name with a dot.`,
      );
    return { type: 'property', scope: 'user', name: t.value, pos: t.pos };
  }
}
