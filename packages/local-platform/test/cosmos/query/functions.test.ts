// System functions beyond the documented examples (documentedExamples.test.ts runs those): names in any case, what
// each family makes of undefined and of arguments of the wrong kind, edges the reference pages describe, and the
// date functions' calendar arithmetic.
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/cosmos/query';
import { evaluate, pointedAt, refusal, run } from './queryHarness';

describe('names and argument counts', () => {
  it('finds functions whatever the case of their name', () => {
    expect(evaluate('[is_defined(1), Lower("A"), stringToNumber("2"), datetimepart("yyyy", "2020-01-02")]')).toEqual([
      true,
      'a',
      2,
      2020,
    ]);
  });

  it('refuses an unknown function, naming it (SC2005) and pointing at the call', () => {
    const text = 'SELECT VALUE BADFUNC(c.age) FROM c';
    const error = refusal(text);
    expect(error.errorCode).toBe('SC2005');
    expect(error.message).toBe("'BADFUNC' is not a recognized built-in function name.");
    expect(pointedAt(text, error)).toBe('BADFUNC(c.age)');
  });

  it.each([
    ['STARTSWITH(c.key, "a", true, 1)', 'The STARTSWITH function requires 2 to 3 argument(s).'],
    ['LOWER()', 'The LOWER function requires 1 argument(s).'],
    ['PI(1)', 'The PI function requires 0 argument(s).'],
    ['CONCAT("a")', 'The CONCAT function requires at least 2 argument(s).'],
  ])('refuses %s with SC2050', (call, message) => {
    const text = `SELECT VALUE ${call} FROM c`;
    const error = refusal(text);
    expect(error.errorCode).toBe('SC2050');
    expect(error.message).toBe(message);
    expect(pointedAt(text, error)).toBe(call);
  });

  it('refuses what Cosmos has but this engine does not implement with SC0000, so the cause is clear', () => {
    for (const call of ['ST_DISTANCE(c.a, c.b)', 'VectorDistance(c.v, [1])', 'udf.tax(c.total)']) {
      const error = refusal(`SELECT VALUE ${call} FROM c`);
      expect(error.errorCode, call).toBe('SC0000');
      expect(error.message).toContain('not supported by the local Cosmos DB query engine');
    }
  });
});

describe('type checking functions', () => {
  const kinds = {
    undefined: 'undefined',
    null: 'null',
    boolean: 'false',
    number: '0',
    string: '""',
    array: '[]',
    object: '{}',
  };
  const expectations: Record<string, string[]> = {
    IS_DEFINED: ['null', 'boolean', 'number', 'string', 'array', 'object'],
    IS_NULL: ['null'],
    IS_BOOL: ['boolean'],
    IS_NUMBER: ['number'],
    IS_STRING: ['string'],
    IS_ARRAY: ['array'],
    IS_OBJECT: ['object'],
    IS_PRIMITIVE: ['null', 'boolean', 'number', 'string'],
  };
  it.each(Object.entries(expectations))('%s is true exactly for %j', (fn, trueFor) => {
    for (const [kind, literal] of Object.entries(kinds)) {
      expect(evaluate(`${fn}(${literal})`), `${fn}(${literal})`).toBe(trueFor.includes(kind));
    }
  });

  it('IS_DATETIME recognises the ISO 8601 UTC form', () => {
    expect(
      evaluate(
        '[IS_DATETIME("2020-07-03T00:00:00.0000000Z"), IS_DATETIME("2020-07-03"), IS_DATETIME("2020-13-01"), IS_DATETIME(5)]',
      ),
    ).toEqual([true, true, false, false]);
  });
});

describe('string functions', () => {
  it('give undefined for an undefined or non-string argument, leaving the property out', () => {
    expect(
      run(
        'SELECT LOWER(c.missing) AS a, UPPER(c.n) AS b, LENGTH(c.n) AS c, CONTAINS(c.s, 1) AS d, CONCAT(c.s, c.n) AS e, SUBSTRING(c.s, "1", 2) AS f, c.s AS s FROM c',
        [{ s: 'abc', n: 1 }],
      ),
    ).toEqual([{ s: 'abc' }]);
  });

  it('take the ignore-case flag only as a boolean', () => {
    expect(evaluate('[CONTAINS("Abc", "bC", true), CONTAINS("Abc", "bC", false), CONTAINS("Abc", "bC")]')).toEqual([
      true,
      false,
      false,
    ]);
    expect(evaluate('CONTAINS("Abc", "b", "yes")')).toBeUndefined();
    expect(
      evaluate('[STARTSWITH("Abc", "aB", true), ENDSWITH("Abc", "BC", true), STRINGEQUALS("a", "A", true)]'),
    ).toEqual([true, true, true]);
  });

  it('filter documents case-insensitively, a common use', () => {
    const items = [{ name: 'Road Bike' }, { name: 'road helmet' }, { name: 'Gravel' }];
    expect(run('SELECT VALUE c.name FROM c WHERE STARTSWITH(c.name, "ROAD", true)', items)).toEqual([
      'Road Bike',
      'road helmet',
    ]);
  });

  it('handle positions at and beyond the ends', () => {
    expect(evaluate('[SUBSTRING("abc", 1, 100), SUBSTRING("abc", 5, 1), LEFT("abc", 0)]')).toEqual(['bc', '', '']);
    expect(evaluate('[INDEX_OF("abcabc", "c", 3), INDEX_OF("abc", "", 0), LASTINDEXOF("abcabc", "b")]')).toEqual([
      5, 0, 4,
    ]);
  });

  it('replace every occurrence and repeat within the documented limit', () => {
    expect(evaluate('REPLACE("a-b-c", "-", "+")')).toBe('a+b+c');
    expect(evaluate('LENGTH(REPLICATE("ab", 5000))')).toBe(10000);
    expect(evaluate('REPLICATE("ab", 5001)')).toBeUndefined();
    expect(evaluate('REPLICATE("ab", -1)')).toBeUndefined();
  });

  it('convert values to strings as JSON, and strings to values of one kind only', () => {
    expect(evaluate('ToString({"a": [1, "x", null]})')).toBe('{"a":[1,"x",null]}');
    expect(
      evaluate('[StringToNumber("1e3"), StringToBoolean("false"), StringToArray("[1]"), StringToObject("{}")]'),
    ).toEqual([1000, false, [1], {}]);
    expect(
      evaluate('{a: StringToNumber("[1]"), b: StringToBoolean("1"), c: StringToObject("[]"), d: StringToNull("0")}'),
    ).toEqual({});
  });

  it('match regular expressions with Cosmos modifiers, and give undefined for an invalid one', () => {
    expect(evaluate('[RegexMatch("a\\nb", "^b$", "m"), RegexMatch("ab", "A B", "ix"), RegexMatch("x", "[")]')).toEqual([
      true,
      true,
    ]);
  });

  it('split and join strings', () => {
    expect(evaluate('[StringSplit("a,b,c", ","), StringJoin(["a", "b"], "-")]')).toEqual([['a', 'b', 'c'], 'a-b']);
  });
});

describe('array functions', () => {
  it('ARRAY_CONTAINS with a parameter list is the usual way to match many ids', () => {
    const items = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(
      run('SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)', items, { '@ids': ['a', 'c', 'z'] }),
    ).toEqual(['a', 'c']);
  });

  it('ARRAY_CONTAINS matches objects fully, or partially when asked, including nested values', () => {
    const items = [{ id: '1', lines: [{ sku: 'x', qty: 1, meta: { color: 'red', size: 'M' } }] }];
    const ids = (condition: string) => run(`SELECT VALUE c.id FROM c WHERE ${condition}`, items);
    expect(ids('ARRAY_CONTAINS(c.lines, {"sku": "x"})')).toEqual([]);
    expect(ids('ARRAY_CONTAINS(c.lines, {"sku": "x"}, true)')).toEqual(['1']);
    expect(ids('ARRAY_CONTAINS(c.lines, {"meta": {"color": "red", "size": "M"}}, true)')).toEqual(['1']);
    expect(ids('ARRAY_CONTAINS(c.lines, {"sku": "x", "qty": 2}, true)')).toEqual([]);
  });

  it('give undefined for a non-array, and false for an undefined search value', () => {
    expect(
      evaluate(
        '{a: ARRAY_CONTAINS("abc", "a"), b: ARRAY_LENGTH({}), c: ARRAY_SLICE(null, 1), d: ARRAY_CONCAT([1], 2)}',
      ),
    ).toEqual({});
    expect(evaluate('ARRAY_CONTAINS([1], undefined)')).toBe(false);
  });

  it('test membership of several values', () => {
    expect(
      evaluate(
        '[ARRAY_CONTAINS_ANY([1, 2], 3, 2), ARRAY_CONTAINS_ALL([1, 2], 1, 3), ARRAY_CONTAINS_ALL([1, 2], 2, 1)]',
      ),
    ).toEqual([true, false, true]);
  });

  it('slice with a length of zero or less to nothing', () => {
    expect(
      evaluate('[ARRAY_SLICE([1, 2, 3], 1, 0), ARRAY_SLICE([1, 2, 3], 1, -1), ARRAY_SLICE([1, 2, 3], -10)]'),
    ).toEqual([[], [], [1, 2, 3]]);
  });

  it('compare set members by value', () => {
    expect(evaluate('[SetDifference([1, 2, {"a": 1}], [{"a": 1}]), SetEqual([1, 2, 2], [2, 1])]')).toEqual([
      [1, 2],
      true,
    ]);
  });
});

describe('mathematical functions', () => {
  it('give undefined for anything but numbers', () => {
    expect(evaluate('{a: ABS("1"), b: FLOOR(null), c: POWER(2, "3"), d: SQRT(undefined), e: ROUND(true)}')).toEqual({});
  });

  it('round halves away from zero', () => {
    expect(evaluate('[ROUND(0.5), ROUND(-0.5), ROUND(1.5), ROUND(-1.5), ROUND(2.4999)]')).toEqual([1, -1, 2, -2, 2]);
  });

  it('compute 64-bit integer arithmetic, undefined for fractions and zero divisors', () => {
    expect(evaluate('[IntAdd(9007199254740991, 0), IntDiv(-7, 2), IntMod(-7, 2), IntBitLeftShift(1, 40)]')).toEqual([
      9007199254740991, -3, -1, 1099511627776,
    ]);
    expect(evaluate('{a: IntDiv(1, 0), b: IntMod(1, 0), c: IntMul(1.5, 2)}')).toEqual({});
    // Shift counts use their low six bits, as C#'s long shifts do, so a huge count stays cheap.
    expect(evaluate('[IntBitLeftShift(1, 64), IntBitLeftShift(1, 65), IntBitRightShift(-8, 1000000001)]')).toEqual([
      1, 2, -4,
    ]);
  });
});

describe('date and time functions', () => {
  it('add months and years as the calendar does, keeping the day unless the month is shorter', () => {
    expect(
      evaluate(
        '[DateTimeAdd("mm", 1, "2020-01-31T10:00:00Z"), DateTimeAdd("yyyy", 1, "2020-02-29T00:00:00Z"), DateTimeAdd("month", -13, "2021-03-31T00:00:00Z")]',
      ),
    ).toEqual(['2020-02-29T10:00:00.0000000Z', '2021-02-28T00:00:00.0000000Z', '2020-02-29T00:00:00.0000000Z']);
  });

  it('add small units down to the tick', () => {
    expect(
      evaluate(
        '[DateTimeAdd("ms", 1500, "2020-01-01T00:00:00Z"), DateTimeAdd("mcs", 1, "2020-01-01T00:00:00.0000000Z"), DateTimeAdd("ns", 300, "2020-01-01T00:00:00Z"), DateTimeAdd("mi", -1, "2020-01-01T00:00:00Z")]',
      ),
    ).toEqual([
      '2020-01-01T00:00:01.5000000Z',
      '2020-01-01T00:00:00.0000010Z',
      '2020-01-01T00:00:00.0000003Z',
      '2019-12-31T23:59:00.0000000Z',
    ]);
  });

  it('count boundaries crossed in DateTimeDiff', () => {
    expect(
      evaluate(
        '[DateTimeDiff("dd", "2020-01-01T23:59:59Z", "2020-01-02T00:00:01Z"), DateTimeDiff("hh", "2020-01-01T10:59:00Z", "2020-01-01T11:00:00Z"), DateTimeDiff("ms", "2020-01-01T00:00:00.0005Z", "2020-01-01T00:00:00.0015Z"), DateTimeDiff("yyyy", "2020-12-31T00:00:00Z", "2021-01-01T00:00:00Z")]',
      ),
    ).toEqual([1, 1, 1, 1]);
  });

  it('give undefined for an invalid part, amount or date', () => {
    expect(
      evaluate(
        '{a: DateTimeAdd("fortnight", 1, "2020-01-01"), b: DateTimeAdd("dd", 1.5, "2020-01-01"), c: DateTimeAdd("dd", 1, "01/02/2020"), d: DateTimePart("dd", "2020-02-30T00:00:00Z"), e: DateTimeToTimestamp("2020-01-01T00:00:00+02:00")}',
      ),
    ).toEqual({});
  });

  it('give undefined for instants outside years 1 to 9999', () => {
    expect(
      evaluate(
        '{a: DateTimeAdd("dd", 1000000000000, "2020-01-01"), b: TicksToDateTime(1e30), c: TimestampToDateTime(-1e20), d: DateTimeAdd("yyyy", -2020, "2020-01-01")}',
      ),
    ).toEqual({});
  });

  it('convert between date-times, ticks and timestamps', () => {
    expect(evaluate('DateTimeToTimestamp("1970-01-01T00:00:01.5Z")')).toBe(1500);
    expect(evaluate('TimestampToDateTime(DateTimeToTimestamp("2023-05-06T07:08:09.123Z"))')).toBe(
      '2023-05-06T07:08:09.1230000Z',
    );
    expect(evaluate('TicksToDateTime(DateTimeToTicks("0001-01-01T00:00:00Z"))')).toBe('0001-01-01T00:00:00.0000000Z');
    expect(evaluate('[Year("2021-02-03"), Month("2021-02-03"), Day("2021-02-03")]')).toEqual([2021, 2, 3]);
  });

  it('answers the current time in the Cosmos format, and the same static time for every item of a run', () => {
    const before = Date.now();
    const now = evaluate('GetCurrentDateTime()') as string;
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before - 1);
    expect(Math.abs((evaluate('GetCurrentTimestamp()') as number) - Date.now())).toBeLessThan(1000);
    const query = compileQuery('SELECT VALUE GetCurrentTicksStatic() FROM c');
    const ticks = query.run(Array.from({ length: 2000 }, () => ({})));
    expect(new Set(ticks).size).toBe(1);
    expect(ticks[0]).toBeGreaterThanOrEqual(before * 10_000);
  });
});

describe('IIF and CHOOSE', () => {
  it('pick a value by condition or position', () => {
    expect(evaluate('[IIF(1 < 2, "yes", "no"), IIF(undefined, "yes", "no"), CHOOSE(2, "a", "b", "c")]')).toEqual([
      'yes',
      'no',
      'b',
    ]);
    expect(evaluate('CHOOSE(1.5, "a", "b")')).toBeUndefined();
  });
});
