import { createHash, timingSafeEqual } from 'node:crypto';

export type OpsRole = 'reader' | 'operator';

/** Who called: the key's name (recorded in the audit) and its role. Never the key itself. */
export interface OpsCaller {
  name: string;
  role: OpsRole;
}

interface NamedKey {
  name: string;
  role: OpsRole;
  digest: Buffer;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Thrown at start-up-like moments for a malformed key setting; names the setting, never a key. */
export class OpsKeySettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsKeySettingError';
  }
}

/**
 * Parses `name=key,name2=key2` (OPS_READER_KEYS, OPS_OPERATOR_KEYS). Several keys per role, so one can be
 * rotated while the other still works; each name is what the audit records.
 */
export function parseKeys(setting: string, text: string | undefined, role: OpsRole): NamedKey[] {
  if (!text?.trim()) return [];
  return text.split(',').map((pair, i) => {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const key = pair.slice(at + 1).trim();
    if (at < 1 || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name) || key.length < 16)
      throw new OpsKeySettingError(
        `${setting} entry ${i + 1} is not name=key with a name of letters, digits, "_.@-" and a key of at least 16 characters. Use e.g. ${setting}=alice=<32 random characters>,bob=<…>.`,
      );
    return { name, role, digest: digest(key) };
  });
}

/** The caller a presented key belongs to. Every configured key is compared, in constant time, whatever matches. */
export function identify(keys: NamedKey[], presented: string | undefined | null): OpsCaller | undefined {
  if (!presented) return undefined;
  const given = digest(presented);
  let found: NamedKey | undefined;
  for (const k of keys) if (timingSafeEqual(k.digest, given) && !found) found = k;
  return found && { name: found.name, role: found.role };
}

/** The keys from the app settings. */
export function keysFromSettings(): NamedKey[] {
  return [
    ...parseKeys('OPS_READER_KEYS', process.env.OPS_READER_KEYS, 'reader'),
    ...parseKeys('OPS_OPERATOR_KEYS', process.env.OPS_OPERATOR_KEYS, 'operator'),
  ];
}
