// Amazon EventBridge event patterns, with the semantics of AWS's reference matcher event-ruler: used by the local
// EventBridge for rules, archives and TestEventPattern.
//
//   compileEventPattern(pattern)      parses and validates (throws InvalidEventPatternError, AWS's
//                                     InvalidEventPatternException, with event-ruler's reason and location)
//   .matches(event)                   true when the event (a parsed JSON object) matches; never throws
//   matchesEventPattern(p, event)     both at once
//
// Supported: exact values (strings, numbers compared numerically, true/false/null, IP addresses), prefix and suffix
// (with equals-ignore-case), equals-ignore-case, wildcard, anything-but (values, prefix, suffix, equals-ignore-case,
// wildcard), numeric, cidr, exists, $or, nested objects and arrays (with event-ruler's array consistency).
//
// Limits EventBridge puts on a pattern beyond event-ruler's own checks: its length (MAX_EVENT_PATTERN_LENGTH), the
// complexity of its wildcards (complexity.ts) and the rule combinations of its $or arrays (ruleCombinations.ts).

import { compileBranches } from './compiler';
import { MAX_WILDCARD_COMPLEXITY, TOO_COMPLEX_REASON, wildcardComplexity } from './complexity';
import { InvalidEventPatternError } from './errors';
import { flattenEvent, patternSteps } from './flatten';
import { matchesBranch, orderFields, type CompiledField } from './matcher';

export { InvalidEventPatternError } from './errors';
export { MAX_RULE_COMBINATIONS } from './ruleCombinations';

/** AWS: an event pattern is at most 2048 characters (the default quota). */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

export interface CompiledEventPattern {
  /** True when the event (a parsed JSON object, e.g. a full EventBridge envelope) matches. */
  matches(event: unknown): boolean;
}

class CompiledPattern implements CompiledEventPattern {
  private readonly steps: ReadonlySet<string>;

  constructor(private readonly branches: readonly (readonly CompiledField[])[]) {
    this.steps = patternSteps(branches.flatMap((fields) => fields.map((f) => f.path)));
  }

  matches(event: unknown): boolean {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
    try {
      const flat = flattenEvent(event as Record<string, unknown>, this.steps);
      return this.branches.some((fields) => matchesBranch(fields, flat));
    } catch {
      return false; // e.g. a getter that throws: not an event that can come from JSON
    }
  }
}

/** Parses and validates a pattern (JSON text or an already-parsed object). Throws InvalidEventPatternError. */
export function compileEventPattern(pattern: string | object): CompiledEventPattern {
  const text = patternText(pattern);
  if (text.length > MAX_EVENT_PATTERN_LENGTH) {
    throw new InvalidEventPatternError(
      `Event pattern is ${text.length} characters long; the maximum length is ${MAX_EVENT_PATTERN_LENGTH} characters`,
    );
  }
  const branches = compileBranches(text);
  if (wildcardComplexity(branches) > MAX_WILDCARD_COMPLEXITY) throw new InvalidEventPatternError(TOO_COMPLEX_REASON);
  return new CompiledPattern(branches.map(orderFields));
}

/** Convenience: compile + match. */
export function matchesEventPattern(pattern: string | object, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}

function patternText(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  let text: string | undefined;
  try {
    text = JSON.stringify(pattern);
  } catch (e) {
    throw new InvalidEventPatternError(`Filter is not valid JSON: ${(e as Error).message}`);
  }
  return text ?? '';
}
