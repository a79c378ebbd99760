// Correlated subqueries, with the examples and results of the "Subqueries" page of the Cosmos query reference:
// scalar subqueries (simple and aggregate), EXISTS, ARRAY, and JOIN over a subquery.
import { describe, expect, it } from 'vitest';
import { refusal, run } from './queryHarness';

const snowCoat = {
  name: 'Snow coat',
  inventory: [
    { location: 'Redmond, WA', quantity: 50 },
    { location: 'Seattle, WA', quantity: 30 },
    { location: 'Washington, DC', quantity: 25 },
  ],
};
const roadBike = {
  name: 'Unobtani road bike',
  accessories: [
    { name: 'Front/rear tire', type: 'tire', quantityOnHand: 5 },
    { name: '9-speed chain', type: 'chains', quantityOnHand: 25 },
    { name: 'Clip-in pedals', type: 'pedals', quantityOnHand: 15 },
  ],
};

describe('scalar subqueries', () => {
  it('evaluate simple expressions (documented example)', () => {
    expect(run('SELECT (SELECT VALUE 1) AS a, (SELECT VALUE 2) AS b')).toEqual([{ a: 1, b: 2 }]);
    expect(run("SELECT (SELECT VALUE Concat('ID-', p.id)) AS internalId FROM products p", [{ id: '7' }])).toEqual([
      { internalId: 'ID-7' },
    ]);
  });

  it('project only when their filter holds (documented example)', () => {
    const products = [
      { id: 'aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb', name: 'Winter glove' },
      { id: 'bbbbbbbb-1111-2222-3333-cccccccccccc', name: 'Summer hat' },
      { id: 'cccccccc-2222-3333-4444-dddddddddddd' },
    ];
    expect(run('SELECT p.id, (SELECT p.name WHERE CONTAINS(p.name, "glove")).name FROM products p', products)).toEqual([
      { id: 'aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb', name: 'Winter glove' },
      { id: 'bbbbbbbb-1111-2222-3333-cccccccccccc' },
      { id: 'cccccccc-2222-3333-4444-dddddddddddd' },
    ]);
  });

  it('aggregate over an array of the item (documented examples)', () => {
    expect(
      run('SELECT p.name, (SELECT VALUE COUNT(1) FROM i IN p.inventory) AS locationCount FROM products p', [snowCoat]),
    ).toEqual([{ name: 'Snow coat', locationCount: 3 }]);
    expect(
      run(
        'SELECT p.name, (SELECT VALUE COUNT(1) FROM i IN p.inventory WHERE ENDSWITH(i.location, "WA")) AS washingtonLocationCount FROM products p',
        [snowCoat],
      ),
    ).toEqual([{ name: 'Snow coat', washingtonLocationCount: 2 }]);
    expect(
      run(
        'SELECT p.name, (SELECT VALUE AVG(q.quantity) FROM q IN p.inventory WHERE q.quantity > 10) AS averageInventory FROM products p WHERE (SELECT VALUE COUNT(1) FROM i IN p.inventory WHERE i.quantity > 10) >= 1',
        [snowCoat, { name: 'Empty', inventory: [] }],
      ),
    ).toEqual([{ name: 'Snow coat', averageInventory: 35 }]);
  });

  it('are undefined without a result, and their first result otherwise', () => {
    expect(
      run(
        'SELECT VALUE {a: (SELECT VALUE t FROM t IN c.tags WHERE t > "x"), b: (SELECT VALUE t FROM t IN c.tags)} FROM c',
        [{ tags: ['m', 'n'] }],
      ),
    ).toEqual([{ b: 'm' }]);
  });
});

describe('EXISTS', () => {
  it('is false for no result or only undefined values, true for an empty object (documented examples)', () => {
    expect(run('SELECT EXISTS (SELECT VALUE undefined)')).toEqual([{ $1: false }]);
    expect(run('SELECT EXISTS (SELECT undefined)')).toEqual([{ $1: true }]);
  });

  it('filters items on a condition over their array elements (documented examples)', () => {
    const products = [roadBike, { name: 'Kids bike', accessories: [{ type: 'chains', quantityOnHand: 2 }] }];
    const exists = 'EXISTS (SELECT VALUE a FROM a IN p.accessories WHERE a.type = "chains" AND a.quantityOnHand >= 10)';
    expect(run(`SELECT VALUE p.name FROM products p WHERE ${exists}`, products)).toEqual(['Unobtani road bike']);
    expect(run(`SELECT p.name, ${exists} AS chainAccessoryAvailable FROM products p`, products)).toEqual([
      { name: 'Unobtani road bike', chainAccessoryAvailable: true },
      { name: 'Kids bike', chainAccessoryAvailable: false },
    ]);
    expect(
      run('SELECT p.name FROM products p WHERE EXISTS (SELECT VALUE t FROM t IN p.tags WHERE t = "outerwear")', [
        { name: 'Coat', tags: ['outerwear'] },
        { name: 'Hat', tags: ['summer'] },
        { name: 'Tagless' },
      ]),
    ).toEqual([{ name: 'Coat' }]);
  });

  it('lets an inner alias shadow an outer one', () => {
    expect(
      run('SELECT VALUE c.name FROM c WHERE EXISTS (SELECT VALUE c FROM c IN c.tags WHERE c = "b")', [
        { name: 'one', tags: ['a', 'b'] },
        { name: 'two', tags: ['a'] },
      ]),
    ).toEqual(['one']);
  });
});

describe('ARRAY', () => {
  it('collects the results of a subquery into an array', () => {
    expect(
      run(
        'SELECT p.name, ARRAY(SELECT VALUE a.name FROM a IN p.accessories WHERE a.quantityOnHand > 10) AS stocked FROM products p',
        [roadBike, { name: 'Frame only' }],
      ),
    ).toEqual([
      { name: 'Unobtani road bike', stocked: ['9-speed chain', 'Clip-in pedals'] },
      { name: 'Frame only', stocked: [] },
    ]);
  });
});

describe('JOIN over a subquery', () => {
  it('joins filtered array elements before the cross product (documented example)', () => {
    const products = [
      {
        tags: [{ name: 'winter' }, { name: 'sale' }],
        onHandQuantities: [{ quantity: 5 }, { quantity: 50 }],
        warehouseStock: [{ backstock: false }, { backstock: true }, { backstock: false }],
      },
    ];
    const viaJoins =
      'SELECT VALUE COUNT(1) FROM products p JOIN t in p.tags JOIN q in p.onHandQuantities JOIN s in p.warehouseStock WHERE t.name IN ("winter", "fall") AND (q.quantity BETWEEN 0 AND 10) AND NOT s.backstock';
    const viaSubqueries =
      'SELECT VALUE COUNT(1) FROM products p JOIN (SELECT VALUE t FROM t IN p.tags WHERE t.name IN ("winter", "fall")) JOIN (SELECT VALUE q FROM q IN p.onHandQuantities WHERE q.quantity BETWEEN 0 AND 10) JOIN (SELECT VALUE s FROM s IN p.warehouseStock WHERE NOT s.backstock)';
    expect(run(viaJoins, products)).toEqual([2]);
    expect(run(viaSubqueries, products)).toEqual([2]);
  });

  it('binds an aliased subquery result for the rest of the query (documented example)', () => {
    expect(
      run(
        'SELECT p.name, inventoryData.inventoryAverage FROM products p JOIN (SELECT COUNT(1) AS inventoryCount, AVG(i.quantity) as inventoryAverage FROM i IN p.inventory WHERE i.quantity > 10) AS inventoryData WHERE inventoryData.inventoryCount >= 1',
        [snowCoat],
      ),
    ).toEqual([{ name: 'Snow coat', inventoryAverage: 35 }]);
  });

  it('iterates a subquery that yields an array with IN (documented reference-data example)', () => {
    const shipments = [
      { id: 's1', weight: { quantity: 2, units: 'kg' } },
      { id: 's2', weight: { quantity: 500, units: 'g' } },
    ];
    expect(
      run(
        "SELECT s.id, (s.weight.quantity * m.multiplier) AS calculatedWeight, m.unit AS unitOfWeight FROM shipments s JOIN m IN (SELECT VALUE [{unit: 'g', multiplier: 1}, {unit: 'kg', multiplier: 1000}]) WHERE s.weight.units = m.unit",
        shipments,
      ),
    ).toEqual([
      { id: 's1', calculatedWeight: 2000, unitOfWeight: 'kg' },
      { id: 's2', calculatedWeight: 500, unitOfWeight: 'g' },
    ]);
  });
});

describe('refused subqueries', () => {
  it('refuses a subquery that does not read from an enclosing alias (Cosmos runs correlated subqueries only)', () => {
    const error = refusal('SELECT VALUE EXISTS(SELECT VALUE t FROM t IN other.tags) FROM c');
    expect(error.errorCode).toBe('SC2001');
    expect(error.message).toBe("Identifier 'other' could not be resolved.");
  });

  it('refuses a subquery in a grouped SELECT', () => {
    expect(refusal('SELECT c.k, ARRAY(SELECT VALUE 1) AS a FROM c GROUP BY c.k').message).toContain('GROUP BY');
  });

  it('does not run a subquery as the first FROM source, and says so', () => {
    const error = refusal('SELECT * FROM (SELECT VALUE 1) x');
    expect(error.errorCode).toBe('SC0000');
    expect(error.message).toContain('not supported by the local Cosmos DB query engine');
  });
});
