/**
 * Date and time functions. Ticks and timestamps count from the Unix epoch (DateTimeToTicks("2015-05-19T12:00:00")
 * is 14320368000000000 in the Cosmos samples); DateTimeDiff counts boundaries crossed, as SQL Server's DATEDIFF
 * does (-1 year from 2019-02-04 back to 2018-03-05). Any invalid part, number or date-time gives undefined.
 */
import {
  TICKS_PER_MILLISECOND,
  TICKS_PER_PART,
  addMonths,
  calendarParts,
  dateTimePart,
  floorDivide,
  formatCosmosDateTime,
  parseCosmosDateTime,
  ticksFromParts,
} from './dateTimeValues';
import { type BuiltinFunction, defineFunction, isInteger } from './functionDefinition';

const UNIX_EPOCH = '1970-01-01T00:00:00.0000000Z';

function dateTimeTicks(value: unknown): bigint | undefined {
  return typeof value === 'string' ? parseCosmosDateTime(value) : undefined;
}

function nowTicks(milliseconds: number): bigint {
  return BigInt(milliseconds) * TICKS_PER_MILLISECOND;
}

function dateTimeAdd(partName: unknown, amount: unknown, dateTime: unknown): string | undefined {
  const part = dateTimePart(partName);
  const ticks = dateTimeTicks(dateTime);
  if (part === undefined || ticks === undefined || !isInteger(amount)) return undefined;
  let result: bigint | undefined;
  if (part === 'year') result = addMonths(ticks, amount * 12);
  else if (part === 'month') result = addMonths(ticks, amount);
  else if (part === 'nanosecond') result = ticks + BigInt(Math.trunc(amount / 100));
  else result = ticks + BigInt(amount) * (TICKS_PER_PART[part] as bigint);
  return result === undefined ? undefined : formatCosmosDateTime(result);
}

function dateTimeDiff(partName: unknown, startValue: unknown, endValue: unknown): number | undefined {
  const part = dateTimePart(partName);
  const start = dateTimeTicks(startValue);
  const end = dateTimeTicks(endValue);
  if (part === undefined || start === undefined || end === undefined) return undefined;
  if (part === 'year' || part === 'month') {
    const from = calendarParts(start);
    const to = calendarParts(end);
    const years = to.year - from.year;
    return part === 'year' ? years : years * 12 + (to.month - from.month);
  }
  if (part === 'nanosecond') return Number((end - start) * 100n);
  const unit = TICKS_PER_PART[part] as bigint;
  return Number(floorDivide(end, unit) - floorDivide(start, unit));
}

function dateTimePartOf(partName: unknown, dateTime: unknown): number | undefined {
  const part = dateTimePart(partName);
  const ticks = dateTimeTicks(dateTime);
  if (part === undefined || ticks === undefined) return undefined;
  const parts = calendarParts(ticks);
  switch (part) {
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      return parts[part];
    case 'millisecond':
      return Number(parts.fraction / TICKS_PER_MILLISECOND);
    case 'microsecond':
      return Number(parts.fraction / 10n);
    case 'nanosecond':
      return Number(parts.fraction * 100n);
  }
}

function dateTimeFromParts(args: readonly unknown[]): string | undefined {
  if (!args.every(isInteger)) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0, fraction = 0] = args as number[];
  const ticks = ticksFromParts(year, month, day, hour, minute, second, BigInt(fraction));
  return ticks === undefined ? undefined : formatCosmosDateTime(ticks);
}

/** Rounds down to a multiple of `binSize` parts counted from `origin` (default the Unix epoch). */
function dateTimeBin(dateTime: unknown, partName: unknown, binSize: unknown = 1, origin: unknown = UNIX_EPOCH) {
  const part = dateTimePart(partName);
  const ticks = dateTimeTicks(dateTime);
  const originTicks = dateTimeTicks(origin);
  if (part === undefined || ticks === undefined || originTicks === undefined) return undefined;
  if (!isInteger(binSize) || binSize <= 0) return undefined;
  const unit = TICKS_PER_PART[part];
  if (unit === undefined) return undefined;
  const size = unit * BigInt(binSize);
  return formatCosmosDateTime(originTicks + floorDivide(ticks - originTicks, size) * size);
}

function fromTicks(ticks: unknown): string | undefined {
  return isInteger(ticks) ? formatCosmosDateTime(BigInt(ticks)) : undefined;
}

function fromTimestamp(milliseconds: unknown): string | undefined {
  return isInteger(milliseconds) ? formatCosmosDateTime(BigInt(milliseconds) * TICKS_PER_MILLISECOND) : undefined;
}

function calendarPart(part: 'year' | 'month' | 'day') {
  return ([dateTime]: readonly unknown[]): number | undefined => {
    const ticks = dateTimeTicks(dateTime);
    return ticks === undefined ? undefined : calendarParts(ticks)[part];
  };
}

export const dateTimeFunctions: readonly BuiltinFunction[] = [
  defineFunction('GetCurrentDateTime', 0, 0, () => formatCosmosDateTime(nowTicks(Date.now()))),
  defineFunction('GetCurrentDateTimeStatic', 0, 0, (_args, clock) =>
    formatCosmosDateTime(nowTicks(clock.runStartedAt)),
  ),
  defineFunction('GetCurrentTicks', 0, 0, () => Number(nowTicks(Date.now()))),
  defineFunction('GetCurrentTicksStatic', 0, 0, (_args, clock) => Number(nowTicks(clock.runStartedAt))),
  defineFunction('GetCurrentTimestamp', 0, 0, () => Date.now()),
  defineFunction('GetCurrentTimestampStatic', 0, 0, (_args, clock) => clock.runStartedAt),
  defineFunction('DateTimeAdd', 3, 3, ([part, amount, dateTime]) => dateTimeAdd(part, amount, dateTime)),
  defineFunction('DateTimeDiff', 3, 3, ([part, start, end]) => dateTimeDiff(part, start, end)),
  defineFunction('DateTimePart', 2, 2, ([part, dateTime]) => dateTimePartOf(part, dateTime)),
  defineFunction('DateTimeFromParts', 3, 7, dateTimeFromParts),
  defineFunction('DateTimeBin', 2, 4, ([dateTime, part, binSize, origin]) =>
    dateTimeBin(dateTime, part, binSize, origin),
  ),
  defineFunction('DateTimeToTicks', 1, 1, ([dateTime]) => {
    const ticks = dateTimeTicks(dateTime);
    return ticks === undefined ? undefined : Number(ticks);
  }),
  defineFunction('DateTimeToTimestamp', 1, 1, ([dateTime]) => {
    const ticks = dateTimeTicks(dateTime);
    return ticks === undefined ? undefined : Number(floorDivide(ticks, TICKS_PER_MILLISECOND));
  }),
  defineFunction('TicksToDateTime', 1, 1, ([ticks]) => fromTicks(ticks)),
  defineFunction('TimestampToDateTime', 1, 1, ([milliseconds]) => fromTimestamp(milliseconds)),
  defineFunction('Year', 1, 1, calendarPart('year')),
  defineFunction('Month', 1, 1, calendarPart('month')),
  defineFunction('Day', 1, 1, calendarPart('day')),
];
