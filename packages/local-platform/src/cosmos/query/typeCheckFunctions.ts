/**
 * Type-checking functions (IS_DEFINED, IS_NULL, ...). Unlike other functions they accept `undefined` and answer a
 * boolean for it, which is what makes them usable as filters on semi-structured data.
 */
import { type BuiltinFunction, defineFunction } from './functionDefinition';
import { parseCosmosDateTime } from './dateTimeValues';
import { kindOf } from './typeOrder';

/** The range of a 64-bit signed integer; 2^63 - 1 itself rounds to 2^63 as a double. */
const INT64_LIMIT = 2 ** 63;

export const typeCheckFunctions: readonly BuiltinFunction[] = [
  defineFunction('IS_DEFINED', 1, 1, ([value]) => value !== undefined),
  defineFunction('IS_NULL', 1, 1, ([value]) => value === null),
  defineFunction('IS_BOOL', 1, 1, ([value]) => typeof value === 'boolean'),
  defineFunction('IS_NUMBER', 1, 1, ([value]) => typeof value === 'number'),
  defineFunction('IS_STRING', 1, 1, ([value]) => typeof value === 'string'),
  defineFunction('IS_ARRAY', 1, 1, ([value]) => Array.isArray(value)),
  defineFunction('IS_OBJECT', 1, 1, ([value]) => kindOf(value) === 'object'),
  defineFunction('IS_PRIMITIVE', 1, 1, ([value]) => {
    const kind = kindOf(value);
    return kind === 'null' || kind === 'boolean' || kind === 'number' || kind === 'string';
  }),
  defineFunction('IS_FINITE_NUMBER', 1, 1, ([value]) => typeof value === 'number' && Number.isFinite(value)),
  defineFunction(
    'IS_INTEGER',
    1,
    1,
    ([value]) => typeof value === 'number' && Number.isInteger(value) && value >= -INT64_LIMIT && value <= INT64_LIMIT,
  ),
  defineFunction(
    'IS_DATETIME',
    1,
    1,
    ([value]) => typeof value === 'string' && parseCosmosDateTime(value) !== undefined,
  ),
];
