import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceBusAuthError } from './errors';

/**
 * Shared Access Signature tokens as Service Bus defines them:
 * `SharedAccessSignature sr=<url-encoded resource URI>&sig=<url-encoded base64 HMAC-SHA256>&se=<expiry, epoch s>&skn=<key name>`,
 * the signature taken over `<url-encoded resource URI>\n<expiry>` with the key's UTF-8 bytes.
 */

export function signSas(encodedResource: string, expirySeconds: number, key: string): string {
  return createHmac('sha256', key).update(`${encodedResource}\n${expirySeconds}`, 'utf8').digest('base64');
}

/** Builds a token the way the Azure docs' Node sample does; for tests and operator tools. */
export function createSasToken(resourceUri: string, keyName: string, key: string, expiresAtMs: number): string {
  const encoded = encodeURIComponent(resourceUri);
  const se = Math.round(expiresAtMs / 1000);
  return `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(signSas(encoded, se, key))}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}

export interface SasCheck {
  keyName: string;
  key: string;
  nowMs: number;
  /**
   * The request path after the mount prefix, lower case (`orders/messages/head`, `$entities`). A token covers
   * it when its resource path is a prefix on a segment boundary: the namespace, the entity, or (as the app's
   * REST sender signs) the entity's `/messages` URL.
   */
  requestKey: string;
  /** The mount prefix, so tokens for `http://host:7071/servicebus/orders` cover entity `orders`. */
  mountPrefix: string;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The resource path a token covers: scheme and host dropped, the mount prefix dropped, lower case. */
function resourcePath(resource: string, mountPrefix: string): string {
  let p = resource.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  p = p.replace(/^\/+|\/+$/g, '');
  const prefix = mountPrefix.replace(/^\/+|\/+$/g, '').toLowerCase();
  if (prefix && (p.toLowerCase() === prefix || p.toLowerCase().startsWith(`${prefix}/`))) p = p.slice(prefix.length);
  return p.replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** Throws ServiceBusAuthError saying exactly what is wrong, or returns when the token grants the entity. */
export function verifySasToken(header: string | undefined, check: SasCheck): void {
  const usage =
    'Send "Authorization: SharedAccessSignature sr=<url-encoded resource URI>&sig=<signature>&se=<expiry epoch seconds>&skn=<key name>".';
  if (!header) throw new ServiceBusAuthError(`This Service Bus endpoint requires a SAS token. ${usage}`);
  const m = /^SharedAccessSignature\s+(.*)$/i.exec(header.trim());
  if (!m)
    throw new ServiceBusAuthError(
      `The Authorization header is not a SharedAccessSignature token (it starts with '${header.trim().split(/\s/)[0]}'). ${usage}`,
    );
  const params = new Map<string, string>();
  for (const part of m[1].split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const missing = ['sr', 'sig', 'se', 'skn'].filter((k) => !params.get(k));
  if (missing.length) throw new ServiceBusAuthError(`The SAS token lacks ${missing.join(', ')}. ${usage}`);
  const srRaw = params.get('sr')!;
  const skn = safeDecode(params.get('skn')!);
  const se = params.get('se')!;
  if (skn !== check.keyName)
    throw new ServiceBusAuthError(
      `The SAS token is signed with key '${skn}', which this namespace does not have; use '${check.keyName}'.`,
    );
  if (!/^\d+$/.test(se))
    throw new ServiceBusAuthError(`The SAS token's se (expiry) must be whole seconds since 1970, got '${se}'.`);
  if (Number(se) * 1000 <= check.nowMs)
    throw new ServiceBusAuthError(
      `The SAS token expired at ${new Date(Number(se) * 1000).toISOString()} (the platform clock says ${new Date(check.nowMs).toISOString()}); create a new one.`,
    );
  const presented = Buffer.from(safeDecode(params.get('sig')!), 'base64');
  const resource = safeDecode(srRaw);
  // Clients encode the resource with encodeURIComponent; accept the token's own spelling and the canonical one.
  const candidates = new Set([srRaw, encodeURIComponent(resource)]);
  let valid = false;
  for (const encoded of candidates) {
    const expected = Buffer.from(signSas(encoded, Number(se), check.key), 'base64');
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) valid = true;
  }
  if (!valid)
    throw new ServiceBusAuthError(
      `The SAS token's signature does not match: sign "<url-encoded sr>\\n<se>" with HMAC-SHA256 using the key of '${check.keyName}' and base64-encode it.`,
    );
  const covered = resourcePath(resource, check.mountPrefix);
  if (covered && check.requestKey !== covered && !check.requestKey.startsWith(`${covered}/`))
    throw new ServiceBusAuthError(
      `The SAS token is for '${resource}', which does not cover '${check.requestKey}'; sign the namespace URI or this entity's URI.`,
    );
}
