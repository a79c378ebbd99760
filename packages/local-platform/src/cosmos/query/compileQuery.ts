/**
 * From query text and parameters to a CompiledQuery: parse, bind the FROM aliases, compile every clause once (which
 * is where Cosmos' refusals are raised), and derive the constraints and the query-plan description. Subqueries are
 * planned the same way, within the scope of the query that encloses them.
 */
import { extractConstraints } from './constraints';
import type { CompiledQuery, JsonValue, QueryParameter } from './contract';
import { type CompileEnvironment, type SubqueryCompiler, compileExpression } from './expressionCompiler';
import { type ExecutionPlan, execute } from './execution';
import type { QueryClock } from './functionDefinition';
import { parseQuery } from './parser';
import { compileProjection } from './projection';
import { describeQuery } from './queryPlan';
import {
  invalidCount,
  orderByNotOnDocumentPath,
  orderByWithGroupBy,
  tooDeeplyNested,
  undefinedParameter,
} from './queryErrors';
import { type FromScope, bindFromClause } from './rowSource';
import type { CountSpec, Expression, QuerySyntax } from './syntax';

interface PlanningScope extends FromScope {
  readonly parameters: ReadonlyMap<string, unknown>;
  readonly clock: QueryClock;
}

/** A correlated subquery runs over its enclosing row alone. */
const ENCLOSING_ROW_ONLY: readonly unknown[] = [undefined];

export function compile(text: string, parameters: readonly QueryParameter[]): CompiledQuery {
  try {
    return compileChecked(text, parameters);
  } catch (error) {
    // Parsing and compiling recurse on nesting; a pathological query must be refused, not crash the endpoint.
    if (error instanceof RangeError) throw tooDeeplyNested(text.length);
    throw error;
  }
}

function compileChecked(text: string, parameters: readonly QueryParameter[]): CompiledQuery {
  const syntax = parseQuery(text);
  const parameterValues = new Map<string, JsonValue>(parameters.map((p) => [p.name, p.value]));
  const clock: QueryClock = { runStartedAt: Date.now() };
  const plan = planQuery(syntax, {
    aliases: new Map(),
    slotCount: 0,
    readsContainer: true,
    parameters: parameterValues,
    clock,
  });
  return {
    constraints: extractConstraints(syntax.where, syntax.from, parameterValues),
    info: describeQuery(syntax, plan),
    run: (documents) => {
      clock.runStartedAt = Date.now();
      return execute(plan, documents);
    },
  };
}

function planQuery(syntax: QuerySyntax, scope: PlanningScope): ExecutionPlan {
  const { parameters, clock } = scope;
  const top = resolveCount('TOP', syntax.top, parameters);
  const offset = resolveCount('OFFSET', syntax.offset, parameters);
  const limit = resolveCount('LIMIT', syntax.limit, parameters);
  const subqueries: SubqueryCompiler = (query, aliases, slotCount) => {
    const plan = planQuery(query, { aliases, slotCount, readsContainer: false, parameters, clock });
    return (frame) => execute(plan, ENCLOSING_ROW_ONLY, frame);
  };
  const from = bindFromClause(syntax.from, scope, subqueries);
  const context = { aliases: from.aliases, slotCount: from.slotCount, parameters, clock, subqueries };
  const inClause = (place: string): CompileEnvironment => ({ ...context, aggregates: { kind: 'refuse', place } });

  const { project, grouping } = compileProjection(syntax, context);
  const where = syntax.where && compileExpression(syntax.where, inClause('the WHERE clause'));
  checkOrderBy(syntax);
  const orderBy = syntax.orderBy?.map((item) => ({
    value: compileExpression(item.expression, inClause('the ORDER BY clause')),
    descending: item.descending,
  }));
  return {
    rows: from.rows,
    where,
    grouping,
    project,
    // With aggregates and no GROUP BY there is one result; an ORDER BY has nothing left to order.
    orderBy: grouping ? undefined : orderBy,
    distinct: syntax.distinct,
    top,
    offset,
    limit,
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
