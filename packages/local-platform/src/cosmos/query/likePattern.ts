/**
 * Translates a LIKE pattern into a regular expression matching the whole string: `%` is any run of characters,
 * `_` any one character, `[a-f]` / `[abc]` a character from a range or set, `[^...]` one not in it, and the ESCAPE
 * character makes the next character literal ("Keywords" page of the Cosmos docs). Matching is case-sensitive.
 */

/** Characters to escape outside a class; in Unicode mode `\-` is only allowed inside one. */
const SYNTAX_CHARACTERS = /[\\^$.*+?()[\]{}|/]/g;
const CLASS_SPECIAL = /[\\^\][-]/g;

function literal(character: string): string {
  return character.replace(SYNTAX_CHARACTERS, '\\$&');
}

function classMember(character: string): string {
  return character.replace(CLASS_SPECIAL, '\\$&');
}

export function likeToRegExp(pattern: string, escape: string | undefined): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (escape !== undefined && c === escape && i + 1 < pattern.length) {
      source += literal(pattern[++i]);
    } else if (c === '%') {
      source += '[\\s\\S]*';
    } else if (c === '_') {
      source += '[\\s\\S]';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        source += literal(c);
        continue;
      }
      source += characterClass(pattern.slice(i + 1, close));
      i = close;
    } else {
      source += literal(c);
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/** `[a-f]`, `[abc]`, `[^abc]`; inside brackets the wildcards lose their meaning (`[%]` is a literal `%`). */
function characterClass(body: string): string {
  const negated = body.startsWith('^') && body.length > 1;
  const members = negated ? body.slice(1) : body;
  let source = '';
  for (let i = 0; i < members.length; i++) {
    const isRange = members[i + 1] === '-' && i + 2 < members.length;
    if (isRange) {
      source += `${classMember(members[i])}-${classMember(members[i + 2])}`;
      i += 2;
    } else {
      source += classMember(members[i]);
    }
  }
  return `[${negated ? '^' : ''}${source}]`;
}
