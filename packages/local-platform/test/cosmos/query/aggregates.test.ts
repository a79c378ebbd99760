// Aggregates and GROUP BY: what COUNT, SUM, AVG, MIN and MAX make of undefined and mixed kinds (as their reference
// pages define), empty inputs, grouping keys including undefined, and what Cosmos refuses around them.
import { describe, expect, it } from 'vitest';
import { pointedAt, refusal, run } from './queryHarness';

const values = (...vs: unknown[]) => vs.map((v, i) => (v === undefined ? { i } : { i, v }));

describe('aggregates over values of mixed kinds', () => {
  it('COUNT counts the defined values only', () => {
    expect(run('SELECT VALUE COUNT(c.v) FROM c', values(1, 'a', null, undefined, [1], undefined))).toEqual([4]);
    expect(run('SELECT VALUE COUNT(1) FROM c', values(1, undefined))).toEqual([2]);
  });

  it('SUM and AVG skip undefined values', () => {
    expect(run('SELECT VALUE SUM(c.v) FROM c', values(1, 2.5, undefined))).toEqual([3.5]);
    expect(run('SELECT VALUE AVG(c.v) FROM c', values(1, 2, undefined, 6))).toEqual([3]);
  });

  it.each([['"1"'], ['true'], ['null'], ['[1]'], ['{"n": 1}']])(
    'SUM and AVG are undefined as soon as one value is %s',
    (json) => {
      const items = values(1, JSON.parse(json), 2);
      expect(run('SELECT VALUE SUM(c.v) FROM c', items)).toEqual([]);
      expect(run('SELECT VALUE AVG(c.v) FROM c', items)).toEqual([]);
      expect(run('SELECT SUM(c.v) AS s, COUNT(c.v) AS n FROM c', items)).toEqual([{ n: 3 }]);
    },
  );

  it('MIN and MAX compare across kinds as null < booleans < numbers < strings, skipping undefined', () => {
    const items = values(3, 'b', true, null, undefined, 'a', -1);
    expect(run('SELECT MIN(c.v) AS least, MAX(c.v) AS most FROM c', items)).toEqual([{ least: null, most: 'b' }]);
    expect(run('SELECT VALUE [MIN(c.v), MAX(c.v)] FROM c', values(2, 10, 7))).toEqual([[2, 10]]);
    expect(run('SELECT VALUE MAX(c.v) FROM c', values(false, true))).toEqual([true]);
  });

  it('MIN and MAX are undefined when a value is an array or an object', () => {
    expect(run('SELECT VALUE MIN(c.v) FROM c', values(1, [0]))).toEqual([]);
    expect(run('SELECT VALUE MAX(c.v) FROM c', values(1, { a: 1 }))).toEqual([]);
  });

  it('collects values with MAKELIST and distinct values with MAKESET', () => {
    expect(run('SELECT VALUE MAKELIST(c.v) FROM c', values(1, 1, undefined, 'x'))).toEqual([[1, 1, 'x']]);
    expect(run('SELECT VALUE MAKESET(c.v) FROM c', values(1, 1, undefined, 'x'))).toEqual([[1, 'x']]);
  });
});

describe('aggregates over nothing', () => {
  it('COUNT and SUM of nothing are 0; AVG, MIN and MAX of nothing are undefined', () => {
    expect(run('SELECT VALUE COUNT(1) FROM c', [])).toEqual([0]);
    expect(run('SELECT VALUE SUM(c.v) FROM c', [])).toEqual([0]);
    expect(run('SELECT VALUE AVG(c.v) FROM c', [])).toEqual([]);
    expect(run('SELECT VALUE MIN(c.v) FROM c WHERE false', values(1))).toEqual([]);
  });

  it('a select list over nothing still yields its one object, without the undefined aggregates', () => {
    expect(run('SELECT COUNT(1) AS n, MAX(c.v) AS m FROM c', [])).toEqual([{ n: 0 }]);
  });

  it('GROUP BY over nothing yields no group at all', () => {
    expect(run('SELECT c.k, COUNT(1) AS n FROM c GROUP BY c.k', [])).toEqual([]);
  });
});

describe('GROUP BY', () => {
  const employees = [
    { team: 'sales', level: 1, salary: 10 },
    { team: 'sales', level: 2, salary: 20 },
    { team: 'ops', level: 1, salary: 30 },
    { level: 3, salary: 40 },
    { team: 'sales', level: 1, salary: 50 },
  ];

  it('groups by a value, undefined being a group of its own', () => {
    expect(run('SELECT c.team, COUNT(1) AS n, SUM(c.salary) AS total FROM c GROUP BY c.team', employees)).toEqual([
      { team: 'sales', n: 3, total: 80 },
      { team: 'ops', n: 1, total: 30 },
      { n: 1, total: 40 },
    ]);
  });

  it('groups by several expressions', () => {
    expect(run('SELECT VALUE [c.team, c.level, COUNT(1)] FROM c GROUP BY c.team, c.level', employees)).toEqual([
      ['sales', 1, 2],
      ['sales', 2, 1],
      ['ops', 1, 1],
      [3, 1],
    ]);
  });

  it('allows expressions over the grouped values, literals and parameters in the SELECT', () => {
    expect(
      run(
        'SELECT UPPER(c.team) AS team, "fixed" AS kind, @p AS p, MAX(c.salary) - MIN(c.salary) AS spread FROM c WHERE IS_DEFINED(c.team) GROUP BY c.team',
        employees,
        { '@p': 1 },
      ),
    ).toEqual([
      { team: 'SALES', kind: 'fixed', p: 1, spread: 40 },
      { team: 'OPS', kind: 'fixed', p: 1, spread: 0 },
    ]);
  });

  it('matches SELECT expressions to GROUP BY expressions whatever their spelling', () => {
    expect(run('SELECT VALUE c["team"] FROM c GROUP BY c.team', employees)).toEqual(['sales', 'ops']);
    expect(run('select value lower(c.team) from c group by LOWER(c.team)', employees)).toEqual(['sales', 'ops']);
  });

  it('groups rows of a JOIN', () => {
    const orders = [
      {
        id: '1',
        lines: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2 },
        ],
      },
      { id: '2', lines: [{ sku: 'a', qty: 3 }] },
    ];
    expect(run('SELECT l.sku, SUM(l.qty) AS qty FROM c JOIN l IN c.lines GROUP BY l.sku', orders)).toEqual([
      { sku: 'a', qty: 4 },
      { sku: 'b', qty: 2 },
    ]);
  });

  it('applies DISTINCT, TOP and OFFSET LIMIT to the groups', () => {
    expect(run('SELECT DISTINCT VALUE COUNT(1) FROM c GROUP BY c.level', employees)).toEqual([3, 1]);
    expect(run('SELECT TOP 1 VALUE c.team FROM c GROUP BY c.team', employees)).toEqual(['sales']);
    expect(run('SELECT VALUE c.level FROM c GROUP BY c.level OFFSET 1 LIMIT 5', employees)).toEqual([2, 3]);
  });
});

describe('refusals around aggregates', () => {
  it('refuses a SELECT reference that is neither grouped nor aggregated, naming it', () => {
    const text = 'SELECT c.team, c.salary FROM c GROUP BY c.team';
    const error = refusal(text);
    expect(error.message).toBe(
      "'c.salary' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.",
    );
    expect(pointedAt(text, error)).toBe('c.salary');
  });

  it('refuses mixing aggregates with per-item values without GROUP BY', () => {
    const text = 'SELECT c.id, COUNT(1) AS n FROM c';
    expect(pointedAt(text, refusal(text))).toBe('c.id');
  });

  it.each([
    ['SELECT * FROM c WHERE COUNT(1) > 1', 'COUNT(1)', 'the WHERE clause'],
    ['SELECT COUNT(1) FROM c GROUP BY SUM(c.v)', 'SUM(c.v)', 'the GROUP BY clause'],
    ['SELECT l FROM c JOIN l IN c.lines WHERE MAX(l.q) = 1', 'MAX(l.q)', 'the WHERE clause'],
  ])('refuses an aggregate in %s', (text, aggregate, place) => {
    const error = refusal(text);
    expect(error.message).toContain(place);
    expect(pointedAt(text, error)).toBe(aggregate);
  });

  it('refuses an aggregate of an aggregate', () => {
    const text = 'SELECT VALUE MAX(MIN(c.v)) FROM c';
    const error = refusal(text);
    expect(error.message).toBe(
      'Cannot perform an aggregate function on an expression containing an aggregate or a subquery.',
    );
    expect(pointedAt(text, error)).toBe('MIN(c.v)');
  });

  it('refuses ORDER BY and SELECT * with GROUP BY, and a wrong number of aggregate arguments', () => {
    expect(refusal('SELECT c.team FROM c GROUP BY c.team ORDER BY c.team').message).toContain(
      'ORDER BY cannot be combined',
    );
    expect(refusal('SELECT * FROM c GROUP BY c.team').message).toContain("'SELECT *' is not valid with GROUP BY");
    const error = refusal('SELECT VALUE COUNT(c.a, c.b) FROM c');
    expect(error.errorCode).toBe('SC2050');
    expect(error.message).toBe('The COUNT function requires 1 argument(s).');
  });
});
