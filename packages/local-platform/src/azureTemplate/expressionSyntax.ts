/**
 * The syntax of ARM template expressions (`[format('{0}/x', parameters('name'))]`): string and number literals,
 * function calls, property access and indexing. Evaluation lives in `templateEvaluator.ts`.
 */
export type Expression =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: Expression[] }
  | { kind: 'property'; target: Expression; name: string }
  | { kind: 'index'; target: Expression; index: Expression };

export class ExpressionSyntaxError extends Error {
  constructor(text: string, at: number, problem: string) {
    super(`${problem} at character ${at + 1} of "${text}"`);
    this.name = 'ExpressionSyntaxError';
  }
}

/** `[...]` is an expression; `[[...` is a literal string starting with `[`, as ARM escapes it. */
export function isExpression(value: string): boolean {
  return value.startsWith('[') && value.endsWith(']') && !value.startsWith('[[');
}

export function parseExpression(text: string): Expression {
  const body = text.slice(1, -1);
  let i = 0;
  const fail = (problem: string): never => {
    throw new ExpressionSyntaxError(body, i, problem);
  };
  const skipSpaces = () => {
    while (i < body.length && /\s/.test(body[i])) i++;
  };
  const expect = (ch: string) => {
    skipSpaces();
    if (body[i] !== ch) fail(`expected '${ch}'`);
    i++;
  };

  function primary(): Expression {
    skipSpaces();
    const ch = body[i];
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= body.length) fail('unterminated string');
        if (body[i] === "'") {
          if (body[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          return { kind: 'string', value };
        }
        value += body[i++];
      }
    }
    const number = /^-?\d+(\.\d+)?/.exec(body.slice(i));
    if (number) {
      i += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(body.slice(i));
    if (!name) return fail('expected a function call, a string or a number');
    i += name[0].length;
    expect('(');
    const args: Expression[] = [];
    skipSpaces();
    if (body[i] === ')') i++;
    else
      for (;;) {
        args.push(expression());
        skipSpaces();
        if (body[i] === ',') {
          i++;
          continue;
        }
        expect(')');
        break;
      }
    return { kind: 'call', name: name[0], args };
  }

  function expression(): Expression {
    let target = primary();
    for (;;) {
      skipSpaces();
      if (body[i] === '.') {
        i++;
        const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(body.slice(i));
        if (!name) fail('expected a property name after "."');
        i += name![0].length;
        target = { kind: 'property', target, name: name![0] };
      } else if (body[i] === '[') {
        i++;
        const index = expression();
        expect(']');
        target = { kind: 'index', target, index };
      } else return target;
    }
  }

  const result = expression();
  skipSpaces();
  if (i < body.length) fail('unexpected text');
  return result;
}
