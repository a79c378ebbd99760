// Numeric matching as EventBridge documents it: numbers from -5.0e9 to +5.0e9 inclusive, compared to six digits to
// the right of the decimal point. This is event-ruler's ComparableNumber of the releases whose limits the AWS user
// guide states (up to 1.7.x): a number n is compared by the integer trunc(1e6 * (5e9 + n)), computed in IEEE doubles
// exactly as Java does, so two numbers that differ only after the sixth decimal compare equal. A number outside the
// range has no comparable form: in a pattern it is an error, in an event it never matches numerically.

import { PatternArgumentError } from './errors';

export const NUMERIC_LIMIT = 5e9;
const TEN_E_SIX = 1e6;

/** The comparable form of a number, or undefined when it is outside [-5.0e9, +5.0e9] (or not finite). */
export function comparableNumber(n: number): number | undefined {
  if (!(n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT)) return undefined;
  return Math.trunc(TEN_E_SIX * (NUMERIC_LIMIT + n));
}

/** The comparable form of a number given in a pattern; throws event-ruler's error when out of range. */
export function checkedComparableNumber(n: number): number {
  const key = comparableNumber(n);
  if (key === undefined) throw new PatternArgumentError('Value must be between -5.0E9 and 5.0E9, inclusive');
  return key;
}

/** A numeric range over comparable numbers; open ends exclude their bound. */
export interface NumericRange {
  readonly bottom: number;
  readonly openBottom: boolean;
  readonly top: number;
  readonly openTop: boolean;
}

/**
 * event-ruler's Range: the bottom must be below the top (compared as given), and both must be in range. Bounds that
 * differ only after the sixth decimal make event-ruler 1.x fail while adding the rule; they are rejected here with the
 * message later event-ruler versions give for them.
 */
export function numericRange(bottom: number, openBottom: boolean, top: number, openTop: boolean): NumericRange {
  if (bottom >= top) throw new PatternArgumentError('Bottom must be less than top');
  const range = { bottom: checkedComparableNumber(bottom), openBottom, top: checkedComparableNumber(top), openTop };
  if (range.bottom === range.top) throw new PatternArgumentError('Bottom must be less than top');
  return range;
}

export const lessThan = (n: number): NumericRange => numericRange(-NUMERIC_LIMIT, false, n, true);
export const lessThanOrEqualTo = (n: number): NumericRange => numericRange(-NUMERIC_LIMIT, false, n, false);
export const greaterThan = (n: number): NumericRange => numericRange(n, true, NUMERIC_LIMIT, false);
export const greaterThanOrEqualTo = (n: number): NumericRange => numericRange(n, false, NUMERIC_LIMIT, false);

/** True when the comparable number lies in the range. */
export function inNumericRange(key: number, range: NumericRange): boolean {
  const aboveBottom = key > range.bottom || (key === range.bottom && !range.openBottom);
  const belowTop = key < range.top || (key === range.top && !range.openTop);
  return aboveBottom && belowTop;
}
