/**
 * Every refusal the engine can produce, in one place, with the code and wording Cosmos DB uses where they are known.
 *
 * Confirmed from service responses quoted in public issues and SDK tests: SC1001 (syntax error near a token), SC1002
 * (unexpected end of the text), SC1012 (bad string literal), SC2001 (unresolved identifier), SC2050 (argument count)
 * and 2206 (ORDER BY on something that is not a document path). SC2005 (unknown function) is from memory of service
 * responses, not re-confirmed. For the other semantic refusals the wording is ours and the code is the generic
 * SC2000: Cosmos refuses these queries, but the exact code was not found. SC0000 marks what Cosmos accepts and this
 * engine does not implement, so that a caller can tell "your query is wrong" from "the local engine is limited".
 */
import { CosmosQueryError } from './contract';

interface Span {
  readonly start: number;
  readonly end: number;
}

const at = (span: Span): Span => ({ start: span.start, end: span.end });

export const SEMANTIC_ERROR_CODE = 'SC2000';
export const UNSUPPORTED_LOCALLY_CODE = 'SC0000';

export function syntaxErrorNear(tokenText: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(`Syntax error, incorrect syntax near '${tokenText}'.`, 'SC1001', at(span));
}

export function unexpectedEndOfText(textLength: number): CosmosQueryError {
  return new CosmosQueryError('Syntax error, unexpected end-of-file.', 'SC1002', {
    start: textLength,
    end: textLength,
  });
}

export function invalidStringLiteral(tokenText: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(`Syntax error, invalid string literal token '${tokenText}'.`, 'SC1012', at(span));
}

export function unresolvedIdentifier(name: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(`Identifier '${name}' could not be resolved.`, 'SC2001', at(span));
}

export function unknownFunction(name: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(`'${name}' is not a recognized built-in function name.`, 'SC2005', at(span));
}

export function wrongArgumentCount(name: string, min: number, max: number, span: Span): CosmosQueryError {
  const count = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return new CosmosQueryError(`The ${name} function requires ${count} argument(s).`, 'SC2050', at(span));
}

export function orderByNotOnDocumentPath(span: Span): CosmosQueryError {
  return new CosmosQueryError(
    'Unsupported ORDER BY clause. ORDER BY item expression could not be mapped to a document path.',
    'SC2206',
    at(span),
  );
}

export function undefinedParameter(name: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `The query uses parameter '${name}' but the request does not define it; add { "name": "${name}", "value": ... } to the parameters.`,
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function aggregateNotAllowed(name: string, clause: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `Aggregate function '${name}' cannot be used in ${clause}; aggregates are only allowed in the SELECT clause.`,
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function nestedAggregate(span: Span): CosmosQueryError {
  return new CosmosQueryError(
    'Cannot perform an aggregate function on an expression containing an aggregate or a subquery.',
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function notGroupedInSelect(expressionText: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `'${expressionText}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`,
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function selectStarNotAllowed(reason: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(`'SELECT *' ${reason}.`, SEMANTIC_ERROR_CODE, at(span));
}

export function subqueryInGroupedSelect(span: Span): CosmosQueryError {
  return new CosmosQueryError(
    'A subquery cannot be used in the SELECT clause of a query with GROUP BY or aggregates.',
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function orderByWithGroupBy(span: Span): CosmosQueryError {
  return new CosmosQueryError(
    'ORDER BY cannot be combined with GROUP BY; sort the grouped results on the client.',
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function duplicateAlias(name: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `The alias '${name}' is bound more than once in the FROM clause; every input alias must be unique.`,
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function invalidCount(clause: string, shown: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `The ${clause} value must be a non-negative integer, but it is ${shown}.`,
    SEMANTIC_ERROR_CODE,
    at(span),
  );
}

export function tooDeeplyNested(textLength: number): CosmosQueryError {
  return new CosmosQueryError(
    'The query nests expressions or subqueries too deeply to be compiled; simplify it.',
    SEMANTIC_ERROR_CODE,
    { start: 0, end: textLength },
  );
}

export function unsupportedLocally(feature: string, span: Span): CosmosQueryError {
  return new CosmosQueryError(
    `${feature} is valid Cosmos DB SQL but not supported by the local Cosmos DB query engine; rewrite the query without it or run it against Azure.`,
    UNSUPPORTED_LOCALLY_CODE,
    at(span),
  );
}
