/**
 * The catalogue of scalar system functions, looked up case-insensitively, and the names Cosmos knows but this
 * engine does not implement (spatial, vector and full-text search, ...), which are refused as "not supported
 * locally" rather than "not a recognized function". Aggregates (COUNT, SUM, ...) are in aggregates.ts.
 */
import { arrayFunctions } from './arrayFunctions';
import { dateTimeFunctions } from './dateTimeFunctions';
import { type BuiltinFunction, defineFunction } from './functionDefinition';
import { mathFunctions } from './mathFunctions';
import { stringFunctions } from './stringFunctions';
import { typeCheckFunctions } from './typeCheckFunctions';

const conditionalFunctions: readonly BuiltinFunction[] = [
  // Only a boolean true picks the first branch: IIF(123, a, b) is b in the documented examples.
  defineFunction('IIF', 3, 3, ([condition, whenTrue, whenFalse]) => (condition === true ? whenTrue : whenFalse)),
];

const catalogue = new Map<string, BuiltinFunction>(
  [
    ...typeCheckFunctions,
    ...stringFunctions,
    ...mathFunctions,
    ...arrayFunctions,
    ...dateTimeFunctions,
    ...conditionalFunctions,
  ].map((fn) => [fn.name, fn]),
);

const KNOWN_BUT_NOT_IMPLEMENTED = new Set([
  'AGO',
  'ARRAY_AVG',
  'ARRAY_MAX',
  'ARRAY_MEDIAN',
  'ARRAY_MIN',
  'ARRAY_SUM',
  'CONTAINS_ALL_CI',
  'CONTAINS_ALL_CS',
  'CONTAINS_ANY_CI',
  'CONTAINS_ANY_CS',
  'DATETIMEFORMAT',
  'DOCUMENTID',
  'FULLTEXTCONTAINS',
  'FULLTEXTCONTAINSALL',
  'FULLTEXTCONTAINSANY',
  'FULLTEXTSCORE',
  'NOW',
  'RRF',
  'ST_AREA',
  'ST_DISTANCE',
  'ST_INTERSECTS',
  'ST_ISVALID',
  'ST_ISVALIDDETAILED',
  'ST_WITHIN',
  'VECTORDISTANCE',
]);

export function findBuiltinFunction(name: string): BuiltinFunction | undefined {
  return catalogue.get(name.toUpperCase());
}

export function isKnownButNotImplemented(name: string): boolean {
  return KNOWN_BUT_NOT_IMPLEMENTED.has(name.toUpperCase());
}
