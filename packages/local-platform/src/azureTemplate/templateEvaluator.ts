import { type Expression, isExpression, parseExpression } from './expressionSyntax';
import { RuntimeValue } from './runtimeValue';
import { type FunctionScope, TEMPLATE_FUNCTIONS, TemplateFunctionError } from './templateFunctions';

export class UnsupportedExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedExpressionError';
  }
}

function evaluateExpression(e: Expression, scope: FunctionScope): unknown {
  switch (e.kind) {
    case 'string':
    case 'number':
      return e.value;
    case 'property': {
      const target = evaluateExpression(e.target, scope);
      if (target instanceof RuntimeValue) return target.property(e.name);
      if (target && typeof target === 'object' && e.name in target) return (target as Record<string, unknown>)[e.name];
      throw new TemplateFunctionError(`the value has no property "${e.name}" (${JSON.stringify(target)}).`);
    }
    case 'index': {
      const target = evaluateExpression(e.target, scope);
      const index = evaluateExpression(e.index, scope);
      if (target instanceof RuntimeValue) return target.property(String(index));
      const value = (target as Record<string | number, unknown> | undefined)?.[index as string | number];
      if (value === undefined) throw new TemplateFunctionError(`the value has no element [${JSON.stringify(index)}].`);
      return value;
    }
    case 'call': {
      // `if` evaluates only the branch it takes, so a branch that needs something absent does no harm.
      if (e.name.toLowerCase() === 'if') {
        if (e.args.length !== 3) throw new TemplateFunctionError('if() takes a condition and two values.');
        return evaluateExpression(e.args[evaluateExpression(e.args[0], scope) === true ? 1 : 2], scope);
      }
      const fn = Object.entries(TEMPLATE_FUNCTIONS).find(([name]) => name.toLowerCase() === e.name.toLowerCase());
      if (!fn)
        throw new UnsupportedExpressionError(
          `the template function ${e.name}() is not evaluated by the local platform. Supported: if, ${Object.keys(TEMPLATE_FUNCTIONS).join(', ')}.`,
        );
      return fn[1](
        scope,
        e.args.map((a) => evaluateExpression(a, scope)),
      );
    }
  }
}

/** Evaluates every expression in a template value (strings, arrays, objects), as ARM does at deployment. */
export function evaluateValue(value: unknown, scope: FunctionScope): unknown {
  if (typeof value === 'string')
    return isExpression(value)
      ? evaluateExpression(parseExpression(value), scope)
      : value.startsWith('[[')
        ? value.slice(1)
        : value;
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateValue(v, scope)]));
  return value;
}
