// Flattens an event the way event-ruler does before matching: every leaf value (string, number, boolean, null) is
// listed under its dotted path, arrays disappear (each element is a value of the same path, nested arrays too), and
// each value remembers which element of which enclosing array of objects/arrays it came from, so the matcher can
// refuse to combine fields that sit in different elements of the same array ("array consistency").
// An empty array or object contributes no value, so such a field counts as absent.
// Like event-ruler, keys whose name is no step of any pattern path are skipped with everything under them; this is
// only visible for keys event-ruler's step list misses, such as an empty last step ({"a": {"": [..]}} never matches).

import { javaSplit } from './javaSplit';
import type { EventScalar } from './valueMatchers';

/** Array id -> element index, for each array of objects/arrays enclosing a value. */
export type Membership = ReadonlyMap<number, number>;

export interface FlatValue {
  readonly value: EventScalar;
  readonly membership: Membership;
}

/** Values of an event by dotted path. */
export type FlatEvent = Map<string, FlatValue[]>;

const NO_MEMBERSHIP: Membership = new Map();

/** The step names event-ruler records for the field paths of a pattern (each path split at '.'). */
export function patternSteps(paths: Iterable<string>): Set<string> {
  const steps = new Set<string>();
  for (const path of paths) for (const step of javaSplit(path, '.')) steps.add(step);
  return steps;
}

/** event-ruler's isFieldStepUsed: a key is kept if it is a step, or if it has dots and all its parts are steps. */
function isStepUsed(steps: ReadonlySet<string>, key: string): boolean {
  if (steps.has(key)) return true;
  return key.includes('.') && javaSplit(key, '.').every((part) => steps.has(part));
}

export function flattenEvent(event: Record<string, unknown>, steps: ReadonlySet<string>): FlatEvent {
  const fields: FlatEvent = new Map();
  const ancestors = new Set<object>();
  let arrayCount = 0;
  let membership: Membership = NO_MEMBERSHIP;

  const add = (path: string, value: EventScalar): void => {
    let values = fields.get(path);
    if (!values) fields.set(path, (values = []));
    values.push({ value, membership });
  };

  const visit = (path: string, raw: unknown): void => {
    const value = toJsonValue(raw);
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      add(path, value);
      return;
    }
    if (ancestors.has(value)) return; // a cycle cannot come from JSON; ignore it rather than loop
    ancestors.add(value);
    if (Array.isArray(value)) visitArray(path, value);
    else visitObject(path, value as Record<string, unknown>);
    ancestors.delete(value);
  };

  // Steps are joined with '.', so a key "" nested in an object gives a path ending in '.' (as in event-ruler).
  const visitObject = (path: string | null, object: Record<string, unknown>): void => {
    for (const key of Object.keys(object)) {
      if (isStepUsed(steps, key)) visit(path === null ? key : `${path}.${key}`, object[key]);
    }
  };

  const visitArray = (path: string, array: readonly unknown[]): void => {
    const arrayId = arrayCount++;
    array.forEach((element, index) => {
      const value = toJsonValue(element);
      if (value !== null && typeof value === 'object') {
        const outer = membership;
        membership = new Map(outer).set(arrayId, index);
        visit(path, value);
        membership = outer;
      } else {
        visit(path, value);
      }
    });
  };

  visitObject(null, event);
  return fields;
}

/** The JSON value JSON.stringify would write for a property, or undefined when it would be left out. */
function toJsonValue(raw: unknown): EventScalar | object | undefined {
  let value = raw;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'object':
      return value;
    default:
      return undefined;
  }
}
