/**
 * The `queryInfo` part of the query plan the SDKs request, as the service fills it in (compare the .NET SDK's
 * QueryPlanBaselineTests): `aggregates` only for `SELECT VALUE <aggregate>` (a select-list aggregate is reported
 * through group-by aliases instead, which this contract does not carry), DISTINCT is `Ordered` when the distinct
 * value is the one ORDER BY expression, expressions are printed canonically (`c.name`).
 */
import { AGGREGATE_OPERATORS, aggregateName } from './aggregates';
import type { QueryInfo } from './contract';
import { expressionText } from './expressionText';
import type { QuerySyntax } from './syntax';

interface ResolvedCounts {
  readonly top: number | undefined;
  readonly offset: number | undefined;
  readonly limit: number | undefined;
}

export function describeQuery(syntax: QuerySyntax, counts: ResolvedCounts): QueryInfo {
  const selection = syntax.selection;
  const orderBy = syntax.orderBy ?? [];
  const orderByExpressions = orderBy.map((item) => expressionText(item.expression));
  const valueText = selection.kind === 'value' ? expressionText(selection.expression) : undefined;
  const ordered = orderByExpressions.length === 1 && orderByExpressions[0] === valueText;
  const valueAggregate =
    selection.kind === 'value' && selection.expression.kind === 'call'
      ? aggregateName(selection.expression.name)
      : undefined;
  return {
    distinctType: !syntax.distinct ? 'None' : ordered ? 'Ordered' : 'Unordered',
    ...(counts.top !== undefined && { top: counts.top }),
    ...(counts.offset !== undefined && { offset: counts.offset }),
    ...(counts.limit !== undefined && { limit: counts.limit }),
    orderBy: orderBy.map((item) => (item.descending ? 'Descending' : 'Ascending')),
    orderByExpressions,
    groupByExpressions: (syntax.groupBy ?? []).map(expressionText),
    aggregates:
      valueAggregate !== undefined && syntax.groupBy === undefined ? [AGGREGATE_OPERATORS[valueAggregate]] : [],
    hasSelectValue: selection.kind === 'value',
  };
}
