// Wildcard patterns: `*` matches any run of characters (including none); `\*` is a literal asterisk and `\\` a
// literal backslash; any other use of a backslash, and two consecutive `*`, are invalid. As in event-ruler the error
// positions count UTF-8 bytes of the value as it is quoted internally ("value"), so the first character is pos 1.

import { PatternArgumentError } from './errors';

/** A parsed wildcard: the literal pieces between the wildcards (one piece when there is no wildcard). */
export interface Wildcard {
  readonly pieces: readonly string[];
}

export function parseWildcard(text: string): Wildcard {
  const pieces: string[] = [];
  let piece = '';
  let bytePos = 1; // after the opening quote
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') {
      if (chars[i + 1] === '*') throw new PatternArgumentError(`Consecutive wildcard characters at pos ${bytePos}`);
      pieces.push(piece);
      piece = '';
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternArgumentError(`Invalid escape character at pos ${bytePos}`);
      piece += next;
      bytePos += 1;
      i++;
    } else {
      piece += ch;
    }
    bytePos += Buffer.byteLength(ch, 'utf8');
  }
  pieces.push(piece);
  return { pieces };
}

/** True when the whole string matches the wildcard. */
export function matchesWildcard(wildcard: Wildcard, subject: string): boolean {
  const { pieces } = wildcard;
  const first = pieces[0];
  if (pieces.length === 1) return subject === first;
  const last = pieces[pieces.length - 1];
  if (subject.length < first.length + last.length) return false;
  if (!subject.startsWith(first) || !subject.endsWith(last)) return false;
  let pos = first.length;
  const end = subject.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const at = subject.indexOf(pieces[i], pos);
    if (at < 0 || at + pieces[i].length > end) return false;
    pos = at + pieces[i].length;
  }
  return true;
}
