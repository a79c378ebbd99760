/**
 * Cosmos DB date-time strings (`YYYY-MM-DDThh:mm:ss.fffffffZ`, UTC, 100-nanosecond ticks) and their parts.
 * Instants are kept as bigint ticks since the Unix epoch: ticks of present-day dates exceed 2^53, so a double would
 * lose the last digits the seven-digit fraction shows.
 */

export const TICKS_PER_MILLISECOND = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;

/** A date-time part as the functions name it; the aliases are those of the DateTimeAdd documentation. */
export type DateTimePart =
  'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond' | 'nanosecond';

const PART_ALIASES: Readonly<Record<string, DateTimePart>> = {
  year: 'year',
  yyyy: 'year',
  yy: 'year',
  month: 'month',
  mm: 'month',
  m: 'month',
  day: 'day',
  dd: 'day',
  d: 'day',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
  microsecond: 'microsecond',
  mcs: 'microsecond',
  nanosecond: 'nanosecond',
  ns: 'nanosecond',
};

/** Ticks in one unit of each fixed-length part (years and months vary, and nanoseconds are below a tick). */
export const TICKS_PER_PART: Readonly<Partial<Record<DateTimePart, bigint>>> = {
  day: 24n * 3600n * TICKS_PER_SECOND,
  hour: 3600n * TICKS_PER_SECOND,
  minute: 60n * TICKS_PER_SECOND,
  second: TICKS_PER_SECOND,
  millisecond: TICKS_PER_MILLISECOND,
  microsecond: 10n,
};

export function dateTimePart(value: unknown): DateTimePart | undefined {
  return typeof value === 'string' ? PART_ALIASES[value.toLowerCase()] : undefined;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?Z?$/;

/** Ticks since the Unix epoch, or undefined if the text is not an ISO 8601 UTC date-time Cosmos would accept. */
export function parseCosmosDateTime(text: string): bigint | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const fraction = BigInt((match[7] ?? '').padEnd(7, '0'));
  return ticksFromParts(year, month, day, hour, minute, second, fraction);
}

export function ticksFromParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fractionTicks: bigint,
): bigint | undefined {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (fractionTicks < 0n || fractionTicks >= TICKS_PER_SECOND) return undefined;
  return BigInt(utcMilliseconds(year, month, day, hour, minute, second)) * TICKS_PER_MILLISECOND + fractionTicks;
}

export interface CalendarParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Ticks within the second, 0 to 9,999,999. */
  fraction: bigint;
}

export function calendarParts(ticks: bigint): CalendarParts {
  const milliseconds = floorDivide(ticks, TICKS_PER_MILLISECOND);
  const date = new Date(Number(milliseconds));
  const secondStart = floorDivide(ticks, TICKS_PER_SECOND) * TICKS_PER_SECOND;
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    fraction: ticks - secondStart,
  };
}

/** The Cosmos form, seven fractional digits and `Z`; undefined outside years 1 to 9999. */
export function formatCosmosDateTime(ticks: bigint): string | undefined {
  const parts = calendarParts(ticks);
  // Beyond JavaScript's date range the parts are NaN, which this comparison also rejects.
  if (!(parts.year >= 1 && parts.year <= 9999)) return undefined;
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(parts.year).padStart(4, '0')}-${two(parts.month)}-${two(parts.day)}` +
    `T${two(parts.hour)}:${two(parts.minute)}:${two(parts.second)}.${String(parts.fraction).padStart(7, '0')}Z`
  );
}

/** Adds calendar months, keeping the day unless the target month is shorter (31 January + 1 month = 28/29 February). */
export function addMonths(ticks: bigint, months: number): bigint | undefined {
  const parts = calendarParts(ticks);
  const monthIndex = parts.year * 12 + (parts.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(parts.day, daysInMonth(year, month));
  return ticksFromParts(year, month, day, parts.hour, parts.minute, parts.second, parts.fraction);
}

export function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMilliseconds(year, month + 1, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC without its mapping of years 0 to 99 onto 1900 to 1999. */
function utcMilliseconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}
