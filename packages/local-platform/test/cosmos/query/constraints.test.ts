// The constraints a query hands to storage: exactly what WHERE's top-level AND chain implies about the FROM item's own
// paths, and nothing that a result might not satisfy. Each "present" case is also checked against the data: every
// result satisfies the constraint, and dropping the candidates that fail it does not change the result.
import { describe, expect, it } from 'vitest';
import { type JsonValue, type PathConstraint, compileQuery } from '../../../src/cosmos/query';

const constraintsOf = (text: string, parameters: Record<string, JsonValue> = {}): readonly PathConstraint[] =>
  compileQuery(
    text,
    Object.entries(parameters).map(([name, value]) => ({ name, value })),
  ).constraints;

function valueAt(document: unknown, path: readonly string[]): unknown {
  let value = document;
  for (const name of path) {
    value =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[name]
        : undefined;
  }
  return value;
}

function satisfies(document: unknown, constraint: PathConstraint): boolean {
  const value = valueAt(document, constraint.path);
  if (constraint.kind === 'equals') return constraint.values.some((v) => v === value);
  const { min, max } = constraint;
  const kind = typeof (min ?? max)?.value;
  if (typeof value !== kind) return false;
  const v = value as number | string;
  if (min && (min.inclusive ? v < min.value : v <= min.value)) return false;
  if (max && (max.inclusive ? v > max.value : v >= max.value)) return false;
  return true;
}

const items = [
  { id: 'a', pk: 'p1', n: 1, s: 'apple', flag: true, nested: { id: 'x', deep: { v: 5 } }, 'odd name': 1, none: null },
  { id: 'b', pk: 'p1', n: 5, s: 'banana', flag: false, nested: { id: 'y', deep: { v: 7 } } },
  { id: 'c', pk: 'p2', n: 10, s: 'cherry', nested: { id: 'x' }, none: null },
  { id: 'd', pk: 'p2', n: '5', s: 5 },
  { id: 'e', pk: 'p3', n: 7.5, s: 'date', lines: [{ sku: 'q' }] },
];

describe('constraints that are stated', () => {
  it.each<[string, PathConstraint[], Record<string, JsonValue>?]>([
    ['SELECT * FROM c WHERE c.id = "a"', [{ path: ['id'], kind: 'equals', values: ['a'] }]],
    ['SELECT * FROM c WHERE "a" = c.id', [{ path: ['id'], kind: 'equals', values: ['a'] }]],
    ['SELECT * FROM c WHERE c.id = @id', [{ path: ['id'], kind: 'equals', values: ['b'] }], { '@id': 'b' }],
    [
      'SELECT * FROM c WHERE c.pk = "p1" AND c.id = "b"',
      [
        { path: ['pk'], kind: 'equals', values: ['p1'] },
        { path: ['id'], kind: 'equals', values: ['b'] },
      ],
    ],
    ['SELECT * FROM c WHERE c.nested.id = "x"', [{ path: ['nested', 'id'], kind: 'equals', values: ['x'] }]],
    ['SELECT * FROM c WHERE c["odd name"] = 1', [{ path: ['odd name'], kind: 'equals', values: [1] }]],
    ['SELECT * FROM c WHERE c.flag = true', [{ path: ['flag'], kind: 'equals', values: [true] }]],
    ['SELECT * FROM c WHERE c.none = null', [{ path: ['none'], kind: 'equals', values: [null] }]],
    ['SELECT * FROM c WHERE c.pk IN ("p1", "p3")', [{ path: ['pk'], kind: 'equals', values: ['p1', 'p3'] }]],
    [
      'SELECT * FROM c WHERE c.n IN (1, @n, undefined)',
      [{ path: ['n'], kind: 'equals', values: [1, 10] }],
      { '@n': 10 },
    ],
    ['SELECT * FROM c WHERE c.n > 1', [{ path: ['n'], kind: 'range', min: { value: 1, inclusive: false } }]],
    ['SELECT * FROM c WHERE c.n >= 5', [{ path: ['n'], kind: 'range', min: { value: 5, inclusive: true } }]],
    ['SELECT * FROM c WHERE c.n < 7.5', [{ path: ['n'], kind: 'range', max: { value: 7.5, inclusive: false } }]],
    ['SELECT * FROM c WHERE 5 >= c.n', [{ path: ['n'], kind: 'range', max: { value: 5, inclusive: true } }]],
    ['SELECT * FROM c WHERE c.n > -1', [{ path: ['n'], kind: 'range', min: { value: -1, inclusive: false } }]],
    [
      'SELECT * FROM c WHERE c.n BETWEEN 2 AND 8',
      [{ path: ['n'], kind: 'range', min: { value: 2, inclusive: true }, max: { value: 8, inclusive: true } }],
    ],
    [
      'SELECT * FROM c WHERE c.s >= "b" AND c.s < "d"',
      [{ path: ['s'], kind: 'range', min: { value: 'b', inclusive: true }, max: { value: 'd', inclusive: false } }],
    ],
    [
      'SELECT * FROM c WHERE c.n > 1 AND c.n >= 5 AND c.n <= 10 AND c.n < 20',
      [{ path: ['n'], kind: 'range', min: { value: 5, inclusive: true }, max: { value: 10, inclusive: true } }],
    ],
    [
      'SELECT * FROM c WHERE c.n >= 5 AND c.n > 5',
      [{ path: ['n'], kind: 'range', min: { value: 5, inclusive: false } }],
    ],
    [
      'SELECT * FROM c WHERE (c.pk = "p1" AND (c.n > 0)) AND (c.s = "x" OR c.s = "apple")',
      [
        { path: ['pk'], kind: 'equals', values: ['p1'] },
        { path: ['n'], kind: 'range', min: { value: 0, inclusive: false } },
      ],
    ],
    [
      'SELECT l.sku FROM c JOIN l IN c.lines WHERE c.pk = "p3" AND l.sku = "q"',
      [{ path: ['pk'], kind: 'equals', values: ['p3'] }],
    ],
    ['SELECT VALUE COUNT(1) FROM c WHERE c.pk = "p2"', [{ path: ['pk'], kind: 'equals', values: ['p2'] }]],
    ['SELECT * FROM c.nested n WHERE n.id = "x"', [{ path: ['nested', 'id'], kind: 'equals', values: ['x'] }]],
    [
      'SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id)',
      [{ path: ['id'], kind: 'equals', values: ['a', 'c', 'zz'] }],
      { '@ids': ['a', 'c', 'zz'] },
    ],
    [
      'SELECT * FROM c WHERE array_contains(["p2", "p3"], c.pk, false) AND c.n > 1',
      [
        { path: ['pk'], kind: 'equals', values: ['p2', 'p3'] },
        { path: ['n'], kind: 'range', min: { value: 1, inclusive: false } },
      ],
    ],
    [
      'SELECT * FROM c.nested n WHERE n.deep.v > 6',
      [{ path: ['nested', 'deep', 'v'], kind: 'range', min: { value: 6, inclusive: false } }],
    ],
  ])('%s', (text, expected, parameters = {}) => {
    const query = compileQuery(
      text,
      Object.entries(parameters).map(([name, value]) => ({ name, value })),
    );
    expect(query.constraints).toEqual(expected);
    const narrowed = items.filter((item) => query.constraints.every((constraint) => satisfies(item, constraint)));
    expect(query.run(narrowed), 'narrowing the candidates does not change the result').toEqual(query.run(items));
  });

  it('states contradictory equalities as they are (no result can satisfy both)', () => {
    expect(constraintsOf('SELECT * FROM c WHERE c.id = "a" AND c.id = "b"')).toEqual([
      { path: ['id'], kind: 'equals', values: ['a'] },
      { path: ['id'], kind: 'equals', values: ['b'] },
    ]);
  });

  it('keeps number and string bounds on one path apart', () => {
    expect(constraintsOf('SELECT * FROM c WHERE c.n > 1 AND c.n < "z"')).toEqual([
      { path: ['n'], kind: 'range', min: { value: 1, inclusive: false } },
      { path: ['n'], kind: 'range', max: { value: 'z', inclusive: false } },
    ]);
  });
});

describe('constraints that must not be stated', () => {
  it.each([
    ['no WHERE', 'SELECT * FROM c'],
    ['under OR', 'SELECT * FROM c WHERE c.id = "a" OR c.id = "b"'],
    ['under NOT', 'SELECT * FROM c WHERE NOT (c.id = "a")'],
    ['NOT IN', 'SELECT * FROM c WHERE c.id NOT IN ("a")'],
    ['NOT BETWEEN', 'SELECT * FROM c WHERE c.n NOT BETWEEN 1 AND 2'],
    ['inequality', 'SELECT * FROM c WHERE c.id != "a"'],
    ['a JOIN variable', 'SELECT l FROM c JOIN l IN c.lines WHERE l.sku = "q"'],
    ['an IN variable', 'SELECT VALUE l FROM l IN c.lines WHERE l.sku = "q"'],
    ['a computed expression', 'SELECT * FROM c WHERE LOWER(c.id) = "a"'],
    ['arithmetic on the path', 'SELECT * FROM c WHERE c.n + 1 = 2'],
    ['two paths', 'SELECT * FROM c WHERE c.n = c.s'],
    ['an array position', 'SELECT * FROM c WHERE c.lines[0].sku = "q"'],
    ['a computed index', 'SELECT * FROM c WHERE c[@p] = 1'],
    ['the item itself', 'SELECT * FROM c WHERE c = 1'],
    ['an object value', 'SELECT * FROM c WHERE c.nested = {"id": "x"}'],
    ['an array value', 'SELECT * FROM c WHERE c.tags = ["a"]'],
    ['an array parameter', 'SELECT * FROM c WHERE c.tags = @list'],
    ['an IN list with a non-constant', 'SELECT * FROM c WHERE c.id IN ("a", c.pk)'],
    ['an IN list with an object', 'SELECT * FROM c WHERE c.id IN ("a", {"x": 1})'],
    ['a boolean range', 'SELECT * FROM c WHERE c.flag > false'],
    ['a null range', 'SELECT * FROM c WHERE c.none >= null'],
    ['a BETWEEN across kinds', 'SELECT * FROM c WHERE c.n BETWEEN 1 AND "z"'],
    ['an infinite bound', 'SELECT * FROM c WHERE c.n < Infinity'],
    ['a function of the path', 'SELECT * FROM c WHERE STARTSWITH(c.id, "a")'],
    ['LIKE', 'SELECT * FROM c WHERE c.id LIKE "a%"'],
    ["ARRAY_CONTAINS over the item's own array", 'SELECT * FROM c WHERE ARRAY_CONTAINS(c.tags, "a")'],
    ['ARRAY_CONTAINS with a partial match', 'SELECT * FROM c WHERE ARRAY_CONTAINS(@list, c.id, true)'],
    ['ARRAY_CONTAINS with an object in the list', 'SELECT * FROM c WHERE ARRAY_CONTAINS(["a", {"id": "a"}], c.id)'],
    ['NOT ARRAY_CONTAINS', 'SELECT * FROM c WHERE NOT ARRAY_CONTAINS(@list, c.id)'],
    ['a bare boolean path', 'SELECT * FROM c WHERE c.flag'],
    ['an iterated FROM source', 'SELECT * FROM x IN c.lines WHERE x.sku = "q"'],
    ['a FROM path through an array position', 'SELECT * FROM c.lines[0] l WHERE l.sku = "q"'],
  ])('%s: %s', (_case, text) => {
    expect(constraintsOf(text, { '@p': 'id', '@list': ['a'] })).toEqual([]);
  });

  it('leaves out only the unusable conjunct and keeps the others', () => {
    expect(
      constraintsOf('SELECT * FROM c WHERE c.pk = "p1" AND (c.id = "a" OR c.id = "b") AND LOWER(c.s) = "x"'),
    ).toEqual([{ path: ['pk'], kind: 'equals', values: ['p1'] }]);
  });
});
