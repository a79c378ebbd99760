// Every example of the Cosmos DB for NoSQL query reference, run as documented: the same items, the same query text,
// the documented result. GROUP BY examples are compared as sets, since the order of groups is not defined.
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/cosmos/query';
import { DOCUMENTED_EXAMPLES } from './documentedExamples';

const sortedByJson = (values: readonly unknown[]): unknown[] =>
  [...values].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('documented examples of the Cosmos DB query reference', () => {
  it('covers the reference broadly (a guard against the table silently shrinking)', () => {
    expect(DOCUMENTED_EXAMPLES.length).toBeGreaterThanOrEqual(120);
  });

  it.each(DOCUMENTED_EXAMPLES.map((example) => [example.name, example] as const))('%s', (_name, example) => {
    const result = compileQuery(example.query).run(example.seed ?? []);
    if (example.name.startsWith('group-by')) expect(sortedByJson(result)).toStrictEqual(sortedByJson(example.result));
    else expect(result).toStrictEqual(example.result);
  });
});
