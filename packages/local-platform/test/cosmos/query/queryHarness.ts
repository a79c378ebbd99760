// Shared by the query-engine tests: run a query over in-memory documents, or capture how it is refused.
import { expect } from 'vitest';
import { CosmosQueryError, type JsonValue, compileQuery } from '../../../src/cosmos/query';

export function run(
  text: string,
  documents: readonly Record<string, unknown>[] = [],
  parameters: Record<string, JsonValue> = {},
): unknown[] {
  const list = Object.entries(parameters).map(([name, value]) => ({ name, value }));
  return compileQuery(text, list).run(documents);
}

/** The single value of a FROM-less `SELECT VALUE` query, e.g. evaluate('1 + 1') is 2. */
export function evaluate(expression: string, parameters: Record<string, JsonValue> = {}): unknown {
  const results = run(`SELECT VALUE ${expression}`, [], parameters);
  expect(results.length, `SELECT VALUE ${expression} yields at most one value`).toBeLessThanOrEqual(1);
  return results[0];
}

export function refusal(text: string, parameters: Record<string, JsonValue> = {}): CosmosQueryError {
  try {
    run(text, [], parameters);
  } catch (error) {
    expect(error).toBeInstanceOf(CosmosQueryError);
    return error as CosmosQueryError;
  }
  throw new Error(`expected the query to be refused: ${text}`);
}

/** The part of the query text an error points at. */
export function pointedAt(text: string, error: CosmosQueryError): string | undefined {
  return error.location && text.slice(error.location.start, error.location.end);
}
