// What compileQuery reports for the SDK's query plan (queryInfo), compared with what the service reports for the same
// queries in the Cosmos .NET SDK's QueryPlanBaselineTests.
import { describe, expect, it } from 'vitest';
import { type QueryInfo, compileQuery } from '../../../src/cosmos/query';

const infoOf = (text: string, parameters: { name: string; value: number }[] = []): QueryInfo =>
  compileQuery(text, parameters).info;

const plain: QueryInfo = {
  distinctType: 'None',
  orderBy: [],
  orderByExpressions: [],
  groupByExpressions: [],
  aggregates: [],
  hasSelectValue: false,
};

describe('query plan information', () => {
  it('describes a plain query', () => {
    expect(infoOf('SELECT * FROM c')).toStrictEqual(plain);
  });

  it('reports ORDER BY directions and expressions', () => {
    expect(infoOf('SELECT * FROM Root r ORDER BY r.blah')).toStrictEqual({
      ...plain,
      orderBy: ['Ascending'],
      orderByExpressions: ['r.blah'],
    });
    expect(infoOf('SELECT TOP 10 c.a FROM c ORDER BY c.key DESC, c["odd name"], c["x"][0]')).toStrictEqual({
      ...plain,
      top: 10,
      orderBy: ['Descending', 'Ascending', 'Ascending'],
      orderByExpressions: ['c.key', 'c["odd name"]', 'c.x[0]'],
    });
  });

  it('reports TOP, OFFSET and LIMIT with parameters resolved', () => {
    expect(infoOf('SELECT TOP @n * FROM c', [{ name: '@n', value: 7 }])).toStrictEqual({ ...plain, top: 7 });
    expect(infoOf('SELECT * FROM c OFFSET 5 LIMIT @l', [{ name: '@l', value: 3 }])).toStrictEqual({
      ...plain,
      offset: 5,
      limit: 3,
    });
  });

  it('reports DISTINCT as Ordered only when the distinct value is the ORDER BY expression', () => {
    expect(infoOf('SELECT DISTINCT c.blah FROM c').distinctType).toBe('Unordered');
    expect(infoOf('SELECT DISTINCT VALUE c.blah FROM c ORDER BY c.blah').distinctType).toBe('Ordered');
    expect(infoOf('SELECT DISTINCT VALUE c.other FROM c ORDER BY c.blah').distinctType).toBe('Unordered');
  });

  it('reports the aggregate of SELECT VALUE, and none for a select list (the service reports those as aliases)', () => {
    expect(infoOf('SELECT VALUE AVG(c.blah) FROM c')).toStrictEqual({
      ...plain,
      aggregates: ['Average'],
      hasSelectValue: true,
    });
    for (const [fn, operator] of [
      ['COUNT', 'Count'],
      ['sum', 'Sum'],
      ['Min', 'Min'],
      ['MAX', 'Max'],
    ]) {
      expect(infoOf(`SELECT VALUE ${fn}(c.blah) FROM c`).aggregates).toEqual([operator]);
    }
    expect(infoOf('SELECT AVG(c.blah) FROM c').aggregates).toEqual([]);
  });

  it('reports GROUP BY expressions', () => {
    expect(infoOf('SELECT c.team, COUNT(1) AS n FROM c GROUP BY c.team, LOWER(c["kind"])')).toStrictEqual({
      ...plain,
      groupByExpressions: ['c.team', 'LOWER(c.kind)'],
    });
  });

  it('reports SELECT VALUE', () => {
    expect(infoOf('SELECT VALUE c.blah FROM Root c ORDER BY c.key')).toStrictEqual({
      ...plain,
      orderBy: ['Ascending'],
      orderByExpressions: ['c.key'],
      hasSelectValue: true,
    });
  });
});
