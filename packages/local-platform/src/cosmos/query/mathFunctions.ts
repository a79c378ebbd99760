/**
 * Mathematical functions. All take numbers and give undefined for anything else. ROUND rounds halves away from zero
 * (ROUND(-2.5) is -3, unlike Math.round). The Int... functions work on 64-bit integers and give undefined for a
 * fractional argument or a zero divisor, as the documented examples show.
 */
import { type BuiltinFunction, defineFunction, isInteger } from './functionDefinition';

function unary(name: string, operation: (x: number) => number): BuiltinFunction {
  return defineFunction(name, 1, 1, ([x]) => (typeof x === 'number' ? operation(x) : undefined));
}

function binary(name: string, operation: (x: number, y: number) => number): BuiltinFunction {
  return defineFunction(name, 2, 2, ([x, y]) =>
    typeof x === 'number' && typeof y === 'number' ? operation(x, y) : undefined,
  );
}

/** Integer arithmetic on signed 64-bit values; null from `operation` means "no result" (e.g. division by zero). */
function int64(name: string, arity: 1 | 2, operation: (x: bigint, y: bigint) => bigint | null): BuiltinFunction {
  return defineFunction(name, arity, arity, (args) => {
    if (!args.every(isInteger)) return undefined;
    const [x, y = 0n] = (args as number[]).map((n) => BigInt(n));
    const result = operation(x, y);
    return result === null ? undefined : Number(BigInt.asIntN(64, result));
  });
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** Rounds down to a multiple of `bin` (NumberBin(37.752, 0.1) is 37.7); the division keeps decimal bins exact. */
function numberBin([value, bin = 1]: readonly unknown[]): number | undefined {
  if (typeof value !== 'number' || typeof bin !== 'number' || bin === 0) return undefined;
  const multiple = Math.floor(value / bin);
  const inverse = 1 / bin;
  return Number.isInteger(inverse) ? multiple / inverse : multiple * bin;
}

export const mathFunctions: readonly BuiltinFunction[] = [
  unary('ABS', Math.abs),
  unary('ACOS', Math.acos),
  unary('ASIN', Math.asin),
  unary('ATAN', Math.atan),
  binary('ATN2', Math.atan2),
  unary('CEILING', Math.ceil),
  unary('COS', Math.cos),
  unary('COT', (x) => 1 / Math.tan(x)),
  unary('DEGREES', (x) => (x * 180) / Math.PI),
  unary('EXP', Math.exp),
  unary('FLOOR', Math.floor),
  defineFunction('LOG', 1, 2, ([x, base]) => {
    if (typeof x !== 'number' || (base !== undefined && typeof base !== 'number')) return undefined;
    if (base === undefined) return Math.log(x);
    // The dedicated functions are exact where the quotient of natural logarithms is off in the last digit.
    return base === 10 ? Math.log10(x) : base === 2 ? Math.log2(x) : Math.log(x) / Math.log(base);
  }),
  unary('LOG10', Math.log10),
  defineFunction('PI', 0, 0, () => Math.PI),
  binary('POWER', Math.pow),
  unary('RADIANS', (x) => (x * Math.PI) / 180),
  defineFunction('RAND', 0, 0, () => Math.random()),
  unary('ROUND', roundHalfAwayFromZero),
  unary('SIGN', Math.sign),
  unary('SIN', Math.sin),
  unary('SQRT', Math.sqrt),
  unary('SQUARE', (x) => x * x),
  unary('TAN', Math.tan),
  unary('TRUNC', Math.trunc),
  defineFunction('NumberBin', 1, 2, numberBin),
  int64('IntAdd', 2, (x, y) => x + y),
  int64('IntSub', 2, (x, y) => x - y),
  int64('IntMul', 2, (x, y) => x * y),
  int64('IntDiv', 2, (x, y) => (y === 0n ? null : x / y)),
  int64('IntMod', 2, (x, y) => (y === 0n ? null : x % y)),
  int64('IntBitAnd', 2, (x, y) => x & y),
  int64('IntBitOr', 2, (x, y) => x | y),
  int64('IntBitXor', 2, (x, y) => x ^ y),
  int64('IntBitNot', 1, (x) => ~x),
  // As for 64-bit integers in C#, only the low six bits of the count are used (and a huge count cannot exhaust memory).
  int64('IntBitLeftShift', 2, (x, y) => x << (y & 63n)),
  int64('IntBitRightShift', 2, (x, y) => x >> (y & 63n)),
];
