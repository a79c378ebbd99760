// The clauses of a query over in-memory items: SELECT (star, list, VALUE), FROM (aliases, sub-roots, IN, JOIN),
// WHERE, ORDER BY across kinds, DISTINCT, TOP and OFFSET/LIMIT, and queries without FROM.
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/cosmos/query';
import { pointedAt, refusal, run } from './queryHarness';

const orders = [
  {
    id: 'o1',
    customer: { id: 'c1', name: 'Ada' },
    status: 'open',
    total: 30,
    lines: [
      { sku: 'apple', qty: 2 },
      { sku: 'pear', qty: 1 },
    ],
    tags: ['rush'],
  },
  {
    id: 'o2',
    customer: { id: 'c2', name: 'Bob' },
    status: 'closed',
    total: 10,
    lines: [{ sku: 'apple', qty: 5 }],
    tags: [],
  },
  { id: 'o3', customer: { id: 'c1', name: 'Ada' }, status: 'open', total: 20, lines: [] },
  { id: 'o4', status: 'draft', total: 5 },
];

describe('SELECT', () => {
  it('SELECT * returns the items as stored', () => {
    expect(run('SELECT * FROM c WHERE c.id = "o4"', orders)).toEqual([orders[3]]);
  });

  it('names list items by alias, by the property read, or $1, $2... in order, and leaves undefined out', () => {
    expect(
      run(
        'SELECT c.id, c.customer.name AS who, c["status"], c.total * 2, c.missing, UPPER(c.id), c FROM c WHERE c.id = "o4"',
        orders,
      ),
    ).toEqual([{ id: 'o4', status: 'draft', $1: 10, $2: 'O4', c: orders[3] }]);
  });

  it('builds nested objects and arrays, leaving out undefined members', () => {
    expect(
      run(
        'SELECT VALUE {"ref": c.id, customer: {name: c.customer.name}, pair: [c.total, c.missing, c.status]} FROM c WHERE c.total < 20',
        orders,
      ),
    ).toEqual([
      { ref: 'o2', customer: { name: 'Bob' }, pair: [10, 'closed'] },
      { ref: 'o4', customer: {}, pair: [5, 'draft'] },
    ]);
  });

  it('SELECT VALUE yields nothing for an item whose value is undefined', () => {
    expect(run('SELECT VALUE c.customer.name FROM c', orders)).toEqual(['Ada', 'Bob', 'Ada']);
  });

  it('refuses SELECT * where it has no single input (documented rules of the * operator)', () => {
    expect(refusal('SELECT *').message).toContain('FROM clause is omitted');
    const join = 'SELECT * FROM c JOIN l IN c.lines';
    expect(pointedAt(join, refusal(join))).toBe('*');
    expect(refusal(join).message).toContain('single input set');
  });
});

describe('FROM', () => {
  it('accepts any container name, ROOT, and an alias with or without AS', () => {
    for (const text of [
      'SELECT VALUE o.id FROM orders o',
      'SELECT VALUE o.id FROM orders AS o',
      'SELECT VALUE r.id FROM ROOT r',
      'SELECT VALUE orders.id FROM orders',
    ]) {
      expect(run(text, orders), text).toEqual(['o1', 'o2', 'o3', 'o4']);
    }
  });

  it('no longer resolves the container name once it is aliased', () => {
    const text = 'SELECT products.id FROM products p';
    const error = refusal(text);
    expect(error.errorCode).toBe('SC2001');
    expect(error.message).toBe("Identifier 'products' could not be resolved.");
    expect(pointedAt(text, error)).toBe('products');
  });

  it('refuses unqualified property names', () => {
    expect(refusal('SELECT id FROM products p').message).toBe("Identifier 'id' could not be resolved.");
  });

  it('uses a sub-root as the source, skipping items that lack it, with the property name as default alias', () => {
    expect(run('SELECT * FROM c.customer', orders)).toEqual([
      { id: 'c1', name: 'Ada' },
      { id: 'c2', name: 'Bob' },
      { id: 'c1', name: 'Ada' },
    ]);
    expect(run('SELECT VALUE customer.name FROM c.customer WHERE customer.id = "c2"', orders)).toEqual(['Bob']);
    expect(run('SELECT VALUE l.sku FROM c.lines[0] l', orders)).toEqual(['apple', 'apple']);
  });

  it('iterates arrays with IN, ignoring items where the path is not an array', () => {
    expect(run('SELECT VALUE l.sku FROM l IN c.lines', orders)).toEqual(['apple', 'pear', 'apple']);
    expect(run('SELECT VALUE t FROM t IN c.customer', orders)).toEqual([]);
  });

  it('JOINs each item with the elements of its arrays (an inner join: no elements, no row)', () => {
    expect(run('SELECT c.id, l.sku FROM c JOIN l IN c.lines', orders)).toEqual([
      { id: 'o1', sku: 'apple' },
      { id: 'o1', sku: 'pear' },
      { id: 'o2', sku: 'apple' },
    ]);
    expect(run('SELECT VALUE [l.sku, t] FROM c JOIN l IN c.lines JOIN t IN c.tags', orders)).toEqual([
      ['apple', 'rush'],
      ['pear', 'rush'],
    ]);
  });

  it('filters and projects on JOIN variables', () => {
    expect(
      run('SELECT DISTINCT VALUE c.id FROM c JOIN l IN c.lines WHERE l.sku = "apple" AND l.qty > 1', orders),
    ).toEqual(['o1', 'o2']);
  });

  it('refuses a duplicate alias and a JOIN from something that is not an alias', () => {
    expect(refusal('SELECT * FROM c JOIN c IN c.lines').message).toContain("alias 'c' is bound more than once");
    const text = 'SELECT l FROM c JOIN l IN x.lines';
    const error = refusal(text);
    expect(error.errorCode).toBe('SC2001');
    expect(pointedAt(text, error)).toBe('x');
  });
});

describe('ORDER BY', () => {
  const mixed = [
    { id: 'string', v: 'a' },
    { id: 'object', v: { a: 1 } },
    { id: 'number-big', v: 10 },
    { id: 'null', v: null },
    { id: 'true', v: true },
    { id: 'array', v: [1] },
    { id: 'missing' },
    { id: 'false', v: false },
    { id: 'number-small', v: -1.5 },
    { id: 'string-upper', v: 'B' },
  ];

  it('orders across kinds: undefined, null, booleans, numbers, strings, arrays, objects; undefined items included', () => {
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.v', mixed)).toEqual([
      'missing',
      'null',
      'false',
      'true',
      'number-small',
      'number-big',
      'string-upper',
      'string',
      'array',
      'object',
    ]);
  });

  it('reverses the whole order with DESC', () => {
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.v DESC', mixed)).toEqual([
      'object',
      'array',
      'string',
      'string-upper',
      'number-big',
      'number-small',
      'true',
      'false',
      'null',
      'missing',
    ]);
  });

  it('sorts by several expressions, each in its own direction, keeping ties in input order', () => {
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.status ASC, c.total DESC', orders)).toEqual([
      'o2',
      'o4',
      'o1',
      'o3',
    ]);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.customer.id', orders)).toEqual(['o4', 'o1', 'o3', 'o2']);
  });

  it('sorts by JOIN variables and bracketed paths', () => {
    expect(run('SELECT VALUE l.qty FROM c JOIN l IN c.lines ORDER BY l.qty DESC', orders)).toEqual([5, 2, 1]);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c["lines"][0].qty DESC', orders)).toEqual(['o2', 'o1', 'o3', 'o4']);
  });

  it('refuses to sort by anything but a document path (SC2206)', () => {
    for (const text of [
      'SELECT * FROM c ORDER BY LOWER(c.status)',
      'SELECT * FROM c ORDER BY c.total + 1',
      'SELECT * FROM c ORDER BY @p',
      'SELECT * FROM c ORDER BY c.lines[c.total]',
    ]) {
      const error = refusal(text, { '@p': 'x' });
      expect(error.errorCode, text).toBe('SC2206');
      expect(error.message).toBe(
        'Unsupported ORDER BY clause. ORDER BY item expression could not be mapped to a document path.',
      );
    }
  });
});

describe('DISTINCT', () => {
  it('removes repeated values, objects compared whatever their key order, keeping the first', () => {
    const items = [
      { id: '1', p: { a: 1, b: 2 } },
      { id: '2', p: { b: 2, a: 1 } },
      { id: '3', p: { a: 1 } },
      { id: '4' },
      { id: '5' },
    ];
    expect(run('SELECT DISTINCT VALUE c.p FROM c', items)).toEqual([{ a: 1, b: 2 }, { a: 1 }]);
    expect(run('SELECT DISTINCT c.p FROM c', items)).toEqual([{ p: { a: 1, b: 2 } }, { p: { a: 1 } }, {}]);
  });

  it('keeps 1, "1" and true apart', () => {
    expect(run('SELECT DISTINCT VALUE c.v FROM c', [{ v: 1 }, { v: '1' }, { v: true }, { v: 1 }])).toEqual([
      1,
      '1',
      true,
    ]);
  });

  it('applies after ORDER BY, so the first of each value in sorted order stays', () => {
    expect(run('SELECT DISTINCT VALUE c.status FROM c ORDER BY c.total', orders)).toEqual(['draft', 'closed', 'open']);
  });
});

describe('TOP and OFFSET LIMIT', () => {
  it('takes the first results after ordering, with a literal or a parameter', () => {
    expect(run('SELECT TOP 2 VALUE c.id FROM c ORDER BY c.total DESC', orders)).toEqual(['o1', 'o3']);
    expect(run('SELECT TOP @n VALUE c.id FROM c ORDER BY c.total', orders, { '@n': 3 })).toEqual(['o4', 'o2', 'o3']);
    expect(run('SELECT TOP 0 * FROM c', orders)).toEqual([]);
  });

  it('skips OFFSET results and keeps LIMIT, also past the end', () => {
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 1 LIMIT 2', orders)).toEqual(['o2', 'o3']);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 3 LIMIT 5', orders)).toEqual(['o4']);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 9 LIMIT 1', orders)).toEqual([]);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.id OFFSET @o LIMIT @l', orders, { '@o': 2, '@l': 1 })).toEqual([
      'o3',
    ]);
  });

  it('refuses a count that is not a non-negative integer', () => {
    expect(refusal('SELECT TOP @n * FROM c', { '@n': '5' }).message).toBe(
      'The TOP value must be a non-negative integer, but it is "5".',
    );
    expect(refusal('SELECT TOP 1.5 * FROM c').message).toContain('but it is 1.5');
    expect(refusal('SELECT * FROM c OFFSET @o LIMIT 1', { '@o': -1 }).message).toContain('OFFSET');
    const missing = refusal('SELECT TOP @n * FROM c');
    expect(missing.message).toContain("parameter '@n'");
    expect(missing.location).toEqual({ start: 11, end: 13 });
  });

  it('stops reading candidates once TOP is reached when nothing needs the whole input', () => {
    let read = 0;
    function* candidates() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield { id: String(i) };
      }
    }
    expect(compileQuery('SELECT TOP 3 VALUE c.id FROM c').run(candidates())).toEqual(['0', '1', '2']);
    expect(read).toBe(3);
    read = 0;
    expect(compileQuery('SELECT VALUE c.id FROM c OFFSET 2 LIMIT 2').run(candidates())).toEqual(['2', '3']);
    expect(read).toBe(4);
    read = 0;
    compileQuery('SELECT TOP 3 VALUE c.id FROM c ORDER BY c.id').run(candidates());
    expect(read).toBe(1000);
  });
});

describe('parameters', () => {
  it('take any JSON value, used as is', () => {
    expect(
      run('SELECT VALUE [@s, @n, @b, @z, @a, @o, @o.k, @a[1]]', [], {
        '@s': 'x',
        '@n': 1.5,
        '@b': false,
        '@z': null,
        '@a': [1, 2],
        '@o': { k: 'v' },
      }),
    ).toEqual([['x', 1.5, false, null, [1, 2], { k: 'v' }, 'v', 2]]);
  });

  it('filter like literals', () => {
    expect(
      run('SELECT VALUE c.id FROM c WHERE c.status = @s AND c.total >= @min', orders, { '@s': 'open', '@min': 25 }),
    ).toEqual(['o1']);
  });

  it('must all be defined: an unknown one is refused where it is used', () => {
    const text = 'SELECT * FROM c WHERE c.status = @status';
    const error = refusal(text, { '@other': 1 });
    expect(error.message).toContain("parameter '@status'");
    expect(pointedAt(text, error)).toBe('@status');
  });
});

describe('queries without FROM', () => {
  it('evaluate once, over no item, whatever the candidates', () => {
    expect(run('SELECT VALUE 1 + 1', orders)).toEqual([2]);
    expect(run('SELECT "Adventure", "Works"')).toEqual([{ $1: 'Adventure', $2: 'Works' }]);
    expect(run('SELECT VALUE 1 WHERE false')).toEqual([]);
  });

  it('refuse identifiers, which have nothing to refer to', () => {
    expect(refusal('SELECT VALUE c.id').message).toBe("Identifier 'c' could not be resolved.");
  });
});

describe('compiling once, running many times', () => {
  it('gives the same answer on every run and does not keep state between runs', () => {
    const query = compileQuery('SELECT c.status, COUNT(1) AS n FROM c GROUP BY c.status');
    const first = query.run(orders);
    expect(query.run(orders)).toEqual(first);
    expect(query.run([])).toEqual([]);
    expect(first).toHaveLength(3);
  });
});
