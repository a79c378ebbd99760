// equals-ignore-case as event-ruler implements it: each character of the pattern may appear in the event either as
// its lower-case or as its upper-case form (Locale.ROOT mapping of that one character), so "ß" matches "ß" and "SS".
// The event string is not case-folded; only the pattern's characters get alternatives.
// event-ruler takes the pattern one UTF-16 unit at a time, and Java encodes a lone surrogate as "?": a character
// outside the Basic Multilingual Plane (an emoji) in such a pattern stands for "??", as it does on AWS.

/** For each character of the pattern, the strings it may match. */
export type CaseAlternatives = ReadonlyArray<readonly string[]>;

export function caseAlternatives(text: string): CaseAlternatives {
  return Array.from({ length: text.length }, (_, i) => {
    const unit = text[i];
    if (/[\uD800-\uDFFF]/.test(unit)) return ['?'];
    const lower = unit.toLowerCase();
    const upper = unit.toUpperCase();
    return lower === upper ? [lower] : [lower, upper];
  });
}

/**
 * True when the subject is (whole), starts with (prefix) or ends with (suffix) a sequence of the alternatives.
 * Alternatives can differ in length, so the positions reachable after each pattern character are tracked as a set.
 */
export function matchesIgnoringCase(
  alternatives: CaseAlternatives,
  subject: string,
  mode: 'whole' | 'prefix' | 'suffix',
): boolean {
  if (mode === 'suffix') {
    let positions = new Set<number>([subject.length]);
    for (let i = alternatives.length - 1; i >= 0 && positions.size > 0; i--) {
      const next = new Set<number>();
      for (const pos of positions) {
        for (const alt of alternatives[i]) {
          const start = pos - alt.length;
          if (start >= 0 && subject.startsWith(alt, start)) next.add(start);
        }
      }
      positions = next;
    }
    return positions.size > 0;
  }
  let positions = new Set<number>([0]);
  for (let i = 0; i < alternatives.length && positions.size > 0; i++) {
    const next = new Set<number>();
    for (const pos of positions) {
      for (const alt of alternatives[i]) {
        if (subject.startsWith(alt, pos)) next.add(pos + alt.length);
      }
    }
    positions = next;
  }
  return mode === 'prefix' ? positions.size > 0 : positions.has(subject.length);
}
