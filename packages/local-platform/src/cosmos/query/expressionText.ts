/**
 * Prints an expression in one canonical form. Used for what the query plan reports (`orderByExpressions`,
 * `groupByExpressions`, as in `c.name`) and to decide whether a SELECT item is one of the GROUP BY expressions,
 * whatever spacing, quoting or keyword case the query used.
 */
import type { Expression } from './syntax';

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function expressionText(expression: Expression): string {
  switch (expression.kind) {
    case 'literal':
      return literalText(expression.value);
    case 'parameter':
    case 'identifier':
      return expression.name;
    case 'property':
      return propertyText(expressionText(expression.object), expression.name);
    case 'index':
      // c["name"] and c.name are the same path and print alike.
      return expression.index.kind === 'literal' && typeof expression.index.value === 'string'
        ? propertyText(expressionText(expression.object), expression.index.value)
        : `${expressionText(expression.object)}[${expressionText(expression.index)}]`;
    case 'array':
      return `[${expression.items.map(expressionText).join(', ')}]`;
    case 'object':
      return `{${expression.properties.map((p) => `${JSON.stringify(p.name)}: ${expressionText(p.value)}`).join(', ')}}`;
    case 'unary':
      return expression.operator === 'NOT'
        ? `(NOT ${expressionText(expression.operand)})`
        : `(${expression.operator}${expressionText(expression.operand)})`;
    case 'binary':
      return `(${expressionText(expression.left)} ${expression.operator} ${expressionText(expression.right)})`;
    case 'in':
      return `(${expressionText(expression.needle)} ${expression.negated ? 'NOT IN' : 'IN'} (${expression.haystack
        .map(expressionText)
        .join(', ')}))`;
    case 'like':
      return `(${expressionText(expression.value)} ${expression.negated ? 'NOT LIKE' : 'LIKE'} ${expressionText(
        expression.pattern,
      )}${expression.escape === undefined ? '' : ` ESCAPE ${JSON.stringify(expression.escape)}`})`;
    case 'between':
      return `(${expressionText(expression.value)} ${expression.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${expressionText(
        expression.low,
      )} AND ${expressionText(expression.high)})`;
    case 'conditional':
      return `(${expressionText(expression.condition)} ? ${expressionText(expression.whenTrue)} : ${expressionText(
        expression.whenFalse,
      )})`;
    case 'coalesce':
      return `(${expressionText(expression.left)} ?? ${expressionText(expression.right)})`;
    case 'call':
      return `${expression.name.toUpperCase()}(${expression.args.map(expressionText).join(', ')})`;
    case 'subquery':
      return `${expression.form}(...)`;
  }
}

function propertyText(objectText: string, name: string): string {
  return PLAIN_NAME.test(name) ? `${objectText}.${name}` : `${objectText}[${JSON.stringify(name)}]`;
}

function literalText(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}
