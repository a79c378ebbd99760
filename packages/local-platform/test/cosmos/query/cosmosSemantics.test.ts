// Cosmos DB's semantics, not JavaScript's: a missing property is undefined (not null), comparing values of different
// kinds gives undefined (so WHERE drops the item), undefined propagates through operators, logic is three-valued
// with the documented truth tables, and arithmetic never coerces.
import { describe, expect, it } from 'vitest';
import { evaluate, run } from './queryHarness';

const ids = (text: string, items: Record<string, unknown>[]) => run(`SELECT VALUE c.id FROM c WHERE ${text}`, items);

describe('undefined and kinds', () => {
  const items = [
    { id: 'number', v: 5 },
    { id: 'string', v: '5' },
    { id: 'null', v: null },
    { id: 'missing' },
    { id: 'bool', v: true },
    { id: 'array', v: [5] },
    { id: 'object', v: { n: 5 } },
  ];

  it('treats a missing property as undefined, not null', () => {
    expect(ids('c.v = null', items)).toEqual(['null']);
    expect(ids('IS_NULL(c.v)', items)).toEqual(['null']);
    expect(ids('NOT IS_DEFINED(c.v)', items)).toEqual(['missing']);
  });

  it('compares only values of one kind: 5 = "5" is undefined, and so is its negation', () => {
    expect(ids('c.v = 5', items)).toEqual(['number']);
    expect(ids('c.v != 5', items)).toEqual([]);
    expect(ids('NOT (c.v = 5)', items)).toEqual([]);
    expect(ids('c.v > 1', items)).toEqual(['number']);
    expect(ids('c.v >= "0"', items)).toEqual(['string']);
    expect(evaluate('{r: 0 = "true"}')).toEqual({});
  });

  it('compares arrays and objects for equality deeply, but not for order or inequality', () => {
    expect(ids('c.v = [5]', items)).toEqual(['array']);
    expect(ids('c.v = {"n": 5}', items)).toEqual(['object']);
    expect(evaluate('[{a: 1, b: [2]} = {b: [2], a: 1}, [1, 2] = [2, 1]]')).toEqual([true, false]);
    expect(evaluate('{ne: [1] != [2], lt: [1] < [2], gt: {a: 1} > {a: 0}}')).toEqual({});
  });

  it('orders null, booleans, numbers and strings within their kind; strings by code unit', () => {
    expect(evaluate('[null <= null, false < true, 2 < 10, "10" < "2", "B" < "a", "a" < "é"]')).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('propagates undefined through arithmetic, concatenation and unary operators', () => {
    expect(
      evaluate('{a: 1 + "1", b: "a" || 1, c: -"x", d: undefined * 2, e: true + 1, f: null - 1, g: NOT 1, h: 2 - 1}'),
    ).toEqual({ h: 1 });
  });

  it('keeps integer and fractional results apart as JSON does: 10/4 is 2.5, 8/4 is 2', () => {
    expect(evaluate('[10 / 4, 8 / 4, 7 % 3, -7 % 3, 0.1 + 0.2]')).toEqual([2.5, 2, 1, -1, 0.30000000000000004]);
  });

  it('applies bitwise operators to 32-bit integers, as documented', () => {
    // The example of the "Bitwise operators" page, with its documented result.
    expect(
      run(
        'SELECT (100 >> 2) AS rightShift, (100 << 2) AS leftShift, (100 >>> 0) AS zeroFillRightShift, (100 & 1000) AS logicalAnd, (100 | 1000) AS logicalOr, (100 ^ 1000) AS logicalExclusiveOr',
      ),
    ).toEqual([
      {
        rightShift: 25,
        leftShift: 400,
        zeroFillRightShift: 100,
        logicalAnd: 96,
        logicalOr: 1004,
        logicalExclusiveOr: 908,
      },
    ]);
  });
});

describe('three-valued logic (the truth tables of the "Logical operators" page)', () => {
  const operands = ['true', 'false', 'undefined'] as const;
  const and: Record<string, boolean | undefined> = {
    'true,true': true,
    'true,false': false,
    'true,undefined': undefined,
    'false,true': false,
    'false,false': false,
    'false,undefined': false,
    'undefined,true': undefined,
    'undefined,false': false,
    'undefined,undefined': undefined,
  };
  const or: Record<string, boolean | undefined> = {
    'true,true': true,
    'true,false': true,
    'true,undefined': true,
    'false,true': true,
    'false,false': false,
    'false,undefined': undefined,
    'undefined,true': true,
    'undefined,false': undefined,
    'undefined,undefined': undefined,
  };

  for (const left of operands) {
    for (const right of operands) {
      it(`${left} AND ${right} is ${and[`${left},${right}`]}; ${left} OR ${right} is ${or[`${left},${right}`]}`, () => {
        expect(evaluate(`${left} AND ${right}`)).toBe(and[`${left},${right}`]);
        expect(evaluate(`${left} OR ${right}`)).toBe(or[`${left},${right}`]);
      });
    }
  }

  it('NOT reverses booleans and leaves undefined (and non-booleans) undefined', () => {
    expect(evaluate('[NOT true, NOT false]')).toEqual([false, true]);
    expect(evaluate('NOT undefined')).toBeUndefined();
    expect(evaluate('NOT "yes"')).toBeUndefined();
  });

  it('counts a non-boolean operand as undefined', () => {
    expect(evaluate('1 AND true')).toBeUndefined();
    expect(evaluate('"x" OR true')).toBe(true);
    expect(evaluate('"x" AND false')).toBe(false);
  });

  it('keeps an item only when WHERE is exactly true', () => {
    const items = [{ id: 'flag', f: true }, { id: 'one', f: 1 }, { id: 'string', f: 'true' }, { id: 'none' }];
    expect(ids('c.f', items)).toEqual(['flag']);
  });
});

describe('IN, BETWEEN, LIKE', () => {
  it('IN is membership by Cosmos equality; an undefined value is undefined, other kinds are simply absent', () => {
    const items = [{ id: 'a', v: 1 }, { id: 'b', v: '1' }, { id: 'c', v: [1] }, { id: 'd' }];
    expect(ids('c.v IN (1, 2)', items)).toEqual(['a']);
    expect(ids('c.v IN ([1], "x")', items)).toEqual(['c']);
    expect(ids('c.v NOT IN (1, 2)', items)).toEqual(['b', 'c']);
    expect(ids('c.v IN (c.v)', items)).toEqual(['a', 'b', 'c']);
    // An array parameter is one value, not a list: IN compares against the array itself.
    expect(run('SELECT VALUE c.id FROM c WHERE c.v IN (@values)', items, { '@values': [1] })).toEqual(['c']);
  });

  it('BETWEEN is inclusive on both ends and undefined across kinds (documented example)', () => {
    const products = [{ price: 20.0 }, { price: 7.5 }, { price: 'fifteenDollars' }];
    expect(run('SELECT VALUE p.price FROM products p WHERE p.price BETWEEN 17.25 AND 25.50', products)).toEqual([20]);
    expect(run('SELECT (p.price BETWEEN 0 AND 10) AS booleanLessThanTen, p.price FROM products p', products)).toEqual([
      { booleanLessThanTen: false, price: 20.0 },
      { booleanLessThanTen: true, price: 7.5 },
      { price: 'fifteenDollars' },
    ]);
    expect(evaluate('[5 BETWEEN 5 AND 5, "b" BETWEEN "a" AND "c", 5 NOT BETWEEN 1 AND 3]')).toEqual([true, true, true]);
  });

  it.each([
    ['"Road bike" LIKE "Road%"', true],
    ['"Road bike" LIKE "%bike"', true],
    ['"Road bike" LIKE "%ad b%"', true],
    ['"Road bike" LIKE "road%"', false],
    ['"Road" LIKE "R_ad"', true],
    ['"Road" LIKE "R_d"', false],
    ['"SOxPS" LIKE "%SO[t-z]PS%"', true],
    ['"SOaPS" LIKE "%SO[^abc]PS%"', false],
    ['"SOdPS" LIKE "%SO[^abc]PS%"', true],
    ['"20-30%" LIKE "20-30[%]"', true],
    ['"20-30x" LIKE "20-30[%]"', false],
    ['"_n" LIKE "[_]n"', true],
    ['"an" LIKE "[_]n"', false],
    ['"up 20% today" LIKE "%20^%%" ESCAPE "^"', true],
    ['"up 20 today" LIKE "%20^%%" ESCAPE "^"', false],
    ['"a.b" LIKE "a.b"', true],
    ['"axb" LIKE "a.b"', false],
    ['"multi\\nline" LIKE "multi%"', true],
    ['"winter coat" NOT LIKE "%winter%"', false],
  ])('%s is %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('LIKE is undefined for a value or pattern that is not a string', () => {
    expect(evaluate('{a: 5 LIKE "5", b: "5" LIKE 5, c: undefined NOT LIKE "%"}')).toEqual({});
  });

  it('LIKE takes its pattern from a parameter or from the document', () => {
    const items = [
      { id: 'a', name: 'Road bike', pattern: 'Road%' },
      { id: 'b', name: 'Gravel bike', pattern: 'x%' },
    ];
    expect(run('SELECT VALUE c.id FROM c WHERE c.name LIKE @p', items, { '@p': '%bike' })).toEqual(['a', 'b']);
    expect(ids('c.name LIKE c.pattern', items)).toEqual(['a']);
  });
});

describe('conditional and coalesce (the "Ternary and coalesce operators" page)', () => {
  const products = [
    { name: 'Stangincy trekking poles', price: 24.5, onCloseout: false, onSale: true, collapsible: true },
    { name: 'Vimero hiking poles', price: 24.5, onCloseout: false, onSale: false },
    { name: 'Kramundsen trekking poles', price: 24.5, onCloseout: true, onSale: true, collapsible: false },
  ];

  it('picks a branch by a boolean condition (documented example and result)', () => {
    expect(
      run(
        'SELECT p.name, p.price AS subtotal, p.onSale ? (p.price * 0.85) : p.price AS total FROM products p',
        products,
      ),
    ).toEqual([
      { name: 'Stangincy trekking poles', subtotal: 24.5, total: 20.825 },
      { name: 'Vimero hiking poles', subtotal: 24.5, total: 24.5 },
      { name: 'Kramundsen trekking poles', subtotal: 24.5, total: 20.825 },
    ]);
  });

  it('nests conditionals (documented example and result)', () => {
    expect(
      run(
        'SELECT p.name, p.price AS subtotal, p.onCloseout ? (p.price * 0.55) : p.onSale ? (p.price * 0.85) : p.price AS total FROM products p',
        products,
      ).map((r) => (r as { total: number }).total),
    ).toEqual([20.825, 24.5, 13.475000000000001]);
  });

  it('takes the second branch for any condition that is not true', () => {
    expect(evaluate('[undefined ? 1 : 2, "yes" ? 1 : 2, 1 ? 1 : 2]')).toEqual([2, 2, 2]);
  });

  it('coalesces only undefined: a null or false is a value', () => {
    expect(run('SELECT VALUE p.collapsible ?? false FROM products p', products)).toEqual([true, false, false]);
    expect(evaluate('[null ?? 1, false ?? 1, undefined ?? undefined ?? 3]')).toEqual([null, false, 3]);
  });
});
