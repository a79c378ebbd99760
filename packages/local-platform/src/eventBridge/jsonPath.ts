/**
 * The JSONPath subset EventBridge evaluates for InputPath and InputPathsMap: `$`, dot notation (names may contain
 * dashes and underscores), bracketed quoted names (`$['detail-type']`), array indices (`[0]`) and the `*`
 * wildcard. Filters, slices and recursive descent are not supported by EventBridge either, so they are rejected
 * when the target is created rather than failing every delivery.
 */
export type PathStep = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export class InvalidJsonPathError extends Error {}

export function parseJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$'))
    throw new InvalidJsonPathError(`JSON path '${path}' must start with '$' (for example $.detail.orderId).`);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^(\*|[^.[\]\s'"]+)/.exec(path.slice(i + 1));
      if (!m) throw new InvalidJsonPathError(`JSON path '${path}' has an empty or invalid name after '.' at ${i}.`);
      steps.push(m[1] === '*' ? { kind: 'wildcard' } : { kind: 'name', name: m[1] });
      i += 1 + m[1].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const m = /^\[(?:(\d+)|\*|'([^']*)'|"([^"]*)")\]/.exec(rest);
      if (!m) throw new InvalidJsonPathError(`JSON path '${path}' has an unsupported bracket expression at ${i}.`);
      if (m[1] !== undefined) steps.push({ kind: 'index', index: Number(m[1]) });
      else if (m[2] !== undefined || m[3] !== undefined) steps.push({ kind: 'name', name: m[2] ?? m[3] });
      else steps.push({ kind: 'wildcard' });
      i += m[0].length;
    } else {
      throw new InvalidJsonPathError(`JSON path '${path}' has an unexpected '${c}' at ${i}.`);
    }
  }
  return steps;
}

/**
 * The value at `path`, or undefined when the path does not exist. A wildcard anywhere makes the result the
 * array of all values reached (missing branches skipped).
 */
export function evaluateJsonPath(root: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown[] = [root];
  let multi = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'wildcard') {
        multi = true;
        if (Array.isArray(value)) next.push(...value);
        else if (value && typeof value === 'object') next.push(...Object.values(value));
      } else if (step.kind === 'index') {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        if (Object.prototype.hasOwnProperty.call(value, step.name))
          next.push((value as Record<string, unknown>)[step.name]);
      }
    }
    current = next;
  }
  if (multi) return current;
  return current.length ? current[0] : undefined;
}
