import { describe, it, expect } from 'vitest';
import { InvalidScheduleError, parseSchedule } from '../../src/functionsHost/ncrontab';

const ms = (iso: string): number => Date.parse(iso);

/** The next `count` occurrences after `fromIso`, each one feeding the next call as the real host does. */
function occurrences(expression: string, fromIso: string, count: number): string[] {
  const schedule = parseSchedule(expression);
  const found: string[] = [];
  let after = ms(fromIso);
  for (let i = 0; i < count; i++) {
    after = schedule.next(after);
    found.push(new Date(after).toISOString());
  }
  return found;
}

function errorOf(action: () => unknown): InvalidScheduleError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error;
    throw error;
  }
  throw new Error('expected an InvalidScheduleError');
}

const SIX_FIELDS = 'Expected 6 fields: {second} {minute} {hour} {day} {month} {day-of-week}.';

describe('parseSchedule (NCRONTAB)', () => {
  it('fires every 5 minutes, strictly after the given instant', () => {
    expect(occurrences('0 */5 * * * *', '2026-03-10T10:02:30.000Z', 3)).toEqual([
      '2026-03-10T10:05:00.000Z',
      '2026-03-10T10:10:00.000Z',
      '2026-03-10T10:15:00.000Z',
    ]);
    expect(occurrences('0 */5 * * * *', '2026-03-10T10:05:00.000Z', 1)).toEqual(['2026-03-10T10:10:00.000Z']);
    expect(occurrences('0 */5 * * * *', '2026-03-10T23:59:59.500Z', 1)).toEqual(['2026-03-11T00:00:00.000Z']);
  });

  it('returns whole seconds even when the base instant has milliseconds', () => {
    expect(occurrences('* * * * * *', '2026-03-10T10:02:30.750Z', 2)).toEqual([
      '2026-03-10T10:02:31.000Z',
      '2026-03-10T10:02:32.000Z',
    ]);
  });

  it('fires at a specific time each day', () => {
    expect(occurrences('0 30 9 * * *', '2026-03-10T08:00:00.000Z', 2)).toEqual([
      '2026-03-10T09:30:00.000Z',
      '2026-03-11T09:30:00.000Z',
    ]);
    expect(occurrences('0 30 9 * * *', '2026-03-10T09:30:00.000Z', 1)).toEqual(['2026-03-11T09:30:00.000Z']);
  });

  it('honours weekday ranges, skipping the weekend', () => {
    // 2026-03-13 is a Friday.
    expect(occurrences('0 0 9 * * 1-5', '2026-03-13T08:00:00.000Z', 2)).toEqual([
      '2026-03-13T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
    ]);
  });

  it('accepts month and day names in any case', () => {
    expect(occurrences('0 30 9 * Jan Mon', '2026-03-10T00:00:00.000Z', 2)).toEqual([
      '2027-01-04T09:30:00.000Z',
      '2027-01-11T09:30:00.000Z',
    ]);
    expect(occurrences('0 30 9 * jAN mon', '2026-03-10T00:00:00.000Z', 1)).toEqual(['2027-01-04T09:30:00.000Z']);
    expect(occurrences('0 0 12 * * mon-FRI', '2026-03-14T00:00:00.000Z', 1)).toEqual(['2026-03-16T12:00:00.000Z']);
    expect(occurrences('0 0 0 1 July,DEC *', '2026-01-01T00:00:00.000Z', 3)).toEqual([
      '2026-07-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2027-07-01T00:00:00.000Z',
    ]);
    expect(occurrences('0 0 12 * * saturday', '2026-03-13T00:00:00.000Z', 1)).toEqual(['2026-03-14T12:00:00.000Z']);
  });

  it('supports steps over ranges, from a start value, and comma lists', () => {
    // Day 1,15 and day-of-week 1-5 are both restricted: only a 1st or 15th that is a weekday fires.
    expect(occurrences('5-10/2 0 12 1,15 * 1-5', '2026-05-01T11:00:00.000Z', 4)).toEqual([
      '2026-05-01T12:00:05.000Z',
      '2026-05-01T12:00:07.000Z',
      '2026-05-01T12:00:09.000Z',
      '2026-05-15T12:00:05.000Z',
    ]);
    expect(occurrences('0 10/20 * * * *', '2026-03-10T10:00:00.000Z', 4)).toEqual([
      '2026-03-10T10:10:00.000Z',
      '2026-03-10T10:30:00.000Z',
      '2026-03-10T10:50:00.000Z',
      '2026-03-10T11:10:00.000Z',
    ]);
    expect(occurrences('0 0 8-18/5 * * *', '2026-03-10T00:00:00.000Z', 4)).toEqual([
      '2026-03-10T08:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
      '2026-03-10T18:00:00.000Z',
      '2026-03-11T08:00:00.000Z',
    ]);
  });

  it('rolls over into the next month, skipping months too short for the day', () => {
    expect(occurrences('0 0 0 31 * *', '2026-04-01T00:00:00.000Z', 2)).toEqual([
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
    expect(occurrences('0 0 12 1 * *', '2026-01-31T13:00:00.000Z', 1)).toEqual(['2026-02-01T12:00:00.000Z']);
    expect(occurrences('0 0 0 * * *', '2026-02-28T00:00:00.000Z', 1)).toEqual(['2026-03-01T00:00:00.000Z']);
  });

  it('rolls over into the next year', () => {
    expect(occurrences('0 0 0 1 1 *', '2026-06-01T00:00:00.000Z', 2)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
    expect(occurrences('* * * * * *', '2026-12-31T23:59:59.000Z', 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(occurrences('59 59 23 31 Dec *', '2026-12-31T23:59:59.000Z', 1)).toEqual(['2027-12-31T23:59:59.000Z']);
  });

  it('finds the next leap day', () => {
    expect(occurrences('0 0 0 29 Feb *', '2026-01-01T00:00:00.000Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  it('requires both day fields to match when both are restricted (NCrontab AND rule)', () => {
    // Friday the 13th: after 2026-04-01 the next ones are 2026-11-13 and 2027-08-13.
    expect(occurrences('0 0 0 13 * Fri', '2026-04-01T00:00:00.000Z', 2)).toEqual([
      '2026-11-13T00:00:00.000Z',
      '2027-08-13T00:00:00.000Z',
    ]);
    // 2026-03-15 is a Sunday, so the 1st/15th on a weekday skips it.
    expect(occurrences('5 0 12 1,15 * 1-5', '2026-03-14T00:00:00.000Z', 2)).toEqual([
      '2026-04-01T12:00:05.000Z',
      '2026-04-15T12:00:05.000Z',
    ]);
  });

  it('lets only the restricted day field count when the other is a wildcard', () => {
    expect(occurrences('0 0 0 13 * *', '2026-03-01T00:00:00.000Z', 2)).toEqual([
      '2026-03-13T00:00:00.000Z',
      '2026-04-13T00:00:00.000Z',
    ]);
    expect(occurrences('0 0 0 * * Fri', '2026-03-01T00:00:00.000Z', 2)).toEqual([
      '2026-03-06T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
    // A range covering every day is as unrestricted as '*', so it must not make every day match.
    expect(occurrences('0 0 0 1-31 * Mon', '2026-03-10T00:00:00.000Z', 1)).toEqual(['2026-03-16T00:00:00.000Z']);
  });

  it('treats day-of-week 0, 7 and Sun as Sunday', () => {
    for (const sunday of ['0', '7', 'Sun', 'SUNDAY']) {
      expect(occurrences(`0 0 0 * * ${sunday}`, '2026-03-10T00:00:00.000Z', 2)).toEqual([
        '2026-03-15T00:00:00.000Z',
        '2026-03-22T00:00:00.000Z',
      ]);
    }
    expect(occurrences('0 0 0 * * 5-7', '2026-03-13T00:00:00.000Z', 3)).toEqual([
      '2026-03-14T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
    ]);
  });

  it('accepts the 5-field form, firing at second 0', () => {
    expect(occurrences('*/15 * * * *', '2026-03-10T10:07:30.000Z', 2)).toEqual([
      '2026-03-10T10:15:00.000Z',
      '2026-03-10T10:30:00.000Z',
    ]);
    expect(occurrences('30 9 * * Mon-Fri', '2026-03-13T10:00:00.000Z', 1)).toEqual(['2026-03-16T09:30:00.000Z']);
  });

  it('keeps the expression as written and tolerates extra whitespace', () => {
    const schedule = parseSchedule('  0  */5 * * *   * ');
    expect(schedule.expression).toBe('  0  */5 * * *   * ');
    expect(new Date(schedule.next(ms('2026-03-10T10:02:00.000Z'))).toISOString()).toBe('2026-03-10T10:05:00.000Z');
  });

  it('rejects a non-finite base instant', () => {
    expect(() => parseSchedule('0 * * * * *').next(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseSchedule (TimeSpan)', () => {
  it('adds the interval to the base instant', () => {
    expect(occurrences('00:05:00', '2026-03-10T10:02:30.250Z', 2)).toEqual([
      '2026-03-10T10:07:30.250Z',
      '2026-03-10T10:12:30.250Z',
    ]);
    expect(occurrences('00:00:30', '2026-03-10T23:59:45.000Z', 1)).toEqual(['2026-03-11T00:00:15.000Z']);
    expect(occurrences('01:30', '2026-03-10T10:00:00.000Z', 1)).toEqual(['2026-03-10T11:30:00.000Z']);
  });

  it('accepts a day component', () => {
    expect(occurrences('1.02:03:04', '2026-03-10T10:00:00.000Z', 1)).toEqual(['2026-03-11T12:03:04.000Z']);
    expect(parseSchedule(' 1.02:03:04 ').expression).toBe(' 1.02:03:04 ');
  });
});

describe('parseSchedule errors', () => {
  it('names the field, the value and the allowed range', () => {
    const error = errorOf(() => parseSchedule('0 61 * * * *'));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidScheduleError');
    expect(error.message).toBe(
      `Invalid NCRONTAB schedule "0 61 * * * *": minute field value 61 is outside 0-59. ${SIX_FIELDS}`,
    );
  });

  it.each([
    ['60 * * * * *', 'second field value 60 is outside 0-59'],
    ['0 0 24 * * *', 'hour field value 24 is outside 0-23'],
    ['0 0 20-25 * * *', 'hour field value 25 is outside 0-23'],
    ['0 0 0 0 * *', 'day field value 0 is outside 1-31'],
    ['0 0 0 32 * *', 'day field value 32 is outside 1-31'],
    ['0 0 0 * 13 *', 'month field value 13 is outside 1-12'],
    ['0 0 0 * 0 *', 'month field value 0 is outside 1-12'],
    ['0 0 0 * * 8', 'day-of-week field value 8 is outside 0-7'],
    ['0 0 0 * Foo *', 'month field value "Foo" is not a number in 1-12 or a month name (Jan-Dec)'],
    ['0 0 0 * * Su', 'day-of-week field value "Su" is not a number in 0-7 or a day name (Sun-Sat)'],
    ['0 0 Mon * * *', 'hour field value "Mon" is not a number in 0-23'],
    ['0 0 12 ? * Mon', 'day field value "?" is not a number in 1-31'],
    ['*/0 * * * * *', 'second field step "0" in "*/0" must be a whole number of at least 1'],
    ['0 */x * * * *', 'minute field step "x" in "*/x" must be a whole number of at least 1'],
    ['0 */5/2 * * * *', 'minute field entry "*/5/2" has more than one step'],
    ['0 1,,2 * * * *', 'minute field "1,,2" has an empty list entry'],
    ['0 1-2-3 * * * *', 'minute field entry "1-2-3" is not a value, range or step'],
    ['0 0 17-9 * * *', 'hour field range "17-9" runs backwards; ranges go from low to high within 0-23'],
  ])('rejects %s', (expression, detail) => {
    expect(errorOf(() => parseSchedule(expression)).message).toBe(
      `Invalid NCRONTAB schedule "${expression}": ${detail}. ${SIX_FIELDS}`,
    );
  });

  it('describes the 5-field layout when a 5-field expression is wrong', () => {
    expect(errorOf(() => parseSchedule('61 * * * *')).message).toBe(
      'Invalid NCRONTAB schedule "61 * * * *": minute field value 61 is outside 0-59. ' +
        'Expected 5 fields (no seconds): {minute} {hour} {day} {month} {day-of-week}.',
    );
  });

  it.each([
    ['* * * *', 4],
    ['0 0 0 * * * 2026', 7],
    ['', 0],
  ])('rejects the wrong number of fields in "%s"', (expression, count) => {
    expect(errorOf(() => parseSchedule(expression)).message).toBe(
      `Invalid NCRONTAB schedule "${expression}": found ${count} fields. ${SIX_FIELDS} ` +
        'A 5-field form without {second} and a TimeSpan such as 00:05:00 are also accepted.',
    );
  });

  it.each([
    ['00:60:00', 'minutes value 60 is outside 0-59'],
    ['24:00:00', 'hours value 24 is outside 0-23'],
    ['00:00:60', 'seconds value 60 is outside 0-59'],
    ['00:00:00', 'the interval must be longer than zero'],
    ['1:2:3:4', 'it is not a TimeSpan'],
    ['-00:05:00', 'it is not a TimeSpan'],
  ])('rejects the TimeSpan %s', (expression, detail) => {
    expect(errorOf(() => parseSchedule(expression)).message).toBe(
      `Invalid TimeSpan schedule "${expression}": ${detail}. Expected hh:mm:ss or d.hh:mm:ss, e.g. 00:05:00.`,
    );
  });

  it('gives up on a schedule with no occurrence within 5 years', () => {
    const schedule = parseSchedule('0 0 0 30 Feb *');
    expect(errorOf(() => schedule.next(ms('2026-01-01T00:00:00.000Z'))).message).toBe(
      'NCRONTAB schedule "0 0 0 30 Feb *" has no occurrence within 5 years after 2026-01-01T00:00:00.000Z; ' +
        'check that its day and month can coincide.',
    );
    expect(() => parseSchedule('0 0 0 31 Apr,Jun,Sep,Nov *').next(ms('2026-01-01T00:00:00.000Z'))).toThrow(
      InvalidScheduleError,
    );
  });
});
