/**
 * The SELECT clause: what each result is, and whether results come from rows or from groups.
 *
 * `SELECT *` is the single FROM source's value; `SELECT VALUE e` is e itself (a row where it is undefined yields no
 * result); a select list builds an object whose properties are named by their alias, else by the property or
 * string index read (`c.name` and `c["name"]` give "name", `c` gives "c"), else "$1", "$2"... in order; undefined
 * values leave their property out.
 *
 * With GROUP BY, or with an aggregate and no GROUP BY (one group of everything), the SELECT is evaluated once per
 * group over a frame of the group's key values followed by its aggregate results.
 */
import { type AggregateName, aggregateName } from './aggregates';
import { type CompileEnvironment, type Evaluator, assignProperty, compileExpression } from './expressionCompiler';
import { expressionText } from './expressionText';
import { selectStarNotAllowed } from './queryErrors';
import type { Expression, QuerySyntax, SelectItem, Selection } from './syntax';

export interface GroupedAggregate {
  readonly name: AggregateName;
  /** Evaluated on each row of the group. */
  readonly argument: Evaluator;
}

export interface Grouping {
  /** Evaluated on each row; rows with equal keys form a group (undefined is a key value of its own). */
  readonly keys: readonly Evaluator[];
  readonly aggregates: readonly GroupedAggregate[];
  /** No GROUP BY: one group of all rows, present even when there are none (COUNT of nothing is 0). */
  readonly wholeInput: boolean;
}

export interface Projection {
  /** Evaluated on a row frame, or on a group frame when `grouping` is set. */
  readonly project: Evaluator;
  readonly grouping: Grouping | undefined;
}

type ProjectionContext = Omit<CompileEnvironment, 'aggregates' | 'groupKeys'>;

export function compileProjection(syntax: QuerySyntax, context: ProjectionContext): Projection {
  const grouped = syntax.groupBy !== undefined || selectionHasAggregate(syntax);
  if (syntax.selection.kind === 'star') {
    const span = syntax.selection.span;
    if (syntax.from.length === 0) throw selectStarNotAllowed('is not valid if FROM clause is omitted', span);
    if (syntax.from.length > 1) throw selectStarNotAllowed('is only valid with a single input set', span);
    if (grouped) throw selectStarNotAllowed('is not valid with GROUP BY', span);
    const slot = context.slotCount - 1; // the query's one source, after any enclosing query's
    return { project: (frame) => frame[slot], grouping: undefined };
  }
  if (!grouped) return { project: compileSelection(syntax.selection, rowEnvironment(context)), grouping: undefined };

  const groupBy = syntax.groupBy ?? [];
  const keys = groupBy.map((expression) =>
    compileExpression(expression, {
      ...context,
      aggregates: { kind: 'refuse', place: 'the GROUP BY clause' },
    }),
  );
  const aggregates: GroupedAggregate[] = [];
  const argumentEnvironment: CompileEnvironment = { ...context, aggregates: { kind: 'nested' } };
  const project = compileSelection(syntax.selection, {
    ...context,
    groupKeys: new Map(groupBy.map((expression, i) => [expressionText(expression), i])),
    aggregates: {
      kind: 'collect',
      register: (name, argument) => {
        aggregates.push({ name, argument: compileExpression(argument, argumentEnvironment) });
        return keys.length + aggregates.length - 1;
      },
    },
  });
  return { project, grouping: { keys, aggregates, wholeInput: syntax.groupBy === undefined } };
}

function rowEnvironment(context: ProjectionContext): CompileEnvironment {
  return { ...context, aggregates: { kind: 'refuse', place: 'the SELECT clause without GROUP BY' } };
}

function compileSelection(selection: Exclude<Selection, { kind: 'star' }>, env: CompileEnvironment): Evaluator {
  if (selection.kind === 'value') return compileExpression(selection.expression, env);
  const names = propertyNames(selection.items);
  const values = selection.items.map((item) => compileExpression(item.expression, env));
  return (frame) => {
    const result: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = values[i](frame);
      if (value !== undefined) assignProperty(result, names[i], value);
    }
    return result;
  };
}

function propertyNames(items: readonly SelectItem[]): string[] {
  let unnamed = 0;
  return items.map(({ expression, alias }) => alias ?? inferredName(expression) ?? `$${++unnamed}`);
}

function inferredName(expression: Expression): string | undefined {
  if (expression.kind === 'identifier' || expression.kind === 'property') return expression.name;
  if (
    expression.kind === 'index' &&
    expression.index.kind === 'literal' &&
    typeof expression.index.value === 'string'
  ) {
    return expression.index.value;
  }
  return undefined;
}

function selectionHasAggregate(syntax: QuerySyntax): boolean {
  const selection = syntax.selection;
  if (selection.kind === 'star') return false;
  const expressions = selection.kind === 'value' ? [selection.expression] : selection.items.map((i) => i.expression);
  return expressions.some(containsAggregate);
}

export function containsAggregate(expression: Expression): boolean {
  switch (expression.kind) {
    case 'call':
      return aggregateName(expression.name) !== undefined || expression.args.some(containsAggregate);
    case 'property':
      return containsAggregate(expression.object);
    case 'index':
      return containsAggregate(expression.object) || containsAggregate(expression.index);
    case 'array':
      return expression.items.some(containsAggregate);
    case 'object':
      return expression.properties.some((p) => containsAggregate(p.value));
    case 'unary':
      return containsAggregate(expression.operand);
    case 'binary':
    case 'coalesce':
      return containsAggregate(expression.left) || containsAggregate(expression.right);
    case 'in':
      return containsAggregate(expression.needle) || expression.haystack.some(containsAggregate);
    case 'like':
      return containsAggregate(expression.value) || containsAggregate(expression.pattern);
    case 'between':
      return [expression.value, expression.low, expression.high].some(containsAggregate);
    case 'conditional':
      return [expression.condition, expression.whenTrue, expression.whenFalse].some(containsAggregate);
    default:
      return false;
  }
}
