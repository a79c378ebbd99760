/**
 * From query text and parameters to a CompiledQuery: parse, bind the FROM aliases, compile every clause once (which
 * is where Cosmos' refusals are raised), and derive the constraints and the query-plan description.
 */
import { extractConstraints } from './constraints';
import type { CompiledQuery, JsonValue, QueryParameter } from './contract';
import { type CompileEnvironment, compileExpression } from './expressionCompiler';
import { type ExecutionPlan, execute } from './execution';
import type { QueryClock } from './functionDefinition';
import { parseQuery } from './parser';
import { compileProjection } from './projection';
import { type ResolvedCounts, describeQuery } from './queryPlan';
import { invalidCount, orderByNotOnDocumentPath, orderByWithGroupBy, undefinedParameter } from './queryErrors';
import { bindFromClause } from './rowSource';
import type { CountSpec, Expression, QuerySyntax } from './syntax';

export function compile(text: string, parameters: readonly QueryParameter[]): CompiledQuery {
  const syntax = parseQuery(text);
  const parameterValues = new Map<string, JsonValue>(parameters.map((p) => [p.name, p.value]));
  const counts: ResolvedCounts = {
    top: resolveCount('TOP', syntax.top, parameterValues),
    offset: resolveCount('OFFSET', syntax.offset, parameterValues),
    limit: resolveCount('LIMIT', syntax.limit, parameterValues),
  };
  const from = syntax.from.length > 0 ? bindFromClause(syntax.from) : undefined;
  const clock: QueryClock = { runStartedAt: Date.now() };
  const context = { aliases: from?.aliases ?? new Map<string, number>(), parameters: parameterValues, clock };
  const inClause = (place: string): CompileEnvironment => ({ ...context, aggregates: { kind: 'refuse', place } });

  const { project, grouping } = compileProjection(syntax, context);
  const where = syntax.where && compileExpression(syntax.where, inClause('the WHERE clause'));
  checkOrderBy(syntax);
  const orderBy = syntax.orderBy?.map((item) => ({
    value: compileExpression(item.expression, inClause('the ORDER BY clause')),
    descending: item.descending,
  }));

  const plan: ExecutionPlan = {
    rows: from?.rows,
    where,
    grouping,
    project,
    // With aggregates and no GROUP BY there is one result; an ORDER BY has nothing left to order.
    orderBy: grouping ? undefined : orderBy,
    distinct: syntax.distinct,
    ...counts,
    clock,
  };
  return {
    constraints: extractConstraints(syntax.where, syntax.from, parameterValues),
    info: describeQuery(syntax, counts),
    run: (documents) => execute(plan, documents),
  };
}

function resolveCount(clause: string, spec: CountSpec | undefined, parameters: ReadonlyMap<string, unknown>) {
  if (spec === undefined) return undefined;
  let value: unknown = spec.kind === 'literal' ? spec.value : undefined;
  if (spec.kind === 'parameter') {
    if (!parameters.has(spec.name)) throw undefinedParameter(spec.name, spec.span);
    value = parameters.get(spec.name);
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidCount(clause, JSON.stringify(value) ?? String(value), spec.span);
  }
  return value;
}

/** ORDER BY sorts by document paths only (an index serves it), and Cosmos does not combine it with GROUP BY. */
function checkOrderBy(syntax: QuerySyntax): void {
  if (syntax.orderBy === undefined) return;
  if (syntax.groupBy !== undefined) throw orderByWithGroupBy(syntax.orderBySpan ?? syntax.selectSpan);
  for (const item of syntax.orderBy) {
    if (!isDocumentPath(item.expression)) throw orderByNotOnDocumentPath(item.expression.span);
  }
}

function isDocumentPath(expression: Expression): boolean {
  let current = expression;
  for (;;) {
    if (current.kind === 'identifier') return true;
    if (current.kind === 'property') current = current.object;
    else if (current.kind === 'index' && current.index.kind === 'literal') {
      const step = current.index.value;
      if (typeof step !== 'string' && (typeof step !== 'number' || !Number.isInteger(step))) return false;
      current = current.object;
    } else return false;
  }
}
