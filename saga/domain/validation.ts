import type { z } from 'zod';

export interface ValidationIssue {
  /** Where, as a JSONPath-like string: `lines[0].qty`. */
  path: string;
  /** The rule that failed, in words. */
  message: string;
}

/** A business document failed its schema. The message lists every field and rule, so one fix round suffices. */
export class ValidationError extends Error {
  constructor(
    readonly what: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`Invalid ${what}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    // zod 4 leaves the input out of issues unless asked; its message still says what was received.
    const received = /received (\w+)/.exec(issue.message)?.[1];
    return received === 'undefined'
      ? `is required (${issue.expected})`
      : `must be ${issue.expected}${received ? ` (got ${received})` : ''}`;
  }
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/** Parses `value` or throws a ValidationError naming each failing field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    what,
    result.error.issues.map((i) => ({ path: formatPath(i.path), message: describe(i) })),
  );
}
