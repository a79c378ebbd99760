// Matches compiled branches against a flattened event with event-ruler's semantics (Machine.rulesForJSONEvent):
// - fields are taken in sorted path order; a field matches when one of its values passes one of its tests, or, for
//   `exists: false`, when it has no value;
// - array consistency: the values chosen for the fields of a branch must not come from different elements of the
//   same array (an array of objects is not "crushed" across elements), and `exists: false` only looks at values
//   consistent with the elements chosen for the fields before it;
// - the pattern matches when any branch (any $or alternative) matches.

import type { Branch, FieldPatterns } from './compiler';
import type { FlatEvent, FlatValue, Membership } from './flatten';

export interface CompiledField extends FieldPatterns {
  readonly path: string;
}

/** A branch's fields in the order event-ruler's state machine visits them (sorted by path, UTF-16 order). */
export function orderFields(branch: Branch): CompiledField[] {
  return [...branch.keys()].sort().map((path) => ({ path, ...(branch.get(path) as FieldPatterns) }));
}

export function matchesBranch(fields: readonly CompiledField[], event: FlatEvent): boolean {
  // Failed (field index, constraints) states, so large arrays are not explored repeatedly.
  const failed = new Set<string>();

  const from = (i: number, constraints: Membership): boolean => {
    if (i === fields.length) return true;
    const stateKey = `${i}|${membershipKey(constraints)}`;
    if (failed.has(stateKey)) return false;
    const field = fields[i];
    const values: readonly FlatValue[] = event.get(field.path) ?? [];

    if (field.absent && !values.some((v) => merge(constraints, v.membership) !== undefined)) {
      if (from(i + 1, constraints)) return true;
    }
    const tried = new Set<string>();
    for (const v of values) {
      const merged = merge(constraints, v.membership);
      if (merged === undefined) continue;
      const mergedKey = membershipKey(merged);
      if (tried.has(mergedKey)) continue;
      if (!field.matchers.some((m) => m.matches(v.value))) continue;
      tried.add(mergedKey);
      if (from(i + 1, merged)) return true;
    }
    failed.add(stateKey);
    return false;
  };

  return from(0, new Map());
}

/** The union of two memberships, or undefined when they name different elements of the same array. */
function merge(constraints: Membership, membership: Membership): Membership | undefined {
  if (membership.size === 0) return constraints;
  if (constraints.size === 0) return membership;
  let merged: Map<number, number> | undefined;
  for (const [array, index] of membership) {
    const chosen = constraints.get(array);
    if (chosen === undefined) {
      merged ??= new Map(constraints);
      merged.set(array, index);
    } else if (chosen !== index) {
      return undefined;
    }
  }
  return merged ?? constraints;
}

function membershipKey(membership: Membership): string {
  if (membership.size === 0) return '';
  return [...membership]
    .sort((a, b) => a[0] - b[0])
    .map(([array, index]) => `${array}:${index}`)
    .join(',');
}
