/**
 * Timer-trigger schedules as the Azure Functions host reads them: either an NCRONTAB expression or a TimeSpan
 * interval. Everything is UTC because the host only applies a time zone when WEBSITE_TIME_ZONE is set, and the local
 * host never sets it.
 */

export interface Schedule {
  readonly expression: string;
  /** First occurrence strictly after `afterMs` (epoch milliseconds), as epoch milliseconds. */
  next(afterMs: number): number;
}

export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Where `*` and `a/n` stop; differs from `max` only for day-of-week, whose 7 is an alias rather than a new day. */
  readonly openEnd: number;
  /** Full names; a value's name sits at index `value - min`. */
  readonly names?: readonly string[];
  readonly nameHint?: string;
}

const SECOND: FieldSpec = { label: 'second', min: 0, max: 59, openEnd: 59 };
const MINUTE: FieldSpec = { label: 'minute', min: 0, max: 59, openEnd: 59 };
const HOUR: FieldSpec = { label: 'hour', min: 0, max: 23, openEnd: 23 };
const DAY: FieldSpec = { label: 'day', min: 1, max: 31, openEnd: 31 };
const MONTH: FieldSpec = {
  label: 'month',
  min: 1,
  max: 12,
  openEnd: 12,
  names: [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  nameHint: 'a month name (Jan-Dec)',
};
const DAY_OF_WEEK: FieldSpec = {
  label: 'day-of-week',
  min: 0,
  max: 7,
  openEnd: 6,
  names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  nameHint: 'a day name (Sun-Sat)',
};

const SIX_FIELD_LAYOUT = 'Expected 6 fields: {second} {minute} {hour} {day} {month} {day-of-week}.';
const FIVE_FIELD_LAYOUT = 'Expected 5 fields (no seconds): {minute} {hour} {day} {month} {day-of-week}.';
const TIMESPAN_LAYOUT = 'Expected hh:mm:ss or d.hh:mm:ss, e.g. 00:05:00.';

/** How far `next` looks before deciding the schedule can never fire (e.g. `0 0 0 30 Feb *`). */
const SEARCH_YEARS = 5;

interface Field {
  readonly values: readonly number[];
  readonly allows: readonly boolean[];
  /** Whether every value is allowed, which is what decides how day and day-of-week combine. */
  readonly unrestricted: boolean;
}

interface CronFields {
  readonly second: Field;
  readonly minute: Field;
  readonly hour: Field;
  readonly day: Field;
  readonly month: Field;
  readonly dayOfWeek: Field;
}

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  // A cron expression never contains ':', so a single token with one is the host's TimeSpan form.
  if (/^\S*:\S*$/.test(text)) return new IntervalSchedule(expression, parseTimeSpan(expression, text));
  return new CronSchedule(expression, parseCron(expression, text));
}

class IntervalSchedule implements Schedule {
  constructor(
    readonly expression: string,
    private readonly intervalMs: number,
  ) {}

  next(afterMs: number): number {
    requireFinite(afterMs);
    // The host's ConstantSchedule simply adds the period to the last run; it does not align to whole seconds.
    return afterMs + this.intervalMs;
  }
}

class CronSchedule implements Schedule {
  constructor(
    readonly expression: string,
    private readonly fields: CronFields,
  ) {}

  next(afterMs: number): number {
    requireFinite(afterMs);
    const { second, minute, hour, month } = this.fields;
    const horizon = new Date(afterMs);
    horizon.setUTCFullYear(horizon.getUTCFullYear() + SEARCH_YEARS);
    const horizonMs = horizon.getTime();

    // Each mismatch jumps straight to the start of the next candidate unit, so a year-long search is a few hundred
    // steps at most (one per day when only day fields reject).
    let t = Math.floor(afterMs / 1000) * 1000 + 1000;
    while (t <= horizonMs) {
      const at = new Date(t);
      const y = at.getUTCFullYear();
      const mo = at.getUTCMonth() + 1;
      const d = at.getUTCDate();
      const h = at.getUTCHours();
      const mi = at.getUTCMinutes();
      const s = at.getUTCSeconds();

      if (!month.allows[mo]) {
        const nextMonth = firstFrom(month, mo);
        t = nextMonth === undefined ? utcMs(y + 1, month.values[0] - 1, 1) : utcMs(y, nextMonth - 1, 1);
      } else if (!this.dayMatches(d, at.getUTCDay())) {
        t = utcMs(y, mo - 1, d + 1);
      } else if (!hour.allows[h]) {
        const nextHour = firstFrom(hour, h);
        t = nextHour === undefined ? utcMs(y, mo - 1, d + 1) : utcMs(y, mo - 1, d, nextHour);
      } else if (!minute.allows[mi]) {
        const nextMinute = firstFrom(minute, mi);
        t = nextMinute === undefined ? utcMs(y, mo - 1, d, h + 1) : utcMs(y, mo - 1, d, h, nextMinute);
      } else if (!second.allows[s]) {
        const nextSecond = firstFrom(second, s);
        t = nextSecond === undefined ? utcMs(y, mo - 1, d, h, mi + 1) : utcMs(y, mo - 1, d, h, mi, nextSecond);
      } else {
        return t;
      }
    }
    throw new InvalidScheduleError(
      `NCRONTAB schedule "${this.expression}" has no occurrence within ${SEARCH_YEARS} years after ` +
        `${new Date(afterMs).toISOString()}; check that its day and month can coincide.`,
    );
  }

  private dayMatches(dayOfMonth: number, dayOfWeek: number): boolean {
    // NCrontab (the library the Functions host uses) requires both day fields to match, unlike classic cron's OR:
    // `0 0 0 13 * Fri` fires only on Friday the 13th in Azure, so it must here too.
    return this.fields.day.allows[dayOfMonth] && this.fields.dayOfWeek.allows[dayOfWeek];
  }
}

function parseCron(expression: string, text: string): CronFields {
  const tokens = text === '' ? [] : text.split(/\s+/);
  if (tokens.length !== 6 && tokens.length !== 5) {
    throw new InvalidScheduleError(
      `Invalid NCRONTAB schedule "${expression}": found ${tokens.length} field${tokens.length === 1 ? '' : 's'}. ` +
        `${SIX_FIELD_LAYOUT} A 5-field form without {second} and a TimeSpan such as 00:05:00 are also accepted.`,
    );
  }
  const layout = tokens.length === 6 ? SIX_FIELD_LAYOUT : FIVE_FIELD_LAYOUT;
  // NCrontab reads a 5-field expression as classic cron and fires at second 0.
  const withSeconds = tokens.length === 6 ? tokens : ['0', ...tokens];
  const fail = (detail: string): never => {
    throw new InvalidScheduleError(`Invalid NCRONTAB schedule "${expression}": ${detail}. ${layout}`);
  };
  const [second, minute, hour, day, month, dayOfWeek] = [SECOND, MINUTE, HOUR, DAY, MONTH, DAY_OF_WEEK].map((spec, i) =>
    parseField(spec, withSeconds[i], fail),
  );
  return { second, minute, hour, day, month, dayOfWeek };
}

function parseField(spec: FieldSpec, text: string, fail: (detail: string) => never): Field {
  const allows: boolean[] = new Array<boolean>(spec.openEnd + 1).fill(false);
  for (const item of text.split(',')) {
    if (item === '') fail(`${spec.label} field "${text}" has an empty list entry`);
    const parts = item.split('/');
    if (parts.length > 2) fail(`${spec.label} field entry "${item}" has more than one step`);
    const base = parts[0];
    const stepText: string | undefined = parts[1];
    const step = stepText === undefined ? 1 : parseStep(spec, item, stepText, fail);

    let from: number;
    let to: number;
    if (base === '*') {
      from = spec.min;
      to = spec.openEnd;
    } else {
      const bounds = base.split('-');
      if (bounds.length > 2) fail(`${spec.label} field entry "${item}" is not a value, range or step`);
      from = parseValue(spec, bounds[0], fail);
      to = bounds.length === 2 ? parseValue(spec, bounds[1], fail) : stepText === undefined ? from : spec.openEnd;
      if (from > to) {
        // NCrontab silently swaps a backwards range, which never means what a wrap-around like Fri-Mon was meant to.
        fail(`${spec.label} field range "${base}" runs backwards; ranges go from low to high within ${range(spec)}`);
      }
    }
    // Folding past openEnd turns day-of-week 7 into 0, so Sunday is one value however it was written.
    for (let v = from; v <= to; v += step) allows[v % (spec.openEnd + 1)] = true;
  }
  const values = allows.flatMap((allowed, v) => (allowed ? [v] : []));
  return { values, allows, unrestricted: values.length === spec.openEnd - spec.min + 1 };
}

function parseStep(spec: FieldSpec, item: string, stepText: string, fail: (detail: string) => never): number {
  const step = /^\d+$/.test(stepText) ? Number(stepText) : NaN;
  if (!(step >= 1)) fail(`${spec.label} field step "${stepText}" in "${item}" must be a whole number of at least 1`);
  return step;
}

function parseValue(spec: FieldSpec, text: string, fail: (detail: string) => never): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      fail(`${spec.label} field value ${text} is outside ${range(spec)}`);
    }
    return value;
  }
  if (spec.names !== undefined && text.length >= 3) {
    // NCrontab takes any prefix of the full name; three letters keeps Jun/Jul and Tue/Thu unambiguous.
    const index = spec.names.findIndex((name) => name.startsWith(text.toLowerCase()));
    if (index >= 0) return index + spec.min;
  }
  const expected =
    spec.nameHint === undefined ? `a number in ${range(spec)}` : `a number in ${range(spec)} or ${spec.nameHint}`;
  return fail(`${spec.label} field value "${text}" is not ${expected}`);
}

function range(spec: FieldSpec): string {
  return `${spec.min}-${spec.max}`;
}

function parseTimeSpan(expression: string, text: string): number {
  const fail = (detail: string): never => {
    throw new InvalidScheduleError(`Invalid TimeSpan schedule "${expression}": ${detail}. ${TIMESPAN_LAYOUT}`);
  };
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(text);
  if (match === null) return fail('it is not a TimeSpan');
  const [, days = '0', hours, minutes, seconds = '0'] = match;
  const checked = (label: string, value: string, max: number): number => {
    const n = Number(value);
    if (n > max) fail(`${label} value ${value} is outside 0-${max}`);
    return n;
  };
  const intervalMs =
    ((Number(days) * 24 + checked('hours', hours, 23)) * 60 + checked('minutes', minutes, 59)) * 60_000 +
    checked('seconds', seconds, 59) * 1000;
  if (intervalMs <= 0) fail('the interval must be longer than zero');
  return intervalMs;
}

function firstFrom(field: Field, value: number): number | undefined {
  return field.values.find((v) => v >= value);
}

/** Date.UTC maps years 0-99 onto 1900-1999; the setters do not, and they roll over out-of-range parts the same way. */
function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function requireFinite(afterMs: number): void {
  if (!Number.isFinite(afterMs))
    throw new RangeError(`Schedule.next needs a finite epoch-milliseconds value, got ${afterMs}.`);
}
