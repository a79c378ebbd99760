// The Service Bus SQL filter language (parser, type checks, three-valued evaluation) and correlation filters,
// evaluated against FilterMessage views the way a topic evaluates its subscriptions' rules.
import { describe, expect, it } from 'vitest';
import { CorrelationFilter } from '../../src/serviceBus/correlationFilter';
import { SqlFilterError } from '../../src/serviceBus/errors';
import type { FilterMessage, SqlValue } from '../../src/serviceBus/sqlAst';
import { parseSqlFilter } from '../../src/serviceBus/sqlFilter';

function msg(properties: Record<string, SqlValue>, system: FilterMessage['system'] = {}): FilterMessage {
  return { system: { MessageId: 'm-1', ...system }, properties };
}

const matches = (expr: string, m: FilterMessage): boolean => parseSqlFilter(expr).matches(m);

function sqlError(expr: string): SqlFilterError {
  try {
    parseSqlFilter(expr);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlFilterError);
    return e as SqlFilterError;
  }
  throw new Error(`expected "${expr}" not to parse`);
}

describe('SQL filter: the product filters', () => {
  it("type = 'OrderPlaced' matches only that type; a message without the property does not match", () => {
    const f = parseSqlFilter("type = 'OrderPlaced'");
    expect(f.matches(msg({ type: 'OrderPlaced' }))).toBe(true);
    expect(f.matches(msg({ type: 'PaymentConfirmed' }))).toBe(false);
    expect(f.matches(msg({}))).toBe(false);
  });

  it('NOT EXISTS(bridgeorigin) matches messages that never crossed the bridge, whatever the value', () => {
    const f = parseSqlFilter('NOT EXISTS(bridgeorigin)');
    expect(f.matches(msg({ type: 'OrderPlaced' }))).toBe(true);
    expect(f.matches(msg({ bridgeorigin: 'aws' }))).toBe(false);
    expect(f.matches(msg({ bridgeorigin: null }))).toBe(false);
  });

  it('combines with AND / OR / parentheses and keywords in any case', () => {
    const f = parseSqlFilter("(type = 'OrderPlaced' or type = 'OrderCancelled') And Not Exists(bridgeorigin)");
    expect(f.matches(msg({ type: 'OrderCancelled' }))).toBe(true);
    expect(f.matches(msg({ type: 'OrderCancelled', bridgeorigin: 'aws' }))).toBe(false);
    expect(f.matches(msg({ type: 'Other' }))).toBe(false);
  });
});

describe('SQL filter: operators and values', () => {
  it('compares numbers with = <> != > >= < <= and arithmetic', () => {
    const m = msg({ amount: 120, qty: 3 });
    expect(matches('amount > 100', m)).toBe(true);
    expect(matches('amount >= 120 AND amount <= 120', m)).toBe(true);
    expect(matches('amount < 100', m)).toBe(false);
    expect(matches('amount <> 120', m)).toBe(false);
    expect(matches('amount != 121', m)).toBe(true);
    expect(matches('amount / qty = 40', m)).toBe(true);
    expect(matches('qty * 2 + 1 = 7 AND qty % 2 = 1 AND -qty = -3', m)).toBe(true);
    expect(matches('7 / 2 = 3', m)).toBe(true); // Int64 division truncates
    expect(matches('7.0 / 2 = 3.5', m)).toBe(true);
    expect(matches('amount = 1.2E2', m)).toBe(true);
  });

  it("reads strings with '' escapes and concatenates with +", () => {
    expect(matches("name = 'O''Brien'", msg({ name: "O'Brien" }))).toBe(true);
    expect(matches("first + ' ' + last = 'Ada Lovelace'", msg({ first: 'Ada', last: 'Lovelace' }))).toBe(true);
  });

  it('TRUE / FALSE constants and boolean properties', () => {
    expect(matches('urgent = TRUE', msg({ urgent: true }))).toBe(true);
    expect(matches('urgent = true', msg({ urgent: false }))).toBe(false);
    expect(matches('1=1', msg({}))).toBe(true);
    expect(matches('1=0', msg({}))).toBe(false);
  });

  it('IS [NOT] NULL is true for missing properties and null values', () => {
    expect(matches('region IS NULL', msg({}))).toBe(true);
    expect(matches('region IS NULL', msg({ region: null }))).toBe(true);
    expect(matches('region IS NOT NULL', msg({ region: 'eu' }))).toBe(true);
    expect(matches('sys.CorrelationId IS NULL', msg({}))).toBe(true);
  });

  it('[NOT] IN lists; unknown on the left stays unknown under NOT', () => {
    expect(matches("region IN ('eu', 'us')", msg({ region: 'us' }))).toBe(true);
    expect(matches("region NOT IN ('eu', 'us')", msg({ region: 'apac' }))).toBe(true);
    expect(matches("region NOT IN ('eu', 'us')", msg({}))).toBe(false);
    expect(matches('qty IN (1, 2, 3)', msg({ qty: 2 }))).toBe(true);
  });

  it('[NOT] LIKE with % and _ and ESCAPE', () => {
    expect(matches("sys.Label LIKE 'Order%'", msg({}, { Label: 'OrderPlaced' }))).toBe(true);
    expect(matches("code LIKE 'A_C'", msg({ code: 'ABC' }))).toBe(true);
    expect(matches("code LIKE 'A_C'", msg({ code: 'ABBC' }))).toBe(false);
    expect(matches("code NOT LIKE 'A%'", msg({ code: 'BCD' }))).toBe(true);
    expect(matches("code LIKE 'ABC\\%' ESCAPE '\\'", msg({ code: 'ABC%' }))).toBe(true);
    expect(matches("code LIKE 'ABC\\%' ESCAPE '\\'", msg({ code: 'ABCD' }))).toBe(false);
    expect(matches("code LIKE 'a.c'", msg({ code: 'abc' }))).toBe(false); // regex characters are literal
  });

  it('sys. properties, user. prefix, [bracketed] and "quoted" names; property names are case-insensitive', () => {
    const m = msg(
      { 'HR-EmployeeID': 7, 'Property With Space': 'x', Type: 'A' },
      { To: 'store-1', ContentType: 'application/json' },
    );
    expect(matches("sys.to = 'store-1' AND SYS.ContentType = 'application/json'", m)).toBe(true);
    expect(matches('[HR-EmployeeID] = 7', m)).toBe(true);
    expect(matches('"Property With Space" = \'x\'', m)).toBe(true);
    expect(matches("user.type = 'A'", m)).toBe(true);
    expect(matches("sys.Subject = 'L' AND sys.Label = 'L'", msg({}, { Subject: 'L', Label: 'L' }))).toBe(true);
  });

  it('property() and p() read a property by a computed name; newid() yields a fresh id', () => {
    expect(matches("property('ty' + 'pe') = 'A'", msg({ type: 'A' }))).toBe(true);
    expect(matches("p('sys.MessageId') = 'm-1'", msg({}))).toBe(true);
    expect(matches('newid() IS NOT NULL', msg({}))).toBe(true);
  });

  it('unknown follows the AND/OR truth tables', () => {
    const m = msg({ a: 1 });
    expect(matches('missing = 1 OR a = 1', m)).toBe(true);
    expect(matches('missing = 1 AND a = 1', m)).toBe(false);
    expect(matches('NOT (missing = 1)', m)).toBe(false); // NOT unknown is unknown
    expect(matches('NOT (missing = 1 AND a = 2)', m)).toBe(true); // unknown AND false is false
  });

  it('values of different types never compare equal (unknown), so the rule just does not match', () => {
    expect(matches("qty = '2'", msg({ qty: 2 }))).toBe(false);
    expect(matches("qty <> '2'", msg({ qty: 2 }))).toBe(false);
    expect(matches('qty / 0 = 1', msg({ qty: 2 }))).toBe(false);
  });

  it('dates compare by instant', () => {
    const m = msg({ at: new Date('2026-01-01T00:00:00Z') }, { EnqueuedTimeUtc: new Date('2026-01-02T00:00:00Z') });
    expect(matches('sys.EnqueuedTimeUtc > at', m)).toBe(true);
  });
});

describe('SQL filter: errors carry the position and the token', () => {
  it('an unterminated string points at its opening quote', () => {
    const e = sqlError("type = 'OrderPlaced");
    expect(e.position).toBe(7);
    expect(e.message).toMatch(/never closed/);
    expect(e.message).toContain("type = 'OrderPlaced\n");
  });

  it('a missing value after an operator points at the end', () => {
    const e = sqlError('type = ');
    expect(e.position).toBe(7);
    expect(e.message).toMatch(/Expected a value after '='/);
  });

  it('an unknown system property lists the known ones', () => {
    const e = sqlError("sys.Lable = 'x'");
    expect(e.position).toBe(4);
    expect(e.token).toBe('Lable');
    expect(e.message).toMatch(/Known: MessageId, CorrelationId/);
  });

  it('a bare value where a condition belongs is rejected at parse time', () => {
    const e = sqlError("type = 'A' AND amount");
    expect(e.position).toBe(15);
    expect(e.message).toMatch(/AND needs a condition/);
    expect(sqlError('amount').message).toMatch(/A filter needs a condition/);
  });

  it('a reserved word as a property name says how to bracket it', () => {
    const e = sqlError("NOT = 'x'");
    expect(e.message).toMatch(/keyword|Expected a value/);
    expect(sqlError("IN = 'x'").message).toMatch(/\[IN\]/);
  });

  it('other mistakes: stray characters, unbalanced parentheses, parameters, trailing tokens, bad LIKE', () => {
    expect(sqlError('a = 1 # 2').position).toBe(6);
    expect(sqlError("(type = 'A'").message).toMatch(/Expected '\)'/);
    expect(sqlError('type = @type').message).toMatch(/parameters/);
    expect(sqlError("type = 'A' type = 'B'").message).toMatch(/did you miss AND/);
    expect(sqlError('code LIKE 5').message).toMatch(/LIKE needs a string pattern/);
    expect(sqlError("code LIKE 'a' ESCAPE 'ab'").message).toMatch(/exactly one character/);
    expect(sqlError('a NOT BETWEEN 1').message).toMatch(/Expected IN or LIKE after NOT/);
    expect(sqlError('').message).toMatch(/empty/);
    expect(sqlError('frob(1) = 1').message).toMatch(/Unknown function frob/);
  });
});

describe('correlation filter', () => {
  it('matches when every named field and property is equal', () => {
    const f = new CorrelationFilter({
      system: { Label: 'OrderPlaced', CorrelationId: 'o-1' },
      properties: { region: 'eu', v: 2 },
    });
    expect(f.matches(msg({ region: 'eu', v: 2 }, { Label: 'OrderPlaced', CorrelationId: 'o-1' }))).toBe(true);
    expect(f.matches(msg({ region: 'eu', v: 2 }, { Label: 'OrderPlaced', CorrelationId: 'o-2' }))).toBe(false);
    expect(f.matches(msg({ region: 'eu', v: '2' }, { Label: 'OrderPlaced', CorrelationId: 'o-1' }))).toBe(false);
    expect(f.matches(msg({ region: 'eu' }, { Label: 'OrderPlaced', CorrelationId: 'o-1' }))).toBe(false);
  });
});
