// The wildcard complexity limit EventBridge puts on patterns ("Rule is too complex"). As event-ruler's README shows
// for AWS's own validation, the branches of a pattern that contain a wildcard (or anything-but wildcard) are put in a
// machine whose complexity is evaluated with MachineComplexityEvaluator and rejected above a per-rule threshold; the
// threshold is 10 (the per-rule figure of event-ruler's README, and consistent with AWS accepting complexity 7,
// "/Users/*/dir/dir/dir/dir/dir/doc.txt", and rejecting 11, "*:*:*:*:*:event-bus/*").
//
// Complexity is the largest number of wildcard-pattern prefixes an input could keep alive at once. A value
// '"' + wildcard + '"' is a chain of states, one per literal byte, where a `*` is a self-loop on the state before it.
// While reading an input, each live transition counts the patterns reachable through it; a literal transition into a
// looping state also counts that state's loop unless the loop itself is live. Values of one field share transitions
// with an identical prefix (as in event-ruler's byte trie), so each shared transition counts a pattern once. The
// count is taken for each field separately, the largest one being the pattern's complexity.

import type { Branch } from './compiler';

export const MAX_WILDCARD_COMPLEXITY = 10;
export const TOO_COMPLEX_REASON =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/** Stop exploring once this many distinct sets of live transitions have been seen (the limit is found long before). */
const MAX_EXPLORED_SETS = 50_000;
const QUOTE = 0x22;

/** The largest complexity of the fields of the branches that contain a wildcard. */
export function wildcardComplexity(branches: readonly Branch[]): number {
  // Per field path: distinct wildcard patterns (by kind and values), each with its wildcard texts.
  const byPath = new Map<string, Map<string, readonly string[]>>();
  for (const branch of branches) {
    const hasWildcard = [...branch.values()].some((f) => f.matchers.some((m) => m.wildcards !== undefined));
    if (!hasWildcard) continue;
    for (const [path, field] of branch) {
      for (const matcher of field.matchers) {
        if (matcher.wildcards === undefined) continue;
        let patterns = byPath.get(path);
        if (!patterns) byPath.set(path, (patterns = new Map()));
        patterns.set(`${matcher.kind}:${JSON.stringify(matcher.wildcards)}`, matcher.wildcards);
      }
    }
  }
  let max = 0;
  for (const patterns of byPath.values()) max = Math.max(max, fieldComplexity([...patterns.values()]));
  return max;
}

interface Chain {
  readonly pattern: number;
  /** Literal bytes, the opening and closing quotes included; literal k leads to state k (1-based). */
  readonly literals: readonly number[];
  /** loops[k]: state k has a self-loop (a `*` follows literal k). */
  readonly loops: readonly boolean[];
  /** Identity of the transition into state k, and of state k's loop, shared by values with the same prefix. */
  readonly literalKeys: readonly string[];
  readonly loopKeys: readonly string[];
}

function chain(pattern: number, wildcard: string): Chain {
  const literals = [QUOTE];
  const loops = [false, false];
  const bytes = Buffer.from(wildcard, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2a) {
      loops[literals.length] = true;
      continue;
    }
    if (bytes[i] === 0x5c) i++; // an escaped '*' or '\' is a literal
    literals.push(bytes[i]);
    loops.push(false);
  }
  literals.push(QUOTE);
  loops.push(false);
  const literalKeys = [''];
  const loopKeys = [''];
  let prefix = '';
  for (let k = 1; k <= literals.length; k++) {
    prefix += `${literals[k - 1]}${loops[k] ? '*' : ''},`;
    literalKeys.push(`L${prefix}`);
    loopKeys.push(`T${prefix}`);
  }
  return { pattern, literals, loops, literalKeys, loopKeys };
}

/** A live transition: chain index, and the state it leads to; `loop` when it is that state's self-loop. */
interface Live {
  readonly chain: number;
  readonly state: number;
  readonly loop: boolean;
}

function fieldComplexity(patterns: readonly (readonly string[])[]): number {
  const chains = patterns.flatMap((values, p) => values.map((v) => chain(p, v)));
  // Patterns reachable through each transition identity.
  const reach = new Map<string, Set<number>>();
  const note = (key: string, pattern: number): void => {
    let set = reach.get(key);
    if (!set) reach.set(key, (set = new Set()));
    set.add(pattern);
  };
  const alphabet = new Set<number>([0]); // 0 stands for any byte no pattern names
  for (const c of chains) {
    for (let k = 1; k <= c.literals.length; k++) {
      note(c.literalKeys[k], c.pattern);
      if (c.loops[k]) note(c.loopKeys[k], c.pattern);
      alphabet.add(c.literals[k - 1]);
    }
  }
  const keyOf = (t: Live): string =>
    t.loop ? chains[t.chain].loopKeys[t.state] : chains[t.chain].literalKeys[t.state];

  const size = (live: readonly Live[]): number => {
    const keys = new Set(live.map(keyOf));
    let n = 0;
    for (const key of keys) n += reach.get(key)?.size ?? 0;
    const extras = new Set<string>();
    for (const t of live) {
      const c = chains[t.chain];
      if (!t.loop && c.loops[t.state] && !keys.has(c.loopKeys[t.state])) extras.add(c.loopKeys[t.state]);
    }
    for (const key of extras) n += reach.get(key)?.size ?? 0;
    return n;
  };

  const step = (live: readonly Live[], byte: number): Live[] => {
    const out = new Map<string, Live>();
    for (const t of live) {
      const c = chains[t.chain];
      const s = t.state;
      if (s < c.literals.length && c.literals[s] === byte) {
        const next = { chain: t.chain, state: s + 1, loop: false };
        out.set(`${next.chain}:${next.state}:L`, next);
      }
      if (c.loops[s]) out.set(`${t.chain}:${s}:T`, { chain: t.chain, state: s, loop: true });
    }
    return [...out.values()];
  };

  let max = 0;
  const seen = new Set<string>();
  let frontier: Live[][] = [
    step(
      chains.map((_, i) => ({ chain: i, state: 0, loop: false })),
      QUOTE,
    ),
  ];
  while (frontier.length > 0 && seen.size < MAX_EXPLORED_SETS) {
    const next: Live[][] = [];
    for (const live of frontier) {
      if (live.length === 0) continue;
      const id = live
        .map((t) => `${t.chain}:${t.state}:${t.loop ? 'T' : 'L'}`)
        .sort()
        .join('|');
      if (seen.has(id)) continue;
      seen.add(id);
      max = Math.max(max, size(live));
      if (max > MAX_WILDCARD_COMPLEXITY) return max;
      for (const byte of alphabet) next.push(step(live, byte));
    }
    frontier = next;
  }
  return max;
}
