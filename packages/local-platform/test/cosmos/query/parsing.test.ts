// The query language's syntax: keywords, literals, operator precedence, property access, and how malformed text is
// refused (SC1001 "incorrect syntax near", SC1002 unexpected end, SC1012 bad string literal) with its location.
import { describe, expect, it } from 'vitest';
import { evaluate, pointedAt, refusal, run } from './queryHarness';

describe('keywords and literals', () => {
  it('reads keywords in any case', () => {
    expect(run('select value c.id from c where c.n = 1 order by c.id desc', [{ id: 'a', n: 1 }])).toEqual(['a']);
  });

  it('reads true, false, null and undefined only in lower case: TRUE is an identifier', () => {
    expect(evaluate('[true, false, null]')).toEqual([true, false, null]);
    expect(evaluate('undefined')).toBeUndefined();
    const error = refusal('SELECT VALUE TRUE');
    expect(error.errorCode).toBe('SC2001');
    expect(error.message).toBe("Identifier 'TRUE' could not be resolved.");
  });

  it('reads numbers with fractions and exponents, and NaN and Infinity as Cosmos does', () => {
    expect(evaluate('[1, 1.5, .5, 1e3, 2.5E-1, -3]')).toEqual([1, 1.5, 0.5, 1000, 0.25, -3]);
    expect(evaluate('IS_FINITE_NUMBER(Infinity)')).toBe(false);
    expect(evaluate('IS_NUMBER(NaN)')).toBe(true);
  });

  it('reads strings in either quote with JSON escapes, and a quote of the other kind as is', () => {
    expect(evaluate(String.raw`"a\"b\\c\/d\n\t\u00e9"`)).toBe('a"b\\c/d\n\té');
    expect(evaluate(String.raw`'it\'s'`)).toBe("it's");
    expect(evaluate(`'say "hi"'`)).toBe('say "hi"');
  });

  it('builds arrays and objects, with quoted or bare keys', () => {
    expect(evaluate('{"a b": 1, c: [1, {d: null}], "e": []}')).toEqual({ 'a b': 1, c: [1, { d: null }], e: [] });
  });
});

describe('operator precedence', () => {
  it.each([
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['2 * 3 % 4', 2],
    ['1 + 2 = 3', true],
    ['1 < 2 = true', true],
    ['true OR false AND false', true],
    ['(true OR false) AND false', false],
    ['NOT true AND false', false],
    ['NOT (true AND false)', true],
    ['NOT 1 = 2', true],
    ['1 = 1 ? "yes" : "no"', 'yes'],
    ['false ? 1 : true ? 2 : 3', 2],
    ['undefined ?? "fallback"', 'fallback'],
    ['1 | 2 ^ 3 & 1', 3],
    ['1 << 2 + 1', 8],
    ['"a" || "b" || "c"', 'abc'],
    ['-2 * -3', 6],
    ['- (1 + 2)', -3],
    ['~5', -6],
  ])('%s is %j', (expression, expected) => {
    expect(evaluate(expression)).toEqual(expected);
  });

  it('binds BETWEEN before AND, so a range can be followed by another condition', () => {
    const items = [
      { id: 'in', n: 5, t: 'x' },
      { id: 'other-t', n: 5, t: 'y' },
      { id: 'out', n: 9, t: 'x' },
    ];
    expect(run('SELECT VALUE c.id FROM c WHERE c.n BETWEEN 1 AND 6 AND c.t = "x"', items)).toEqual(['in']);
  });

  it('accepts <> as a spelling of !=', () => {
    expect(evaluate('[1 <> 2, 1 <> 1, 1 != 2]')).toEqual([true, false, true]);
  });
});

describe('property access', () => {
  const item = { id: '1', 'a b': 'spaced', nested: { deep: { value: 42 } }, lines: [{ sku: 'x' }, { sku: 'y' }] };

  it('reads nested properties, bracketed names and array elements', () => {
    expect(
      run('SELECT VALUE [c.nested.deep["value"], c["a b"], c.lines[1].sku, c.lines[5], c.id[0]] FROM c', [item]),
    ).toEqual([[42, 'spaced', 'y']]);
  });

  it('takes a parameter as a bracketed property name', () => {
    expect(run('SELECT VALUE c[@name] FROM c', [item], { '@name': 'a b' })).toEqual(['spaced']);
  });

  it('keeps a property named __proto__ as data, in documents and in results', () => {
    const item = JSON.parse('{"id": "p", "__proto__": {"x": 1}}') as Record<string, unknown>;
    const [result] = run('SELECT VALUE {"__proto__": c["__proto__"], copy: c["__proto__"].x} FROM c', [item]);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"x":1},"copy":1}');
    expect(JSON.stringify(run('SELECT c.id AS __proto__ FROM c', [item]))).toBe('[{"__proto__":"p"}]');
  });

  it('does not see JavaScript built-ins as properties of documents', () => {
    expect(run('SELECT VALUE [c.constructor, c["toString"], c.lines.length] FROM c', [item])).toEqual([[]]);
  });
});

describe('malformed text', () => {
  it.each([
    ['SELECT * FROM c WHERE c.value = 1', 'value'],
    ['SELECT * FROM c WHERE c.order.id = 1', 'order'],
    ['SELECT VALUE 1 as x', 'as'],
    ['SELECT *, c.id FROM c', ','],
    ['SELECT VALUE * FROM c', '*'],
    ['selectttt * from c', 'selectttt'],
    ['SELECT * FROM c WHERE c.a = $', '$'],
    ['SELECT * FROM c WHERE c.a == 1', '='],
    ['SELECT c.id FROM c ORDER BY c.id OFFSET 1 LIMIT 2 TOP 3', 'TOP'],
    ['SELECT * FROM @container', '@container'],
  ])('%s: incorrect syntax near %j', (text, near) => {
    const error = refusal(text);
    expect(error.errorCode).toBe('SC1001');
    expect(error.message).toBe(`Syntax error, incorrect syntax near '${near}'.`);
    expect(pointedAt(text, error)).toBe(near);
  });

  it('points at the first bad token: `selectttt` spans 0 to 9, as the service reports', () => {
    expect(refusal('selectttt * from c').location).toEqual({ start: 0, end: 9 });
  });

  it.each(['SELECT * FROM c WHERE', 'SELECT c.id FROM c ORDER BY c.id OFFSET 1', 'SELECT (1 + 2', ''])(
    '%j ends too early (SC1002, located at the end)',
    (text) => {
      const error = refusal(text);
      expect(error.errorCode).toBe('SC1002');
      expect(error.message).toBe('Syntax error, unexpected end-of-file.');
      expect(error.location).toEqual({ start: text.length, end: text.length });
    },
  );

  it('refuses a pathologically nested query instead of overflowing the stack', () => {
    const depth = 50_000;
    const error = refusal(`SELECT VALUE ${'('.repeat(depth)}1${')'.repeat(depth)}`);
    expect(error.message).toContain('too deeply');
  });

  it('refuses an unterminated string or an unknown escape (SC1012), from the quote on', () => {
    const unterminated = 'SELECT * FROM c WHERE c.name = "abc';
    const error = refusal(unterminated);
    expect(error.errorCode).toBe('SC1012');
    expect(error.message).toBe(`Syntax error, invalid string literal token '"abc'.`);
    expect(pointedAt(unterminated, error)).toBe('"abc');
    expect(refusal(String.raw`SELECT VALUE "a\qb"`).errorCode).toBe('SC1012');
  });
});
